package io.pushflow.demo;

import static io.pushflow.demo.Conditions.ok;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;

import com.fasterxml.jackson.databind.JsonNode;
import io.pushflow.core.campaign.RewardSource;
import io.pushflow.simulator.provider.ProviderSimulator;
import io.pushflow.store.ClickHouse;
import io.pushflow.tools.AdminApi;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Each guardrail halts a real campaign end to end: the admin service as a process (watching every 10 s, its default),
 * the three jobs, the provider simulator playing a fault aimed at one campaign. Three bandit campaigns run at once
 * over the same users:
 * <ul>
 *   <li>V: every create call for its variant B fails (the failure-rate guardrail switched off for it): the users sent
 *       per variant drift from the planned shares, and the SRM guardrail halts it;</li>
 *   <li>D: after a healthy minute, 50% of its ids come back as not subscribed: the dead-token guardrail halts it;</li>
 *   <li>S: after 20 healthy seconds, every create call fails: the failure-rate guardrail halts it; once the requests in
 *       flight at the halt are done and the fault is gone, nothing more reaches the provider until the marketer resumes
 *       it, and then it completes with every member exactly one outcome and nobody reached twice.</li>
 * </ul>
 * Once all three are halted and the faults are gone, none of them reaches anyone for 15 s.
 * From outside the jobs: the status in the API, the provider's ledger, the outcome rows in ClickHouse.
 */
class GuardrailTest {

    private static final Duration CALL = Duration.ofSeconds(30);
    /** What the test states: a campaign halts within this time of its fault's start. */
    private static final Duration HALT_WITHIN = Duration.ofSeconds(90);

    @Test
    void each_guardrail_halts_its_campaign_and_nothing_is_sent_until_it_is_resumed() throws Exception {
        try (AdminProcess admin = new AdminProcess("marketer:marketer-pw:marketer")) {
            var options = new Demo.Options(
                    6_000,
                    Duration.ofMinutes(3),
                    Duration.ofSeconds(2),
                    List.of(0.03, 0.08, 0.25),
                    17,
                    admin.url,
                    "marketer",
                    "marketer-pw",
                    admin.database,
                    admin.prefix,
                    0,
                    0,
                    Path.of("target", "guardrail-test"),
                    null,
                    false,
                    false,
                    RewardSource.AUTO,
                    Demo.ClusterKind.LOCAL);
            AdminApi api = new AdminApi(admin.url, "marketer", "marketer-pw");
            try (Stage stage = Stage.start(options, System.out, 3);
                    ClickHouse ch =
                            new ClickHouse(ClickHouse.Config.fromEnvironment().withDatabase(admin.database))) {
                ProviderSimulator sim = stage.simulator();
                Map<String, Object> filter = Map.of(
                        "all", List.of(Map.of("field", "last_active_at", "op", "within_last", "value", "P3650D")));
                long cohort = ok(
                                api.postJson("api/v1/cohorts", Map.of("name", "everyone", "filter", filter), CALL), 201)
                        .body()
                        .path("id")
                        .asLong();
                long audience = ok(api.postJson("api/v1/cohorts/preview", Map.of("filter", filter), CALL), 200)
                        .body()
                        .path("count")
                        .asLong();
                assertThat(audience).isGreaterThan(4_000);
                long a = push(api, "Wind tomorrow");
                long b = push(api, "Gusts at your spot");

                long v = campaign(api, "V", cohort, a, b, Map.of("maxFailureRate", 1.0, "srmMinSample", 300));
                long d = campaign(api, "D", cohort, a, b, Map.of("window", "PT1M"));
                long s = campaign(api, "S", cohort, a, b, Map.of());
                sim.fault(new ProviderSimulator.Fault(v, "B", 1.0, 0));
                long start = System.currentTimeMillis();
                for (long id : List.of(v, d, s)) {
                    ok(api.postJson("api/v1/campaigns/" + id + "/launch", Map.of(), CALL), 200);
                }

                await("20 s")
                        .atMost(Duration.ofSeconds(25))
                        .pollDelay(Duration.ZERO)
                        .pollInterval(Duration.ofMillis(250))
                        .until(() -> System.currentTimeMillis() - start >= 20_000);
                long stormAt = System.currentTimeMillis();
                sim.fault(new ProviderSimulator.Fault(s, null, 1.0, 0));
                long sHalted = awaitHalted(api, s, stormAt);
                long vHalted = awaitHalted(api, v, start);

                await("75 s")
                        .atMost(Duration.ofSeconds(80))
                        .pollDelay(Duration.ZERO)
                        .pollInterval(Duration.ofMillis(250))
                        .until(() -> System.currentTimeMillis() - start >= 75_000);
                long deadAt = System.currentTimeMillis();
                sim.fault(new ProviderSimulator.Fault(d, null, 0, 0.5));
                long dHalted = awaitHalted(api, d, deadAt);
                System.out.printf(
                        "guardrails halted: SRM (variant B failing) after %.1f s, failure storm after %.1f s, dead tokens after %.1f s%n",
                        (vHalted - start) / 1e3, (sHalted - stormAt) / 1e3, (dHalted - deadAt) / 1e3);

                assertThat(campaign(api, v).path("statusReason").asText()).startsWith("sample ratio mismatch");
                JsonNode vStats = stats(api, v);
                assertThat(vStats.path("sampleRatio").path("mismatch").asBoolean())
                        .as(vStats.toString())
                        .isTrue();
                assertThat(campaign(api, s).path("statusReason").asText()).startsWith("the provider failed");
                assertThat(campaign(api, d).path("statusReason").asText())
                        .startsWith("dead tokens and unsubscribes jumped");
                assertThat(
                                sim.tally(v, "B") == null
                                        ? 0
                                        : sim.tally(v, "B").recipients.get())
                        .isZero();

                // all three halted: the requests in flight at the halts end (three attempts, about a second); then the
                // provider
                // is healthy again, and for 15 s none of the three campaigns reaches anyone more
                Thread.sleep(5_000);
                sim.clearFaults();
                long reached = reached(sim, s);
                long vReached = reached(sim, v);
                long dReached = reached(sim, d);
                long sent = count(
                        ch,
                        "SELECT count() FROM " + ch.table("push_sends") + " FINAL WHERE campaign_id = " + s
                                + " AND outcome = 'sent'");
                Thread.sleep(15_000);
                assertThat(reached(sim, s))
                        .as("recipients the provider got for S while it was halted")
                        .isEqualTo(reached);
                assertThat(reached(sim, v))
                        .as("recipients the provider got for V while it was halted")
                        .isEqualTo(vReached);
                assertThat(reached(sim, d))
                        .as("recipients the provider got for D while it was halted")
                        .isEqualTo(dReached);
                assertThat(count(
                                ch,
                                "SELECT count() FROM " + ch.table("push_sends") + " FINAL WHERE campaign_id = " + s
                                        + " AND outcome = 'sent'"))
                        .isEqualTo(sent);
                assertThat(campaign(api, s).path("status").asText()).isEqualTo("HALTED");

                ok(api.postJson("api/v1/campaigns/" + s + "/resume", Map.of(), CALL), 200);
                await("S sending again after the resume")
                        .atMost(Duration.ofSeconds(30))
                        .pollDelay(Duration.ZERO)
                        .pollInterval(Duration.ofMillis(250))
                        .until(() -> reached(sim, s), greaterThan(reached));
                await("S completed")
                        .atMost(Duration.ofMinutes(4))
                        .pollDelay(Duration.ZERO)
                        .pollInterval(Duration.ofMillis(250))
                        .until(() -> campaign(api, s).path("status").asText(), equalTo("COMPLETED"));
                await("every member of S with an outcome")
                        .atMost(Duration.ofSeconds(60))
                        .pollDelay(Duration.ZERO)
                        .pollInterval(Duration.ofMillis(250))
                        .until(
                                () -> count(
                                        ch,
                                        "SELECT count() FROM " + ch.table("push_sends") + " FINAL WHERE campaign_id = "
                                                + s),
                                equalTo(audience));
                assertThat(count(
                                ch,
                                "SELECT uniqExact(user_id) FROM " + ch.table("push_sends") + " WHERE campaign_id = "
                                        + s))
                        .isEqualTo(audience);
                assertThat(sim.duplicates(s)).isZero();
                JsonNode sStats = stats(api, s);
                assertThat(sStats.path("sampleRatio").path("mismatch").asBoolean())
                        .as("a storm that fails every variant alike is no SRM: %s", sStats)
                        .isFalse();
                for (long id : List.of(v, d)) {
                    ok(api.postJson("api/v1/campaigns/" + id + "/stop", Map.of(), CALL), 200);
                }
            }
        }
    }

