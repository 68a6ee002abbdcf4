package io.pushflow.store;

import java.io.InputStream;
import java.time.Duration;

/**
 * A campaign's outcomes as CSV, one row per audience member, streamed from ClickHouse as it computes them (never
 * held whole in memory): the variant (or holdout), outcome, reason and provider error, the wave, and when the push
 * was sent, delivered, opened and clicked (ISO 8601 UTC, empty when it was not). Opens and clicks are the app's
 * first reports for the member's push token; OneSignal reports delivery per notification, not per device, so
 * {@code delivered_at} is when the provider last reported the member's notification as delivered in full.
 */
public final class OutcomeExport {

    public static final String COLUMNS =
            "user_id,variant,outcome,reason,error,wave,sent_at,delivered_at,opened_at,clicked_at";

    private final ClickHouse clickHouse;
    private final Duration maxExecutionTime;

    /** {@code maxExecutionTime}: how long one export may take, its download included. */
    public OutcomeExport(ClickHouse clickHouse, Duration maxExecutionTime) {
        this.clickHouse = clickHouse;
        this.maxExecutionTime = maxExecutionTime;
    }

    /** The CSV with a header row; the caller closes the stream. */
    public InputStream outcomes(long campaignId) {
        String id = Long.toString(campaignId);
        String sends =
                "SELECT user_id, variant, outcome, reason, error, wave, notification_id, if(outcome = 'sent', at, toDateTime(0, 'UTC')) AS sent_at FROM "
                        + clickHouse.table("push_sends") + " FINAL WHERE campaign_id = " + id;
        String delivered =
                "SELECT notification_id, if(successful > 0 AND remaining = 0, checked_at, toDateTime(0, 'UTC')) AS delivered_at FROM "
                        + clickHouse.table("provider_notifications") + " FINAL WHERE campaign_id = " + id;
        String tokens = "SELECT user_id, argMax(push_token, version) AS push_token FROM " + clickHouse.table("users")
                + " WHERE user_id IN (SELECT user_id FROM " + clickHouse.table("push_sends") + " WHERE campaign_id = "
                + id + ") GROUP BY user_id";
        String engaged =
                "SELECT subscription_id AS push_token, minIf(at, type = 'opened') AS opened_at, minIf(at, type = 'clicked') AS clicked_at FROM "
                        + clickHouse.table("push_events") + " WHERE campaign_id = " + id + " GROUP BY subscription_id";
        // 18.16 joins one table per SELECT: each join nests the one before
        String sql = "SELECT user_id, variant, toString(outcome) AS outcome, reason, error, wave, " + iso("sent_at")
                + ", " + iso("delivered_at")
                + ", " + iso("opened_at") + ", " + iso("clicked_at") + " FROM ("
                + "SELECT user_id, variant, outcome, reason, error, wave, sent_at, delivered_at, opened_at, clicked_at FROM ("
                + "SELECT user_id, variant, outcome, reason, error, wave, sent_at, delivered_at, push_token FROM ("
                + "SELECT user_id, variant, outcome, reason, error, wave, sent_at, delivered_at FROM (" + sends
                + ") ANY LEFT JOIN (" + delivered
                + ") USING notification_id) ANY LEFT JOIN (" + tokens + ") USING user_id) ANY LEFT JOIN (" + engaged
                + ") USING push_token"
                + ") ORDER BY user_id";
        return clickHouse.stream(sql, "CSVWithNames", maxExecutionTime);
    }

    private static String iso(String column) {
        return "if(toUInt32(" + column + ") = 0, '', formatDateTime(" + column + ", '%Y-%m-%dT%H:%M:%SZ')) AS "
                + column;
    }
}
