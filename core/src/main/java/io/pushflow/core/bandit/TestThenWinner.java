package io.pushflow.core.bandit;

import java.util.List;
import org.apache.commons.rng.UniformRandomProvider;

/**
 * AB_WINNER: an even split while testing; afterwards everything to the winner, the arm with the highest
 * posterior mean (Beta(1,1) prior, so an arm with little evidence is not crowned on one lucky click).
 * The caller says when the test ends ({@link #endTest}): by time in the job, by steps in the simulator.
 */
public final class TestThenWinner implements Policy {

    private List<ArmEvidence> arms = List.of();
    private boolean testing = true;
    private int winner = -1;

    @Override
    public void update(List<ArmEvidence> evidence) {
        arms = List.copyOf(evidence);
    }

    /** Ends the test and fixes the winner from the evidence so far; later evidence does not change it. */
    public void endTest() {
        if (testing) {
            testing = false;
            winner = winner(arms);
        }
    }

    public boolean testing() {
        return testing;
    }

    static int winner(List<ArmEvidence> arms) {
        double[] means = new double[arms.size()];
        for (int i = 0; i < arms.size(); i++) {
            ArmEvidence a = arms.get(i);
            means[i] = (1 + a.successes()) / (2 + a.trials());
        }
        return Shares.argmax(means);
    }

    @Override
    public int choose(UniformRandomProvider rng) {
        return testing ? rng.nextInt(arms.size()) : winner;
    }

    @Override
    public double[] shares(UniformRandomProvider rng) {
        return testing ? Shares.even(arms.size()) : Shares.oneHot(arms.size(), winner);
    }
}
