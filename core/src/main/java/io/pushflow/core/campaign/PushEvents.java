package io.pushflow.core.campaign;

import java.time.Instant;
import java.util.List;

/**
 * A message on {@code push.events} carrying many events at once, as an app's event collector forwards them:
 * {@code batchId} is the AMQP correlation id, and every event keeps its own id, so a redelivered batch or an
 * event sent twice still counts once. One {@link PushEvent} alone is still a valid message.
 */
public record PushEvents(int v, String batchId, List<PushEvent> events) {

    public static final int VERSION = 1;

    /** A message body of either form, as read: one event ({@code eventId} set) or a batch ({@code events} set). */
    public record Either(
            Integer v,
            String eventId,
            Long campaignId,
            String variant,
            String subscriptionId,
            PushEvent.Type type,
            Instant at,
            String batchId,
            List<PushEvent> events) {

        /** The events this message carries; a message of neither form carries none. */
        public List<PushEvent> all() {
            if (events != null) {
                return events;
            }
            if (eventId == null) {
                return List.of();
            }
            return List.of(new PushEvent(
                    v == null ? 0 : v,
                    eventId,
                    campaignId == null ? 0 : campaignId,
                    variant,
                    subscriptionId,
                    type,
                    at));
        }
    }
}
