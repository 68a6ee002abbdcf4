package io.pushflow.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.pushflow.admin.support.ApiTestBase;
import io.pushflow.store.ClickHouse;
import io.pushflow.store.OutcomeExport;
import jakarta.inject.Inject;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The CSV export over rows the jobs write into ClickHouse (written here in their shapes): the variants table, every
 * member's outcome with its times, and how long a large campaign takes to stream and its holdout lift to compute (printed,
 * not asserted; members from {@code -Dexport.members}, 20,000 by default; docs/results.md's figures are of 1,000,000).
 */
@MicronautTest
class ExportApiTest extends ApiTestBase {

    @Inject
    EmbeddedServer server;

    @Test
    void outcomes_and_variants_come_out_as_csv() throws Exception {
        long id = draftCampaign("export", 0.1);
        Instant sent = Instant.parse("2026-11-02T09:00:00Z");
        try (ClickHouse ch = env.clickHouse()) {
            insert(ch, "users", List.of(user(1), user(2), user(3), user(4)));
            insert(
                    ch,
                    "push_sends",
                    List.of(
                            send(id, 1, "A", "sent", "", "n-a", "", sent),
                            send(id, 2, "B", "failed", "", "", "invalid \"player\", gone", sent),
                            send(id, 3, "B", "skipped", "quiet_hours", "", "", sent),
                            send(id, 4, "holdout", "skipped", "holdout", "", "", sent)));
            insert(
                    ch,
                    "provider_notifications",
                    List.of("{\"notification_id\":\"n-a\",\"campaign_id\":" + id
                            + ",\"variant\":\"A\",\"request_id\":\"r\","
                            + "\"recipients\":1,\"sent_at\":\"2026-11-02 09:00:00\",\"successful\":1,\"failed\":0,\"errored\":0,\"converted\":1,\"remaining\":0,"
                            + "\"received\":1,\"checked_at\":\"2026-11-02 09:00:05\",\"version\":5}"));
            insert(
                    ch,
                    "push_events",
                    List.of(
                            event(id, "e1", "opened", "2026-11-02 09:01:00"),
                            event(id, "e2", "clicked", "2026-11-02 09:01:30"),
                            event(id, "e3", "opened", "2026-11-02 09:03:00")));
        }
        HttpResponse<String> outcomes = get("/api/v1/campaigns/" + id + "/export?what=outcomes", "viewer");
        assertThat(outcomes.statusCode()).as(outcomes.body()).isEqualTo(200);
        assertThat(outcomes.headers().firstValue("Content-Type").orElse("")).startsWith("text/csv");
        assertThat(outcomes.headers().firstValue("Content-Disposition").orElse(""))
                .contains("campaign-" + id + "-outcomes.csv");
        List<String> lines = outcomes.body().lines().toList();
        assertThat(lines.get(0).replace("\"", "")).isEqualTo(OutcomeExport.COLUMNS);
        assertThat(lines).hasSize(5);
        assertThat(lines.get(1))
                .isEqualTo(
                        "1,\"A\",\"sent\",\"\",\"\",1,\"2026-11-02T09:00:00Z\",\"2026-11-02T09:00:05Z\",\"2026-11-02T09:01:00Z\",\"2026-11-02T09:01:30Z\"");
        assertThat(lines.get(2))
                .isEqualTo("2,\"B\",\"failed\",\"\",\"invalid \"\"player\"\", gone\",1,\"\",\"\",\"\",\"\"");
        assertThat(lines.get(3)).startsWith("3,\"B\",\"skipped\",\"quiet_hours\"");
        assertThat(lines.get(4)).startsWith("4,\"holdout\",\"skipped\",\"holdout\"");

        HttpResponse<String> variants = get("/api/v1/campaigns/" + id + "/export?what=variants", "viewer");
        assertThat(variants.statusCode()).as(variants.body()).isEqualTo(200);
        List<String> table = variants.body().lines().toList();
        assertThat(table.get(0))
                .startsWith("variant,assigned,sent,failed,skipped,skipped_unsubscribed,")
                .contains(",click_rate_low,");
        assertThat(table).hasSize(4);
        assertThat(table.get(1)).startsWith("A,0,1,0,0,");
        assertThat(table.get(2)).startsWith("B,0,0,1,1,0,0,0,1,");
        assertThat(table.get(3)).startsWith("holdout,1,0,0,1,");

        HttpResponse<String> bad = get("/api/v1/campaigns/" + id + "/export?what=users", "viewer");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("\"field\":\"what\"").contains("not one of variants, outcomes");
        assertThat(get("/api/v1/campaigns/999999/export?what=outcomes", "viewer")
                        .statusCode())
                .isEqualTo(404);
        assertThat(get("/api/v1/campaigns/" + id + "/export?what=outcomes", null)
                        .statusCode())
                .isEqualTo(401);
    }

