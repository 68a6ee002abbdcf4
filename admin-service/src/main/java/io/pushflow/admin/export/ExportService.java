package io.pushflow.admin.export;

import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import io.pushflow.admin.api.ApiException;
import io.pushflow.admin.campaign.CampaignService;
import io.pushflow.admin.stats.StatsService;
import io.pushflow.core.delivery.Reason;
import io.pushflow.core.stats.RateInterval;
import io.pushflow.store.CampaignStats;
import io.pushflow.store.OutcomeExport;
import jakarta.inject.Singleton;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/** A campaign's results as CSV: the statistics table (small, written here) or every member's outcome (streamed from ClickHouse). */
@Singleton
public class ExportService {

    /** A CSV to download and the name to save it under. */
    public record Export(String fileName, InputStream csv) {}

    private static final CsvMapper CSV = CsvMapper.builder().build();

    private final CampaignService campaigns;
    private final StatsService stats;
    private final OutcomeExport outcomes;

    ExportService(CampaignService campaigns, StatsService stats, OutcomeExport outcomes) {
        this.campaigns = campaigns;
        this.stats = stats;
        this.outcomes = outcomes;
    }

    public Export export(long id, String what) {
        return switch (what) {
            case "variants" ->
                new Export("campaign-" + id + "-variants.csv", new ByteArrayInputStream(variants(stats.stats(id))));
            case "outcomes" -> {
                campaigns.find(id);
                yield new Export("campaign-" + id + "-outcomes.csv", outcomes.outcomes(id));
            }
            default -> throw ApiException.invalid("what", "'" + what + "' is not one of variants, outcomes");
        };
    }

    static byte[] variants(CampaignStats.Campaign c) {
        CsvSchema.Builder schema = CsvSchema.builder().setUseHeader(true);
        for (String column : List.of("variant", "assigned", "sent", "failed", "skipped")) {
            schema.addColumn(column);
        }
        Reason.ALL.forEach(r -> schema.addColumn("skipped_" + r));
        for (String column : List.of(
                "delivered",
                "received",
                "opened",
                "clicked",
                "clicked_by_app",
                "clicked_by_provider",
                "clicks_from",
                "open_rate",
                "open_rate_low",
                "open_rate_high",
                "click_rate",
                "click_rate_low",
                "click_rate_high",
                "probability_best",
                "share")) {
            schema.addColumn(column);
        }
        List<List<Object>> rows = new ArrayList<>();
        for (CampaignStats.Variant v : c.variants()) {
            List<Object> row = new ArrayList<>(List.of(
                    v.variant(),
                    v.assigned(),
                    v.sent(),
                    v.failed(),
                    v.skipped().values().stream().mapToLong(Long::longValue).sum()));
            Reason.ALL.forEach(r -> row.add(v.skipped().getOrDefault(r, 0L)));
            row.addAll(List.of(
                    v.delivered(),
                    v.received(),
                    v.opened(),
                    v.clicked(),
                    v.clickedByApp(),
                    v.clickedByProvider(),
                    v.clicksFrom()));
            rates(row, v.openRate());
            rates(row, v.clickRate());
            row.add(v.probabilityBest());
            row.add(v.share() == null ? "" : v.share());
            rows.add(row);
        }
        CsvSchema columns = schema.build();
        if (c.holdout() > 0) { // the holdout: assigned and skipped as holdout, nothing sent
            List<Object> holdout = new ArrayList<>(List.of(Reason.HOLDOUT, c.holdout(), 0, 0, c.holdout()));
            Reason.ALL.forEach(r -> holdout.add(Reason.HOLDOUT.equals(r) ? c.holdout() : 0));
            while (holdout.size() < columns.size()) {
                holdout.add("");
            }
            rows.add(holdout);
        }
        try {
            return CSV.writer(columns).writeValueAsBytes(rows);
        } catch (IOException e) {
            throw new UncheckedIOException("writing CSV in memory", e);
        }
    }

    private static void rates(List<Object> row, RateInterval r) {
        row.add(r.rate());
        row.add(r.low());
        row.add(r.high());
    }
}
