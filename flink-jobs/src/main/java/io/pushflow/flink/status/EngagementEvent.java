package io.pushflow.flink.status;

import io.pushflow.core.campaign.PushEvent;
import io.pushflow.core.json.Json;
import io.pushflow.store.ClickHouse;

import java.time.Instant;



import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** A {@link PushEvent} as the status job keeps it, and its row of ClickHouse {@code push_events}. */
public class EngagementEvent {


    public String eventId;
    public long campaignId;
    public String variant;
    public String subscriptionId;
    public String type;
    public long atMillis;
    public long receivedAtMillis;

    public EngagementEvent() {
    }

    public static EngagementEvent of(PushEvent e, long receivedAt) {
        if (e.v() != PushEvent.VERSION || e.eventId() == null || e.eventId().isEmpty() || e.campaignId() <= 0 || e.variant() == null
                || e.subscriptionId() == null || e.type() == null || e.at() == null) {
            throw new IllegalArgumentException("not a v" + PushEvent.VERSION + " push event with an id, campaign, variant, subscription, type and time");
        }
        EngagementEvent out = new EngagementEvent();
        out.eventId = e.eventId();
        out.campaignId = e.campaignId();
        out.variant = e.variant();
        out.subscriptionId = e.subscriptionId();
        out.type = e.type().name();
        out.atMillis = e.at().toEpochMilli();
        out.receivedAtMillis = receivedAt;
        return out;
    }

    public boolean clicked() {
        return PushEvent.Type.CLICKED.name().equals(type);
    }

    public String jsonEachRow() {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("event_id", eventId);
        row.put("campaign_id", campaignId);
        row.put("variant", variant);
        row.put("subscription_id", subscriptionId);
        row.put("type", type.toLowerCase(Locale.ROOT));
        row.put("at", ClickHouse.dateTime(Instant.ofEpochMilli(atMillis)));
        row.put("received_at", ClickHouse.dateTime(Instant.ofEpochMilli(receivedAtMillis)));
        return Json.write(row);
    }
}
