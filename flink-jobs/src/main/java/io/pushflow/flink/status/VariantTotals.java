package io.pushflow.flink.status;

import io.pushflow.core.json.Json;
import io.pushflow.store.ClickHouse;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A row of ClickHouse {@code variant_totals} (and {@code variant_totals_history}): one variant's running totals as of
 * {@code atMillis}: deliveries, the app's first opens and clicks, the provider's clicks.
 */
public class VariantTotals {

    public long campaignId;
    public String variant;
    public long delivered;
    public long opened;
    public long clicked;
    public long providerClicked;
    public long atMillis;

    public VariantTotals() {}

    public String jsonEachRow() {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("campaign_id", campaignId);
        row.put("variant", variant);
        row.put("delivered", delivered);
        row.put("opened", opened);
        row.put("clicked", clicked);
        row.put("provider_clicked", providerClicked);
        row.put("at", ClickHouse.dateTime(Instant.ofEpochMilli(atMillis)));
        row.put("version", atMillis);
        return Json.write(row);
    }
}
