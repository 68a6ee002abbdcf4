package io.pushflow.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.pushflow.admin.support.Api;
import io.pushflow.admin.support.ApiTestBase;
import io.pushflow.simulator.provider.AppOpenModel;
import io.pushflow.simulator.provider.SimulatorConfig;
import io.pushflow.store.ClickHouse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Holdout lift against the truth: a simulated population (the provider simulator's app-open model, seeded) of 40,000
 * members in three waves, a fifth held out, the rest pushed A or B with known uplifts; the app opens it makes, the
 * outcome rows and the users' tokens written in the jobs' shapes; each estimated lift's 95% interval holds its truth.
 */
@MicronautTest
class HoldoutLiftApiTest extends ApiTestBase {

    /** One population; over seeds 1-60 the three 95% intervals held their truth 170 times in 180 (docs/results.md, holdout lift). */
    private static final long SEED = 1;

    private static final int MEMBERS = 40_000;
    private static final double BASELINE = 0.25;
    private static final Duration WINDOW = Duration.ofHours(1);
    private static final Map<String, Double> UPLIFT = Map.of("A", 0.03, "B", 0.08);

    @Test
    @SuppressWarnings("unchecked")
    void the_estimated_lift_holds_the_simulated_truth() {
        Api marketer = as("marketer");
        long id = draftCampaign("lift", 0.2);
        AppOpenModel model = new AppOpenModel(SEED, new SimulatorConfig.AppOpens(BASELINE, WINDOW.toMillis(), UPLIFT));
        Instant first = Instant.parse("2026-11-02T09:00:00Z");
        StringBuilder users = new StringBuilder();
        StringBuilder sends = new StringBuilder();
        StringBuilder opens = new StringBuilder();
        long events = 0;
        for (int u = 1; u <= MEMBERS; u++) {
            String token = "tok-" + u;
            int wave = u % 3;
            Instant waveAt = first.plus(Duration.ofHours(2L * wave));
            String variant = u % 5 == 0 ? "holdout" : u % 2 == 0 ? "A" : "B";
            users.append("{\"user_id\":")
                    .append(u)
                    .append(",\"push_token\":\"")
                    .append(token)
                    .append("\",\"version\":1}\n");
            sends.append("{\"campaign_id\":")
                    .append(id)
                    .append(",\"user_id\":")
                    .append(u)
                    .append(",\"variant\":\"")
                    .append(variant)
                    .append("\",\"wave\":")
                    .append(wave)
                    .append(",\"batch_id\":\"b\",\"outcome\":\"")
                    .append(variant.equals("holdout") ? "skipped" : "sent")
                    .append("\",\"reason\":\"")
                    .append(variant.equals("holdout") ? "holdout" : "")
                    .append("\",\"notification_id\":\"\",\"error\":\"\",\"at\":\"")
                    .append(ClickHouse.dateTime(waveAt))
                    .append("\",\"rank\":1}\n");
            // the user's own opens from an hour before the wave to two after it, and the push's if it caused one
            List<Instant> times =
                    new ArrayList<>(model.organic(token, waveAt.minus(WINDOW), waveAt.plus(WINDOW.multipliedBy(2))));
            if (!variant.equals("holdout")) {
                model.pushed(id, variant, token, waveAt).ifPresent(times::add);
            }
            for (Instant t : times) {
                opens.append("{\"event_id\":\"e")
                        .append(events++)
                        .append("\",\"subscription_id\":\"")
                        .append(token)
                        .append("\",\"campaign_id\":0,\"variant\":\"\",\"at\":\"")
                        .append(ClickHouse.dateTime(t))
                        .append("\",\"received_at\":\"")
                        .append(ClickHouse.dateTime(t))
                        .append("\"}\n");
            }
        }
        try (ClickHouse ch = env.clickHouse()) {
            ch.insertJsonEachRow(ch.table("users"), users.toString().getBytes(StandardCharsets.UTF_8));
            ch.insertJsonEachRow(ch.table("push_sends"), sends.toString().getBytes(StandardCharsets.UTF_8));
            ch.insertJsonEachRow(ch.table("app_opens"), opens.toString().getBytes(StandardCharsets.UTF_8));
        }

        Api.Reply reply = as("viewer").get("/api/v1/campaigns/" + id + "/stats/lift?window=PT1H");
        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        Map<String, Object> lift = reply.json();
        assertThat(lift).containsEntry("windowSeconds", 3600).containsEntry("complete", true);
        assertThat((String) lift.get("interval")).contains("Newcombe");
        Map<String, Object> holdout = (Map<String, Object>) lift.get("holdout");
        assertThat(((Number) holdout.get("members")).intValue()).isEqualTo(MEMBERS / 5);
        assertThat(((Number) holdout.get("rate")).doubleValue()).isBetween(BASELINE - 0.03, BASELINE + 0.03);
        double truePushed = (UPLIFT.get("A") + UPLIFT.get("B")) / 2; // A and B have the same number of members
        System.out.println("holdout lift, truth against estimate (95% interval):");
        System.out.println("  pushed: truth " + truePushed + ", " + lift.get("pushed"));
        assertThat(interval(lift.get("pushed")))
                .satisfies(i -> assertThat(truePushed).isBetween(i[0], i[1]));
        for (Map<String, Object> v : (List<Map<String, Object>>) lift.get("variants")) {
            String variant = (String) ((Map<String, Object>) v.get("group")).get("group");
            double truth = model.trueLift(variant);
            System.out.println("  " + variant + ": truth " + truth + ", " + v);
            double[] i = interval(v);
            assertThat(truth).as(variant).isBetween(i[0], i[1]);
            assertThat(i[1] - i[0]).as("a usable interval").isLessThan(0.05);
        }

        assertThat(marketer.get("/api/v1/campaigns/" + id + "/stats/lift?window=PT1S")
                        .errorFields())
                .containsExactly("window");
        assertThat(marketer.get("/api/v1/campaigns/" + id + "/stats/lift?window=soon")
                        .errorFields())
                .containsExactly("window");
        assertThat(marketer.get("/api/v1/campaigns/999999/stats/lift").status()).isEqualTo(404);
    }

    @SuppressWarnings("unchecked")
    private static double[] interval(Object comparison) {
        Map<String, Object> lift = (Map<String, Object>) ((Map<String, Object>) comparison).get("lift");
        return new double[] {((Number) lift.get("low")).doubleValue(), ((Number) lift.get("high")).doubleValue()};
    }

    @Test
    void a_campaign_without_waves_has_a_lift_without_a_window_end() {
        // windowClosesAt is null before any wave: the document marked it required (the fuzz suite found it); Api checks
        // the answer
        long id = draftCampaign("lift before waves", 0.2);
        Api.Reply reply = as("viewer").get("/api/v1/campaigns/" + id + "/stats/lift");
        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.json()).doesNotContainKey("windowClosesAt").containsEntry("complete", false);
    }
}
