package io.pushflow.flink.dispatch;

import io.pushflow.core.bandit.ArmEvidence;
import io.pushflow.core.bandit.FixedSplit;
import io.pushflow.core.bandit.Policy;
import io.pushflow.core.bandit.Shares;
import io.pushflow.core.bandit.TestThenWinner;
import io.pushflow.core.bandit.ThompsonSampling;
import io.pushflow.core.bandit.WaveAssignment;
import java.util.ArrayList;
import java.util.List;

/** Each variant's share of a wave, by the campaign's split policy and the evidence in its plan. */
final class VariantShares {

    private VariantShares() {}

    /** The shares of the plan's current wave, due at {@code at}; random choices are seeded by (campaign, wave), so a replay repeats them. */
    static double[] of(PlanState plan, long at) {
        CampaignControl c = plan.campaign;
        Policy policy = switch (c.split()) {
            case AB_FIXED -> new FixedSplit(c.weights);
            case BANDIT -> new ThompsonSampling(1, 1, c.minShare, c.burnIn, ThompsonSampling.DEFAULT_DRAWS);
            case AB_WINNER -> new TestThenWinner();
        };
        List<ArmEvidence> evidence = new ArrayList<>();
        for (int i = 0; i < c.variantKeys.length; i++) {
            evidence.add(new ArmEvidence(plan.trials[i], plan.successes[i]));
        }
        policy.update(evidence);
        if (policy instanceof TestThenWinner winner && at >= c.startAtMillis + c.testDurationMillis) {
            winner.endTest();
        }
        double[] shares = policy.shares(WaveAssignment.rng(c.campaignId, plan.wave));
        return shares.length == c.variantKeys.length ? shares : Shares.even(c.variantKeys.length);
    }
}
