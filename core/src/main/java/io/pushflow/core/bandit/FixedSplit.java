package io.pushflow.core.bandit;

import java.util.List;
import org.apache.commons.rng.UniformRandomProvider;

/** AB_FIXED: the same weights whatever the evidence. */
public final class FixedSplit implements Policy {

    private final double[] shares;
    private final double[] cumulative;

    public FixedSplit(double[] weights) {
        this.shares = Shares.normalize(weights);
        this.cumulative = new double[shares.length];
        double sum = 0;
        for (int i = 0; i < shares.length; i++) {
            sum += shares[i];
            cumulative[i] = sum;
        }
    }

    @Override
    public void update(List<ArmEvidence> arms) {
        if (arms.size() != shares.length) {
            throw new IllegalArgumentException(arms.size() + " arms for " + shares.length + " weights");
        }
    }

    @Override
    public int choose(UniformRandomProvider rng) {
        double u = rng.nextDouble();
        for (int i = 0; i < cumulative.length; i++) {
            if (u < cumulative[i]) {
                return i;
            }
        }
        return cumulative.length - 1;
    }

    @Override
    public double[] shares(UniformRandomProvider rng) {
        return shares.clone();
    }
}
