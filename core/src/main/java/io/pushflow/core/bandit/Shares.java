package io.pushflow.core.bandit;

import java.util.Arrays;

/** Small operations on share vectors. */
public final class Shares {

    private Shares() {}

    public static double[] even(int arms) {
        double[] out = new double[arms];
        Arrays.fill(out, 1.0 / arms);
        return out;
    }

    public static double[] oneHot(int arms, int arm) {
        double[] out = new double[arms];
        out[arm] = 1;
        return out;
    }

    /** Normalizes non-negative weights to shares. */
    public static double[] normalize(double[] weights) {
        double sum = 0;
        for (double w : weights) {
            if (w < 0 || Double.isNaN(w)) {
                throw new IllegalArgumentException("weights are never negative: " + Arrays.toString(weights));
            }
            sum += w;
        }
        if (sum == 0) {
            return even(weights.length);
        }
        double[] out = new double[weights.length];
        for (int i = 0; i < weights.length; i++) {
            out[i] = weights[i] / sum;
        }
        return out;
    }

    /** Gives every arm at least {@code floor}, scaling the rest: floor + (1 - k*floor) * share. */
    public static double[] withFloor(double[] shares, double floor) {
        int k = shares.length;
        if (floor <= 0) {
            return shares;
        }
        if (floor * k >= 1) {
            throw new IllegalArgumentException(
                    "a floor of " + floor + " for " + k + " arms leaves nothing to allocate");
        }
        double[] out = new double[k];
        for (int i = 0; i < k; i++) {
            out[i] = floor + (1 - k * floor) * shares[i];
        }
        return out;
    }

    /** The index of the largest value, the lowest index on ties. */
    public static int argmax(double[] values) {
        int best = 0;
        for (int i = 1; i < values.length; i++) {
            if (values[i] > values[best]) {
                best = i;
            }
        }
        return best;
    }
}
