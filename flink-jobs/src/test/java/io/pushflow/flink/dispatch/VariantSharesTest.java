package io.pushflow.flink.dispatch;

import static io.pushflow.flink.dispatch.WavePlannerTest.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class VariantSharesTest {

    static PlanState plan(String split) {
        PlanState plan = new PlanState();
        plan.campaign = WavePlannerTest.control("LAUNCH", 1, split, 0, 60_000).control;
        plan.trials = new double[2];
        plan.successes = new long[2];
        plan.wave = 3;
        return plan;
    }

    @Test
    void a_fixed_split_follows_the_weights() {
        assertThat(VariantShares.of(plan("AB_FIXED"), T0)).containsExactly(new double[] {0.75, 0.25}, within(1e-12));
    }

    @Test
    void
            the_bandit_splits_evenly_until_the_burn_in_then_favours_the_better_variant_with_a_floor_and_repeats_itself_on_a_replay() {
        PlanState plan = plan("BANDIT");
        assertThat(VariantShares.of(plan, T0)).containsExactly(new double[] {0.5, 0.5}, within(1e-12));
        plan.trials = new double[] {400, 400};
        plan.successes = new long[] {8, 24};
        double[] shares = VariantShares.of(plan, T0);
        assertThat(shares[1]).isGreaterThan(0.9);
        assertThat(shares[0]).isGreaterThanOrEqualTo(plan.campaign.minShare - 1e-12);
        assertThat(VariantShares.of(plan, T0)).containsExactly(shares);
    }

    @Test
    void ab_winner_splits_evenly_during_the_test_and_gives_everything_to_the_winner_after_it() {
        PlanState plan = plan("AB_WINNER");
        plan.campaign.testDurationMillis = 30_000;
        plan.trials = new double[] {500, 500};
        plan.successes = new long[] {5, 30};
        assertThat(VariantShares.of(plan, T0 + 29_999)).containsExactly(new double[] {0.5, 0.5}, within(1e-12));
        assertThat(VariantShares.of(plan, T0 + 30_000)).containsExactly(new double[] {0, 1}, within(1e-12));
    }
}
