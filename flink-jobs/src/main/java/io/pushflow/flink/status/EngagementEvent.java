package io.pushflow.flink.status;

import io.pushflow.core.campaign.PushEvent;
import io.pushflow.core.json.Json;
import io.pushflow.flink.rabbit.AmqpMessage;
import io.pushflow.store.ClickHouse;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** A {@link PushEvent} as the status job keeps it, and its row of ClickHouse {@code push_events} (or {@code app_opens}). */
public class EngagementEvent {

    public String eventId;
    public long campaignId;
    public String variant;
    public String subscriptionId;
    public String type;
    public long atMillis;
    public long receivedAtMillis;

    public EngagementEvent() {}

    public static EngagementEvent of(PushEvent e, long receivedAt) {
        // every string of an event ends up in state, metrics or rows: longer ones are no ids
        if (e.eventId() != null && e.eventId().length() > PushEvent.MAX_EVENT_ID
                || e.variant() != null && e.variant().length() > PushEvent.MAX_VARIANT
                || e.subscriptionId() != null && e.subscriptionId().length() > PushEvent.MAX_SUBSCRIPTION_ID) {
            throw new IllegalArgumentException(
                    "an event id over " + PushEvent.MAX_EVENT_ID + " characters, a subscription id over "
                            + PushEvent.MAX_SUBSCRIPTION_ID + " or a variant over " + PushEvent.MAX_VARIANT);
        }
        boolean appOpen = e.type() == PushEvent.Type.APP_OPENED;
        if (e.v() != PushEvent.VERSION
                || e.eventId() == null
                || e.eventId().isEmpty()
                || e.subscriptionId() == null
                || e.type() == null
                || e.at() == null
                || (!appOpen && (e.campaignId() <= 0 || e.variant() == null))
                || e.campaignId() < 0) {
            throw new IllegalArgumentException("not a v" + PushEvent.VERSION
                    + " push event with an id, campaign, variant, subscription, type and time"
                    + " (an app_open needs no campaign)");
        }
        EngagementEvent out = new EngagementEvent();
        out.eventId = e.eventId();
        out.campaignId = e.campaignId();
        out.variant = e.variant() == null ? "" : e.variant();
        out.subscriptionId = e.subscriptionId();
        out.type = e.type().name();
        out.atMillis = e.at().toEpochMilli();
        out.receivedAtMillis = receivedAt;
        return out;
    }

    public boolean clicked() {
        return PushEvent.Type.CLICKED.name().equals(type);
    }

    /** An app open, with or without a push behind it: not evidence for a variant, a row of {@code app_opens}. */
    public boolean appOpened() {
        return PushEvent.Type.APP_OPENED.name().equals(type);
    }

    /** This event alone, as the app would have sent it, for {@code queue} (a dead-letter queue) with the reason. */
    public AmqpMessage deadLetter(String queue, String reason) {
        PushEvent e = new PushEvent(
                PushEvent.VERSION,
                eventId,
                campaignId,
                variant,
                subscriptionId,
                PushEvent.Type.valueOf(type),
                Instant.ofEpochMilli(atMillis));
        AmqpMessage dead = AmqpMessage.of(queue, eventId, "DEAD", Json.write(e));
        dead.error = reason;
        return dead;
    }

    public String appOpenRow() {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("event_id", eventId);
        row.put("subscription_id", subscriptionId);
        row.put("campaign_id", campaignId);
        row.put("variant", variant);
        row.put("at", ClickHouse.dateTime(Instant.ofEpochMilli(atMillis)));
        row.put("received_at", ClickHouse.dateTime(Instant.ofEpochMilli(receivedAtMillis)));
        return Json.write(row);
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
