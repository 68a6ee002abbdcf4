package io.pushflow.core.campaign;

import java.time.Instant;

/**
 * A message on {@code push.events}: what the app reports of a push (opened, clicked), with the campaign and
 * variant from the push's data payload and the install's subscription id. {@code eventId} is the AMQP
 * correlation id; an event seen twice counts once.
 */
public record PushEvent(int v, String eventId, long campaignId, String variant, String subscriptionId, Type type, Instant at) {

    public static final int VERSION = 1;

    public enum Type { OPENED, CLICKED }
}
