package io.pushflow.flink.dispatch;

import java.util.Arrays;
import java.util.Optional;

/** Whether a variant's feedback counts as evidence in a campaign's plan: only for a campaign the planner knows and a variant it has. */
final class FeedbackIntake {

    private FeedbackIntake() {}

    /** Adds the feedback to the plan's evidence; or, when it cannot ({@code plan} null: no plan), says why. */
    static Optional<String> take(PlanState plan, VariantFeedback feedback) {
        if (plan == null) {
            return Optional.of("campaign " + feedback.campaignId
                    + " is unknown to the planner (never launched, or over for more than a day)");
        }
        int arm = Arrays.asList(plan.campaign.variantKeys).indexOf(feedback.variant);
        if (arm < 0) {
            return Optional.of("campaign " + feedback.campaignId + " has no variant '" + feedback.variant + "'");
        }
        plan.trials[arm] += feedback.trials;
        plan.successes[arm] += feedback.rewards;
        return Optional.empty();
    }
}
