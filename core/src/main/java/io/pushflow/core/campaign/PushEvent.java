package io.pushflow.core.campaign;

import java.time.Instant;

/**
 * A message on {@code push.events}: what the app reports of a push (opened, clicked), with the campaign and
 * variant from the push's data payload and the install's subscription id, or that the app was opened at all
 * ({@code APP_OPENED}: campaign 0 and no variant unless a push opened it; the measure of a holdout's lift).
 * {@code eventId} is the AMQP correlation id; an event seen twice counts once.
 */
public record PushEvent(
        int v, String eventId, long campaignId, String variant, String subscriptionId, Type type, Instant at) {

    public static final int VERSION = 1;
    /** The longest strings an event may carry: whoever reads events bounds them by these. */
    public static final int MAX_EVENT_ID = 128;

    public static final int MAX_SUBSCRIPTION_ID = 256;
    public static final int MAX_VARIANT = 16;

    public enum Type {
        OPENED,
        CLICKED,
        APP_OPENED
    }
}
