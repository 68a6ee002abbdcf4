package io.pushflow.flink.dispatch;

import io.pushflow.core.json.Json;
import io.pushflow.store.ClickHouse;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** One variant's share of one wave: a row of ClickHouse {@code campaign_allocations}. */
public class Allocation {

    public long campaignId;
    public long wave;
    public String variant;
    public double share;
    public int users;
    public long atMillis;

    public Allocation() {}

    /** The row as a JSONEachRow line. */
    public String jsonEachRow() {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("campaign_id", campaignId);
        row.put("wave", wave);
        row.put("variant", variant);
        row.put("share", share);
        row.put("users", users);
        row.put("at", ClickHouse.dateTime(Instant.ofEpochMilli(atMillis)));
        return Json.write(row);
    }
}
