package io.pushflow.flink.dispatch;

import io.pushflow.core.json.Json;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;

/** One variant's share of one wave: a row of ClickHouse {@code campaign_allocations}. */
public class Allocation {

    private static final DateTimeFormatter DATE_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    public long campaignId;
    public long wave;
    public String variant;
    public double share;
    public int users;
    public long atMillis;

    public Allocation() {
    }

    /** The row as a JSONEachRow line. */
    public String jsonEachRow() {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("campaign_id", campaignId);
        row.put("wave", wave);
        row.put("variant", variant);
        row.put("share", share);
        row.put("users", users);
        row.put("at", LocalDateTime.ofInstant(Instant.ofEpochMilli(atMillis), ZoneOffset.UTC).format(DATE_TIME));
        return Json.write(row);
    }
}
