package io.pushflow.core.stats;

import org.apache.commons.statistics.distribution.NormalDistribution;

/**
 * The difference of two proportions (treated minus control) with Newcombe's hybrid score interval (his method 10):
 * each proportion's Wilson score interval, combined by the square-and-add rule. Unlike the Wald interval it stays
 * inside [-1, 1] and keeps its coverage near the nominal level for small counts and rates near 0 or 1 (Newcombe,
 * Statistics in Medicine 17, 1998).
 */
public record ProportionDifference(double difference, double low, double high, double level) {

    public static final String METHOD = "Newcombe hybrid score (Wilson)";

    public static ProportionDifference of(
            long treatedSuccesses, long treated, long controlSuccesses, long control, double level) {
        if (level <= 0 || level >= 1) {
            throw new IllegalArgumentException("the level is in (0, 1), got " + level);
        }
        double z = NormalDistribution.of(0, 1).inverseSurvivalProbability((1 - level) / 2);
        double[] t = wilson(treatedSuccesses, treated, z);
        double[] c = wilson(controlSuccesses, control, z);
        double p1 = rate(treatedSuccesses, treated);
        double p2 = rate(controlSuccesses, control);
        double d = p1 - p2;
        double low = d - Math.sqrt(square(p1 - t[0]) + square(c[1] - p2));
        double high = d + Math.sqrt(square(t[1] - p1) + square(p2 - c[0]));
        return new ProportionDifference(d, Math.max(-1, low), Math.min(1, high), level);
    }

    /** Wilson's score interval of {@code successes} in {@code n}; [0, 1] when there is nothing to go by. */
    static double[] wilson(long successes, long n, double z) {
        if (successes < 0 || n < 0 || successes > n) {
            throw new IllegalArgumentException("0 <= successes <= n, got " + successes + " of " + n);
        }
        if (n == 0) {
            return new double[] {0, 1};
        }
        double p = (double) successes / n;
        double z2 = z * z;
        double centre = (p + z2 / (2 * n)) / (1 + z2 / n);
        double half = z / (1 + z2 / n) * Math.sqrt(p * (1 - p) / n + z2 / (4.0 * n * n));
        return new double[] {Math.max(0, centre - half), Math.min(1, centre + half)};
    }

    private static double rate(long successes, long n) {
        return n == 0 ? 0 : (double) successes / n;
    }

    private static double square(double x) {
        return x * x;
    }
}