    private static long awaitHalted(AdminApi api, long id, long since) throws Exception {
        Duration left = HALT_WITHIN.minusMillis(System.currentTimeMillis() - since);
        await("campaign " + id + " halted within " + HALT_WITHIN)
                .atMost(left.toMillis() > 0 ? left : Duration.ofMillis(1))
                .pollDelay(Duration.ZERO)
                .pollInterval(Duration.ofMillis(250))
                .until(() -> campaign(api, id).path("status").asText(), equalTo("HALTED"));
        return System.currentTimeMillis();
    }

    private static long reached(ProviderSimulator sim, long campaign) {
        long n = 0;
        for (String variant : List.of("A", "B")) {
            ProviderSimulator.Tally t = sim.tally(campaign, variant);
            n += t == null ? 0 : t.recipients.get();
        }
        return n;
    }

    private static long campaign(
            AdminApi api, String name, long cohort, long a, long b, Map<String, Object> guardrails) {
        Map<String, Object> c = new HashMap<>();
        c.put("name", name);
        c.put("app", "windy-ios");
        c.put("cohortId", cohort);
        c.put("variants", List.of(Map.of("pushId", a), Map.of("pushId", b)));
        c.put("split", Map.of("type", "BANDIT", "burnIn", 30));
        c.put("duration", "PT3M");
        c.put("guardrails", guardrails);
        return ok(api.postJson("api/v1/campaigns", c, CALL), 201)
                .body()
                .path("id")
                .asLong();
    }

    private static long push(AdminApi api, String title) {
        return ok(
                        api.postJson(
                                "api/v1/pushes",
                                Map.of(
                                        "name",
                                        title,
                                        "defaultLocale",
                                        "en",
                                        "texts",
                                        Map.of("en", Map.of("title", title, "body", title))),
                                CALL),
                        201)
                .body()
                .path("id")
                .asLong();
    }

    private static JsonNode campaign(AdminApi api, long id) {
        return ok(api.get("api/v1/campaigns/" + id, CALL), 200).body();
    }

    private static JsonNode stats(AdminApi api, long id) {
        return ok(api.get("api/v1/campaigns/" + id + "/stats", CALL), 200).body();
    }

    private static long count(ClickHouse ch, String sql) {
        return ch.selectLong(sql);
    }
}
