package io.pushflow.flink.delivery;

import io.pushflow.core.filter.ClickHouseFilterSql;
import io.pushflow.core.json.Json;
import io.pushflow.provider.device.DeviceOutcome;
import io.pushflow.store.ClickHouse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Once only without an idempotency key. APNs and FCM take one request per device and keep no key, so a request the
 * delivery job replays after a restart (Flink restores a checkpoint taken before the send, and the request comes
 * again) would reach the devices twice. The job therefore writes every direct request to ClickHouse
 * {@code direct_requests} before its first push leaves ({@link #handed}) and again with each device's answer
 * ({@link #answered}), and looks a request up ({@link #find}) before sending it: answered, the recorded answers are
 * its outcome; handed but not answered (the job died while it was out), nothing is sent again and its devices are
 * {@code UNCONFIRMED} (they may have it): at most once, the side the rule allows.
 */
public final class DirectLedger implements AutoCloseable {

    /** What the ledger knows of a request: nothing, handed out, or every device's answer and when it was written. */
    public record Entry(Phase phase, DeviceOutcome.Status[] statuses, String[] reasons, long atMillis) {
        public static final Entry NONE = new Entry(Phase.NONE, null, null, 0);
    }

    public enum Phase {
        NONE,
        HANDED,
        ANSWERED
    }

    private static final String LETTERS = "SIFRU"; // in the order of DeviceOutcome.Status

    private final ClickHouse clickHouse;
    private final String table;

    public DirectLedger(ClickHouse.Config config) {
        this.clickHouse = new ClickHouse(config);
        this.table = clickHouse.table("direct_requests");
    }

    public Entry find(SendRequest r) {
        List<Map<String, Object>> rows =
                clickHouse.select("SELECT phase, statuses, reasons, toUnixTimestamp(at) AS at FROM " + table
                        + " WHERE campaign_id = " + r.campaignId + " AND request_id = "
                        + ClickHouseFilterSql.quote(r.requestId) + " ORDER BY phase DESC LIMIT 1");
        if (rows.isEmpty()) {
            return Entry.NONE;
        }
        Map<String, Object> row = rows.get(0);
        if (ClickHouse.longValue(row.get("phase")) < 2) {
            return new Entry(Phase.HANDED, null, null, 0);
        }
        String letters = (String) row.get("statuses");
        DeviceOutcome.Status[] statuses = new DeviceOutcome.Status[letters.length()];
        for (int i = 0; i < statuses.length; i++) {
            statuses[i] = DeviceOutcome.Status.values()[LETTERS.indexOf(letters.charAt(i))];
        }
        String[] reasons = new String[statuses.length];
        Json.read((String) row.get("reasons"), Map.class)
                .forEach((k, v) -> reasons[Integer.parseInt(k.toString())] = String.valueOf(v));
        return new Entry(Phase.ANSWERED, statuses, reasons, ClickHouse.longValue(row.get("at")) * 1_000);
    }

    /** Before the first push of {@code r} leaves; returns once ClickHouse has the row. */
    public void handed(SendRequest r, Instant at) {
        write(r, 1, "", Map.of(), at);
    }

    /** Every device's answer, in the request's order. */
    public void answered(SendRequest r, DeviceOutcome.Status[] statuses, String[] reasons, Instant at) {
        StringBuilder letters = new StringBuilder(statuses.length);
        Map<String, String> notSent = new LinkedHashMap<>();
        for (int i = 0; i < statuses.length; i++) {
            letters.append(LETTERS.charAt(statuses[i].ordinal()));
            if (reasons[i] != null) {
                notSent.put(Integer.toString(i), reasons[i]);
            }
        }
        write(r, 2, letters.toString(), notSent, at);
    }

    private void write(SendRequest r, int phase, String statuses, Map<String, String> reasons, Instant at) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("campaign_id", r.campaignId);
        row.put("request_id", r.requestId);
        row.put("service", r.channel);
        row.put("phase", phase);
        row.put("devices", r.pushTokens.length);
        row.put("statuses", statuses);
        row.put("reasons", Json.write(reasons));
        row.put("at", ClickHouse.dateTime(at));
        clickHouse.insertJsonEachRow(table, (Json.write(row) + "\n").getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void close() {
        clickHouse.close();
    }
}
