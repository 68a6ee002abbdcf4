package io.pushflow.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.pushflow.admin.support.Api;
import io.pushflow.admin.support.ApiTestBase;
import io.pushflow.admin.support.TestClock;
import io.pushflow.core.user.DeviceTokenKind;
import io.pushflow.core.user.User;
import io.pushflow.store.CampaignHealth;
import io.pushflow.store.ClickHouse;
import io.pushflow.store.UserStore;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/**
 * The statistics endpoints over rows the jobs write into ClickHouse (written here directly, in the jobs' shapes):
 * the numbers per variant, rates with intervals, P(best), the sample-ratio test, progress, and the series.
 */
@MicronautTest
class StatsApiTest extends ApiTestBase {

    @Inject
    TestClock clock;

    static String at(Instant t) {
        return ClickHouse.dateTime(t);
    }

    static void insert(ClickHouse ch, String table, List<String> rows) {
        ch.insertJsonEachRow(ch.table(table), String.join("\n", rows).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    @SuppressWarnings("unchecked")
    void a_campaign_s_statistics_add_up_what_the_jobs_wrote() {
        Api marketer = as("marketer");
        Instant now = Instant.now();
        try (ClickHouse ch = env.clickHouse()) {
            List<User> kiters = LongStream.rangeClosed(1, 10)
                    .mapToObj(id -> new User(
                            id,
                            "windy-ios",
                            "ios",
                            "s" + id,
                            "",
                            DeviceTokenKind.NONE,
                            true,
                            true,
                            false,
                            "PT",
                            "pt",
                            "Europe/Lisbon",
                            "57.1.0",
                            List.of("kitesurfing"),
                            now.minus(Duration.ofDays(1)),
                            now.minus(Duration.ofDays(100)),
                            1))
                    .toList();
            as("admin").get("/api/v1/cohort-fields"); // the service creates its tables on first use
            new UserStore(ch).insert(kiters);

            long cohort =
                    marketer.post("/api/v1/cohorts", cohort("stats cohort")).id();
            long a = marketer.post("/api/v1/pushes", push("stats A")).id();
            long b = marketer.post("/api/v1/pushes", push("stats B")).id();
            Map<String, Object> c = new HashMap<>();
            c.put("name", "stats");
            c.put("app", "windy-ios");
            c.put("cohortId", cohort);
            c.put("variants", List.of(Map.of("pushId", a, "weight", 1), Map.of("pushId", b, "weight", 1)));
            c.put("split", Map.of("type", "AB_FIXED"));
            c.put("duration", "PT2H");
            long id = marketer.post("/api/v1/campaigns", c).id();
            assertThat(marketer.post("/api/v1/campaigns/" + id + "/launch", null)
                            .status())
                    .isEqualTo(200);
            // nothing counted yet: no time of data, no rate, no ETA, no shares (the document must allow each null)
            Api.Reply empty = as("viewer").get("/api/v1/campaigns/" + id + "/stats");
            assertThat(empty.status()).as(empty.body()).isEqualTo(200);
            assertThat(empty.json())
                    .containsEntry("outcomes", 0)
                    .doesNotContainKeys("dataAsOf", "etaSeconds", "sampleRatio");
            clock.advance(
                    CampaignHealth
                            .OUTCOMES_LIFETIME); // the SRM test reads the outcomes again once the empty look's reading
            // is that old
            Instant sentAt = clock.instant().minusSeconds(30);

            insert(
                    ch,
                    "campaign_allocations",
                    List.of(
                            "{\"campaign_id\":" + id
                                    + ",\"wave\":1,\"variant\":\"A\",\"share\":0.5,\"users\":6,\"at\":\"" + at(now)
                                    + "\"}",
                            "{\"campaign_id\":" + id
                                    + ",\"wave\":1,\"variant\":\"B\",\"share\":0.5,\"users\":4,\"at\":\"" + at(now)
                                    + "\"}"));
            List<String> sends = new ArrayList<>();
            for (int u = 1; u <= 10; u++) {
                String variant = u <= 6 ? "A" : "B";
                String outcome = u == 6 ? "skipped" : u == 10 ? "failed" : "sent";
                String reason = u == 6 ? "unsubscribed" : "";
                sends.add("{\"campaign_id\":" + id + ",\"user_id\":" + u + ",\"variant\":\"" + variant
                        + "\",\"wave\":1,\"batch_id\":\"b\",\"outcome\":\"" + outcome + "\",\"reason\":\"" + reason
                        + "\",\"notification_id\":\"\",\"error\":\"\",\"at\":\"" + at(sentAt) + "\",\"rank\":1}");
            }
            insert(ch, "push_sends", sends);
            // the provider counted 3 clicks of A (the app reported 2 of them) and 1 of B (the app none): AUTO counts
            // the larger
            insert(
                    ch,
                    "provider_notifications",
                    List.of(
                            notification(id, "n-a", "A", 0, 0, 0, now),
                            notification(id, "n-a", "A", 5, 3, 1, now),
                            notification(id, "n-b", "B", 3, 1, 1, now)));
            insert(
                    ch,
                    "push_events",
                    List.of(
                            event(id, "e1", "A", "s1", "opened", now),
                            event(id, "e1", "A", "s1", "opened", now),
                            event(id, "e2", "A", "s2", "opened", now),
                            event(id, "e3", "A", "s3", "opened", now),
                            event(id, "e4", "A", "s1", "clicked", now),
                            event(id, "e5", "A", "s2", "clicked", now),
                            event(id, "e6", "A", "s2", "clicked", now),
                            event(id, "e7", "B", "s7", "opened", now)));
            insert(
                    ch,
                    "variant_totals",
                    List.of(
                            totals(id, "A", 2, 1, 0, now),
                            totals(id, "A", 3, 2, 1, now),
                            totals(id, "B", 1, 0, 1, now)));
            insert(
                    ch,
                    "variant_totals_history",
                    List.of(
                            history(id, "A", 1, 2, now.minusSeconds(90)),
                            history(id, "A", 2, 3, now),
                            history(id, "B", 0, 1, now)));

            Api.Reply reply = as("viewer").get("/api/v1/campaigns/" + id + "/stats");
            assertThat(reply.status()).as(reply.body()).isEqualTo(200);
            Map<String, Object> stats = reply.json();
            assertThat(((Number) stats.get("audience")).longValue()).isEqualTo(10);
            assertThat(((Number) stats.get("outcomes")).longValue()).isEqualTo(10);
            assertThat(((Number) stats.get("progress")).doubleValue()).isEqualTo(1.0);
            assertThat(((Number) stats.get("etaSeconds")).longValue()).isZero();
            // 8 sends 30 s ago: the rate is over the time since the first of them, not over a whole minute
            assertThat(((Number) stats.get("sendRatePerSecond")).doubleValue()).isBetween(8 / 36.0, 8 / 30.0);
            assertThat((Map<String, Object>) stats.get("sampleRatio"))
                    .containsKeys("chiSquared", "pValue")
                    .containsEntry("mismatch", false);
            assertThat(stats.get("dataAgeSeconds")).isNotNull();
            List<Map<String, Object>> variants = (List<Map<String, Object>>) stats.get("variants");
            Map<String, Object> va = variants.get(0);
            Map<String, Object> vb = variants.get(1);
            assertThat(stats).containsEntry("metric", "CLICKS").containsEntry("rewardSource", "AUTO");
            assertThat(va)
                    .containsEntry("variant", "A")
                    .containsEntry("assigned", 6)
                    .containsEntry("sent", 5)
                    .containsEntry("delivered", 5)
                    .containsEntry("received", 5)
                    .containsEntry("opened", 3)
                    .containsEntry("clicked", 3)
                    .containsEntry("clickedByApp", 2)
                    .containsEntry("clickedByProvider", 3)
                    .containsEntry("clicksFrom", "PROVIDER")
                    .containsEntry("share", 0.5);
            assertThat((Map<String, Object>) va.get("skipped")).containsEntry("unsubscribed", 1);
            Map<String, Object> clickRate = (Map<String, Object>) va.get("clickRate");
            assertThat(((Number) clickRate.get("rate")).doubleValue()).isEqualTo(0.6);
            assertThat(((Number) clickRate.get("low")).doubleValue()).isLessThan(0.6);
            assertThat(((Number) clickRate.get("high")).doubleValue()).isGreaterThan(0.6);
            assertThat(vb)
                    .containsEntry("variant", "B")
                    .containsEntry("failed", 1)
                    .containsEntry("delivered", 3)
                    .containsEntry("clicked", 1)
                    .containsEntry("clickedByApp", 0);
            assertThat(((Number) va.get("probabilityBest")).doubleValue())
                    .isGreaterThan(((Number) vb.get("probabilityBest")).doubleValue());

            Api.Reply series = marketer.get("/api/v1/campaigns/" + id + "/stats/timeseries?metric=clicks&step=PT1M");
            assertThat(series.status()).as(series.body()).isEqualTo(200);
            Map<String, Object> byVariant = series.json();
            // the growth of the larger running total per minute: 2, then 1 more
            assertThat((List<Map<String, Object>>) byVariant.get("A"))
                    .extracting(p -> ((Number) p.get("value")).intValue())
                    .containsExactly(2, 1);

            Api.Reply badMetric = marketer.get("/api/v1/campaigns/" + id + "/stats/timeseries?metric=likes");
            assertThat(badMetric.status()).isEqualTo(400);
            assertThat(badMetric.errorFields()).containsExactly("metric");
            assertThat(marketer.get("/api/v1/campaigns/" + id + "/stats/timeseries?step=P2D")
                            .errorFields())
                    .containsExactly("step");
            assertThat(marketer.get("/api/v1/campaigns/999999/stats").status()).isEqualTo(404);
        }
    }

    static String notification(
            long campaign, String id, String variant, int successful, int converted, long version, Instant now) {
        return "{\"notification_id\":\"" + id + "\",\"campaign_id\":" + campaign + ",\"variant\":\"" + variant
                + "\",\"request_id\":\"r\",\"recipients\":"
                + successful + ",\"sent_at\":\"" + at(now) + "\",\"successful\":" + successful
                + ",\"failed\":0,\"errored\":0,\"converted\":" + converted
                + ",\"remaining\":0,\"received\":" + successful + ",\"checked_at\":\"" + at(now) + "\",\"version\":"
                + version + "}";
    }

    static String history(long campaign, String variant, int clicked, int providerClicked, Instant at) {
        return "{\"campaign_id\":" + campaign + ",\"variant\":\"" + variant
                + "\",\"delivered\":0,\"opened\":0,\"clicked\":" + clicked + ",\"provider_clicked\":" + providerClicked
                + ",\"at\":\"" + at(at) + "\",\"version\":" + at.toEpochMilli() + "}";
    }

    static String totals(long campaign, String variant, int opened, int clicked, long version, Instant now) {
        return "{\"campaign_id\":" + campaign + ",\"variant\":\"" + variant + "\",\"delivered\":0,\"opened\":" + opened
                + ",\"clicked\":" + clicked + ",\"at\":\"" + at(now) + "\",\"version\":" + version + "}";
    }

    static String event(long campaign, String id, String variant, String subscription, String type, Instant now) {
        return "{\"event_id\":\"" + id + "\",\"campaign_id\":" + campaign + ",\"variant\":\"" + variant
                + "\",\"subscription_id\":\"" + subscription + "\",\"type\":\"" + type + "\",\"at\":\"" + at(now)
                + "\",\"received_at\":\"" + at(now) + "\"}";
    }
}
