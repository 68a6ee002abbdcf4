package io.pushflow.core.bandit;

/**
 * A message on {@code bandit.feedback}: new evidence for one variant of one campaign. {@code trials} is the
 * growth of settled deliveries since the last message (fractional: a fresh delivery counts as the share of its
 * eventual clicks already seen, see {@link DelayedFeedback}); {@code rewards} the new clicks or opens by the
 * campaign's metric. {@code feedbackId} is the AMQP correlation id, so a redelivery is dropped.
 */
public record BanditFeedback(int v, String feedbackId, long campaignId, String variant, double trials, long rewards) {

    public static final int VERSION = 1;
}
