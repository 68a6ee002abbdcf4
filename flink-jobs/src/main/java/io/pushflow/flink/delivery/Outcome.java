package io.pushflow.flink.delivery;

import io.pushflow.core.json.Json;
import io.pushflow.store.ClickHouse;

import java.time.Instant;



import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A row of ClickHouse {@code push_sends}: the one outcome of one audience member. The table keeps one row per
 * (campaign, user); {@code rank} makes a real outcome win over a later {@code duplicate} of it, and a replay
 * writes the same row again.
 */
public class Outcome {

    public static final String SENT = "sent";
    public static final String FAILED = "failed";
    public static final String SKIPPED = "skipped";

    public long campaignId;
    public long userId;
    public String variant;
    public long wave;
    public String batchId;
    public String outcome;
    public String reason;
    public String notificationId;
    public String error;
    public long atMillis;

    public Outcome() {
    }

    static Outcome skipped(Verdict v) {
        return of(v.campaignId, v.userId, v.variant, v.wave, v.batchId, SKIPPED, v.reason, v.decidedAtMillis);
    }

    public static Outcome of(long campaignId, long userId, String variant, long wave, String batchId, String outcome, String reason, long at) {
        Outcome o = new Outcome();
        o.campaignId = campaignId;
        o.userId = userId;
        o.variant = variant;
        o.wave = wave;
        o.batchId = batchId;
        o.outcome = outcome;
        o.reason = reason == null ? "" : reason;
        o.notificationId = "";
        o.error = "";
        o.atMillis = at;
        return o;
    }

    public String jsonEachRow() {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("campaign_id", campaignId);
        row.put("user_id", userId);
        row.put("variant", variant);
        row.put("wave", wave);
        row.put("batch_id", batchId);
        row.put("outcome", outcome);
        row.put("reason", reason);
        row.put("notification_id", notificationId);
        row.put("error", error.length() > 500 ? error.substring(0, 500) : error);
        row.put("at", ClickHouse.dateTime(Instant.ofEpochMilli(atMillis)));
        row.put("rank", "duplicate".equals(reason) ? 0 : 1);
        return Json.write(row);
    }
}
