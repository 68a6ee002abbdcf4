package io.pushflow.flink.status;

import io.pushflow.core.campaign.PushEvent;
import io.pushflow.core.json.Json;
import io.pushflow.flink.delivery.ProviderNotification;
import io.pushflow.flink.rabbit.JsonMessageSchema;

/** Reads {@code push.events} (the app's opens and clicks) and {@code push.notifications} (the delivery job's). */
public class StatusEventSchema extends JsonMessageSchema<StatusEvent> {

    public enum Kind { EVENTS, NOTIFICATIONS }

    private final Kind kind;

    public StatusEventSchema(Kind kind, String queue) {
        super(queue, StatusEvent.class);
        this.kind = kind;
    }

    @Override
    protected StatusEvent unreadable(String id, String text, String reason) {
        return StatusEvent.bad(queue, id, text, reason);
    }

    @Override
    protected StatusEvent read(String id, String text) {
        StatusEvent e = new StatusEvent();
        if (kind == Kind.EVENTS) {
            e.engagement = EngagementEvent.of(Json.read(text, PushEvent.class), System.currentTimeMillis());
        } else {
            e.notification = Json.read(text, ProviderNotification.class);
            if (e.notification.notificationId == null || e.notification.notificationId.isEmpty() || e.notification.campaignId <= 0) {
                return unreadable(id, text, "a notification to poll needs its id and campaign");
            }
        }
        return e;
    }
}
