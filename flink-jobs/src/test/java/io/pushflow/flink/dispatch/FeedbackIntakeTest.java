package io.pushflow.flink.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FeedbackIntakeTest {

    static VariantFeedback feedback(String variant, double trials, long rewards) {
        return WavePlannerTest.feedback(variant, trials, rewards).feedback;
    }

    @Test
    void feedback_adds_to_its_variant_s_evidence() {
        PlanState plan = CampaignLifecycleTest.launched();
        assertThat(FeedbackIntake.take(plan, feedback("B", 10.5, 2))).isEmpty();
        assertThat(FeedbackIntake.take(plan, feedback("B", 4, 1))).isEmpty();
        assertThat(plan.trials).containsExactly(0, 14.5);
        assertThat(plan.successes).containsExactly(0, 3);
    }

    @Test
    void feedback_for_no_plan_or_an_unknown_variant_is_refused_and_counts_nowhere() {
        assertThat(FeedbackIntake.take(null, feedback("A", 10, 1)))
                .contains("campaign 7 is unknown to the planner (never launched, or over for more than a day)");
        PlanState plan = CampaignLifecycleTest.launched();
        assertThat(FeedbackIntake.take(plan, feedback("Z", 10, 1))).contains("campaign 7 has no variant 'Z'");
        assertThat(plan.trials).containsOnly(0);
        assertThat(plan.successes).containsOnly(0);
    }
}