    @Test
    void a_large_campaign_streams_its_outcomes() throws Exception {
        int members = Integer.getInteger("export.members", 20_000);
        long id = draftCampaign("large export", 0.1);
        Instant sent = Instant.parse("2026-11-02T09:00:00Z");
        try (ClickHouse ch = env.clickHouse()) {
            for (int from = 1; from <= members; from += 200_000) {
                List<String> users = new ArrayList<>();
                List<String> sends = new ArrayList<>();
                List<String> events = new ArrayList<>();
                for (int u = from; u < from + 200_000 && u <= members; u++) {
                    users.add(user(u));
                    sends.add(send(
                            id,
                            u,
                            u % 10 == 0 ? "holdout" : u % 2 == 0 ? "A" : "B",
                            u % 10 == 0 ? "skipped" : "sent",
                            u % 10 == 0 ? "holdout" : "",
                            "n-" + u / 1000,
                            "",
                            sent));
                    if (u % 7 == 0) {
                        events.add(
                                "{\"event_id\":\"e" + u + "\",\"campaign_id\":" + id
                                        + ",\"variant\":\"A\",\"subscription_id\":\"tok-" + u
                                        + "\",\"type\":\"opened\",\"at\":\"2026-11-02 09:05:00\",\"received_at\":\"2026-11-02 09:05:00\"}");
                    }
                }
                insert(ch, "users", users);
                insert(ch, "push_sends", sends);
                insert(ch, "push_events", events);
            }
        }
        long start = System.nanoTime();
        HttpResponse<InputStream> response = HttpClient.newHttpClient()
                .send(
                        request("/api/v1/campaigns/" + id + "/export?what=outcomes", "viewer"),
                        HttpResponse.BodyHandlers.ofInputStream());
        long rows = 0;
        long bytes = 0;
        try (BufferedReader reader =
                new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                rows++;
                bytes += line.length() + 1;
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf(
                "export of outcomes: %,d members, %,d rows, %.1f MB in %.2f s (%,.0f rows/s)%n",
                members, rows - 1, bytes / 1e6, seconds, (rows - 1) / seconds);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(rows - 1).isEqualTo(members);

        long liftStart = System.nanoTime();
        HttpResponse<String> lift = get("/api/v1/campaigns/" + id + "/stats/lift?window=P1D", "viewer");
        System.out.printf(
                "holdout lift over the same %,d members: %.2f s%n", members, (System.nanoTime() - liftStart) / 1e9);
        assertThat(lift.statusCode()).as(lift.body()).isEqualTo(200);
    }

    private HttpResponse<String> get(String path, String user) throws Exception {
        return HttpClient.newHttpClient().send(request(path, user), HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest request(String path, String user) {
        HttpRequest.Builder b =
                HttpRequest.newBuilder(URI.create(server.getURL() + path)).GET();
        if (user != null) {
            b.header(
                    "Authorization",
                    "Basic "
                            + Base64.getEncoder()
                                    .encodeToString((user + ":" + user + "-pw").getBytes(StandardCharsets.UTF_8)));
        }
        return b.build();
    }

    private static void insert(ClickHouse ch, String table, List<String> rows) {
        if (!rows.isEmpty()) {
            ch.insertJsonEachRow(ch.table(table), String.join("\n", rows).getBytes(StandardCharsets.UTF_8));
        }
    }

    private static String user(long id) {
        return "{\"user_id\":" + id + ",\"push_token\":\"tok-" + id + "\",\"version\":1}";
    }

    private static String send(
            long campaign,
            long user,
            String variant,
            String outcome,
            String reason,
            String notification,
            String error,
            Instant at) {
        return "{\"campaign_id\":" + campaign + ",\"user_id\":" + user + ",\"variant\":\"" + variant
                + "\",\"wave\":1,\"batch_id\":\"b\",\"outcome\":\""
                + outcome + "\",\"reason\":\"" + reason + "\",\"notification_id\":\"" + notification + "\",\"error\":\""
                + error.replace("\"", "\\\"")
                + "\",\"at\":\"" + ClickHouse.dateTime(at) + "\",\"rank\":1}";
    }

    private static String event(long campaign, String id, String type, String at) {
        return "{\"event_id\":\"" + id + "\",\"campaign_id\":" + campaign
                + ",\"variant\":\"A\",\"subscription_id\":\"tok-1\",\"type\":\"" + type + "\",\"at\":\"" + at
                + "\",\"received_at\":\"" + at + "\"}";
    }
}
