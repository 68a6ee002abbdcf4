package io.pushflow.core.bandit;

import java.util.Arrays;
import java.util.List;
import org.apache.commons.rng.UniformRandomProvider;

/** With probability epsilon a random arm, otherwise the best observed mean (untried arms first). */
public final class EpsilonGreedy implements Policy {

    private final double epsilon;
    private double[] means = new double[0];

    public EpsilonGreedy(double epsilon) {
        if (epsilon < 0 || epsilon > 1) {
            throw new IllegalArgumentException("epsilon is a probability: " + epsilon);
        }
        this.epsilon = epsilon;
    }

    @Override
    public void update(List<ArmEvidence> arms) {
        means = new double[arms.size()];
        for (int i = 0; i < arms.size(); i++) {
            ArmEvidence a = arms.get(i);
            means[i] = a.trials() < 1 ? Double.POSITIVE_INFINITY : a.successes() / a.trials();
        }
    }

    @Override
    public int choose(UniformRandomProvider rng) {
        return rng.nextDouble() < epsilon ? rng.nextInt(means.length) : Shares.argmax(means);
    }

    @Override
    public double[] shares(UniformRandomProvider rng) {
        double[] out = new double[means.length];
        Arrays.fill(out, epsilon / means.length);
        out[Shares.argmax(means)] += 1 - epsilon;
        return out;
    }
}
