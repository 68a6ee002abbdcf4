package io.pushflow.flink.delivery;

import io.pushflow.core.json.Json;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;

/** A row of ClickHouse {@code provider_notifications}: a notification the provider created, for the status job to follow. */
public class ProviderNotification {

    private static final DateTimeFormatter DATE_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    public String notificationId;
    public long campaignId;
    public String variant;
    public String requestId;
    public int recipients;
    public long sentAtMillis;

    public ProviderNotification() {
    }

    public String jsonEachRow() {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("notification_id", notificationId);
        row.put("campaign_id", campaignId);
        row.put("variant", variant);
        row.put("request_id", requestId);
        row.put("recipients", recipients);
        row.put("sent_at", LocalDateTime.ofInstant(Instant.ofEpochMilli(sentAtMillis), ZoneOffset.UTC).format(DATE_TIME));
        return Json.write(row);
    }
}
