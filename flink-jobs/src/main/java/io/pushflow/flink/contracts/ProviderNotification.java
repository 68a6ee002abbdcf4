package io.pushflow.flink.contracts;

import io.pushflow.core.json.Json;
import io.pushflow.provider.NotificationStatus;
import io.pushflow.store.ClickHouse;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A row of ClickHouse {@code provider_notifications}: a notification the provider created, as the delivery job
 * saw it (counts 0, version 0), and as the status job later polls it (its counts, version = when it looked). It
 * also travels on {@code push.notifications} to the status job.
 */
public class ProviderNotification {

    public String notificationId;
    public long campaignId;
    public String variant;
    public String requestId;
    public int recipients;
    public long sentAtMillis;
    public long successful;
    public long failed;
    public long errored;
    public long converted;
    public long remaining;
    public long received;
    public long checkedAtMillis;

    public ProviderNotification() {}

    /**
     * The id of a direct send's row: its service and request ({@code apns:<request id>}). APNs and FCM create no
     * notification and report no delivery; the row holds what the service accepted, known at once.
     */
    public static String directId(String service, String requestId) {
        return service + ":" + requestId;
    }

    /** Whether this is a direct send's row (APNs, FCM), complete when written, with nothing to poll. */
    public boolean direct() {
        return notificationId != null && (notificationId.startsWith("apns:") || notificationId.startsWith("fcm:"));
    }

    /** A copy of this row with the counts a look at {@code checkedAtMillis} found. */
    public ProviderNotification looked(NotificationStatus status, long checkedAtMillis) {
        ProviderNotification c = new ProviderNotification();
        c.notificationId = notificationId;
        c.campaignId = campaignId;
        c.variant = variant;
        c.requestId = requestId;
        c.recipients = recipients;
        c.sentAtMillis = sentAtMillis;
        c.successful = status.successful();
        c.failed = status.failed();
        c.errored = status.errored();
        c.converted = status.converted();
        c.remaining = status.remaining();
        c.received = status.received();
        c.checkedAtMillis = checkedAtMillis;
        return c;
    }

    /** Whether two looks at the notification found the same counts. */
    public boolean sameCounts(ProviderNotification o) {
        return successful == o.successful
                && failed == o.failed
                && errored == o.errored
                && converted == o.converted
                && remaining == o.remaining
                && received == o.received;
    }

    public String jsonEachRow() {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("notification_id", notificationId);
        row.put("campaign_id", campaignId);
        row.put("variant", variant);
        row.put("request_id", requestId);
        row.put("recipients", recipients);
        row.put("sent_at", dateTime(sentAtMillis));
        row.put("successful", successful);
        row.put("failed", failed);
        row.put("errored", errored);
        row.put("converted", converted);
        row.put("remaining", remaining);
        row.put("received", received);
        row.put("checked_at", dateTime(checkedAtMillis == 0 ? sentAtMillis : checkedAtMillis));
        row.put("version", checkedAtMillis);
        return Json.write(row);
    }

    private static String dateTime(long millis) {
        return ClickHouse.dateTime(Instant.ofEpochMilli(millis));
    }
}
