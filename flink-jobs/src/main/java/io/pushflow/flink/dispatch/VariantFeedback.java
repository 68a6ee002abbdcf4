package io.pushflow.flink.dispatch;

import io.pushflow.core.bandit.BanditFeedback;

/** {@link BanditFeedback} as the dispatch job keeps it (a Flink POJO). */
public class VariantFeedback {

    public String feedbackId;
    public long campaignId;
    public String variant;
    public double trials;
    public long rewards;
    /** Why the planner refused it, when it did. */
    public String error;

    public VariantFeedback() {}

    /** As it came, for the dead-letter queue. */
    public BanditFeedback message() {
        return new BanditFeedback(BanditFeedback.VERSION, feedbackId, campaignId, variant, trials, rewards);
    }

    public static VariantFeedback from(BanditFeedback f) {
        VariantFeedback out = new VariantFeedback();
        out.feedbackId = f.feedbackId();
        out.campaignId = f.campaignId();
        out.variant = f.variant();
        out.trials = f.trials();
        out.rewards = f.rewards();
        return out;
    }
}
