package io.pushflow.core.bandit;

import java.util.List;
import org.apache.commons.rng.UniformRandomProvider;

/** UCB1 (Auer et al. 2002): untried arms first, then the highest mean + sqrt(2 ln n / n_i). A wave goes to one arm. */
public final class Ucb1 implements Policy {

    private double[] index = new double[0];

    @Override
    public void update(List<ArmEvidence> arms) {
        double total = arms.stream().mapToDouble(ArmEvidence::trials).sum();
        index = new double[arms.size()];
        for (int i = 0; i < arms.size(); i++) {
            ArmEvidence a = arms.get(i);
            index[i] = a.trials() < 1
                    ? Double.POSITIVE_INFINITY
                    : a.successes() / a.trials() + Math.sqrt(2 * Math.log(Math.max(total, 1)) / a.trials());
        }
    }

    @Override
    public int choose(UniformRandomProvider rng) {
        return Shares.argmax(index);
    }

    @Override
    public double[] shares(UniformRandomProvider rng) {
        return Shares.oneHot(index.length, choose(rng));
    }
}
