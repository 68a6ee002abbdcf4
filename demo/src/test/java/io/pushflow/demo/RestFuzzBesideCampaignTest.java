package io.pushflow.demo;

import static io.pushflow.demo.Conditions.ok;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.JsonNode;
import io.pushflow.admin.fuzz.RestFuzz;
import io.pushflow.admin.support.ValidBodies;
import io.pushflow.core.campaign.RewardSource;
import io.pushflow.core.fuzz.FuzzTally;
import io.pushflow.core.json.Json;
import io.pushflow.store.ClickHouse;
import io.pushflow.tools.AdminApi;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The REST fuzz of every operation ({@link RestFuzz}) against the admin service as a process, while a valid bandit
 * campaign goes out beside it through the three jobs and the provider simulator: every answer is a documented 4xx (or
 * a 2xx for a valid draw), never a 5xx, and the campaign completes with every member exactly one outcome, nobody
 * reached twice at the provider, and no task failure in the jobs' exception history. The fuzz aims at objects of its
 * own (a cohort, two pushes, a campaign it may launch, change or stop, an app key), never at the valid campaign.
 * {@code -Dfuzz.count} requests per operation (20 in CI; {@code bin/pushflow bench fuzz} runs 1,000).
 */
class RestFuzzBesideCampaignTest {

    private static final int COUNT = Integer.getInteger("fuzz.count", 20);
    private static final long SEED = Long.getLong("fuzz.seed", 17);
    private static final Duration CALL = Duration.ofSeconds(30);

    @Test
    void hostile_requests_get_documented_answers_and_the_campaign_beside_them_reaches_every_member_once()
            throws Exception {
        try (AdminProcess admin =
                new AdminProcess("admin:admin-pw:admin,marketer:marketer-pw:marketer,viewer:viewer-pw:viewer")) {
            var options = new Demo.Options(
                    3_000,
                    Duration.ofMinutes(1),
                    Duration.ofSeconds(2),
                    List.of(0.03, 0.08, 0.25),
                    29,
                    admin.url,
                    "marketer",
                    "marketer-pw",
                    admin.database,
                    admin.prefix,
                    0,
                    0,
                    Path.of("target", "rest-fuzz-beside"),
                    null,
                    false,
                    false,
                    RewardSource.AUTO,
                    Demo.ClusterKind.LOCAL);
            AdminApi marketer = new AdminApi(admin.url, "marketer", "marketer-pw");
            AdminApi adminApi = new AdminApi(admin.url, "admin", "admin-pw");
            try (Stage stage = Stage.start(options, System.out);
                    ClickHouse ch =
                            new ClickHouse(ClickHouse.Config.fromEnvironment().withDatabase(admin.database))) {
                Map<String, Object> filter = Map.of(
                        "all", List.of(Map.of("field", "last_active_at", "op", "within_last", "value", "P3650D")));
                long cohort = ok(
                                marketer.postJson("api/v1/cohorts", Map.of("name", "everyone", "filter", filter), CALL),
                                201)
                        .body()
                        .path("id")
                        .asLong();
                long a = ok(marketer.postJson("api/v1/pushes", ValidBodies.push("Wind tomorrow"), CALL), 201)
                        .body()
                        .path("id")
                        .asLong();
                long b = ok(marketer.postJson("api/v1/pushes", ValidBodies.push("Gusts at your spot"), CALL), 201)
                        .body()
                        .path("id")
                        .asLong();
                Map<String, Object> valid = new HashMap<>(RestFuzz.campaign(cohort, a, b));
                valid.put("name", "the valid campaign");
                // as long as the fuzz takes at this count (about 150 ms for the 36 operations' requests each), so it
                // runs alongside
                valid.put(
                        "duration",
                        Duration.ofMillis(Math.max(60_000, COUNT * 150L)).toString());
                valid.remove("quietHours");
                valid.remove("frequencyCap");
                long campaign = ok(marketer.postJson("api/v1/campaigns", valid, CALL), 201)
                        .body()
                        .path("id")
                        .asLong();
                ok(marketer.postJson("api/v1/campaigns/" + campaign + "/launch", Map.of(), CALL), 200);

                RestFuzz.Targets targets = targets(adminApi);
                FuzzTally tally = new FuzzTally();
                long started = System.nanoTime();
                List<String> failures = new RestFuzz(URI.create(admin.url), targets, tally).run(SEED, COUNT);
                System.out.printf(
                        "REST fuzz beside a running campaign: %d requests in %d s; the campaign %s at the end%n",
                        tally.total(s -> s.inputs),
                        (System.nanoTime() - started) / 1_000_000_000,
                        ok(marketer.get("api/v1/campaigns/" + campaign, CALL), 200)
                                .body()
                                .path("status")
                                .asText());
                tally.print();
                tally.write("beside a campaign");
                assertThat(failures.subList(0, Math.min(20, failures.size())))
                        .as("answers that break the contract (the first 20 of %d)", failures.size())
                        .isEmpty();

                await("the valid campaign completed")
                        .atMost(Duration.ofMinutes(4))
                        .pollDelay(Duration.ZERO)
                        .pollInterval(Duration.ofMillis(250))
                        .until(
                                () -> ok(marketer.get("api/v1/campaigns/" + campaign, CALL), 200)
                                        .body()
                                        .path("status")
                                        .asText(),
                                equalTo("COMPLETED"));
                long audience = ok(marketer.get("api/v1/campaigns/" + campaign + "/stats", CALL), 200)
                        .body()
                        .path("audience")
                        .asLong();
                assertThat(audience).isGreaterThan(1_000);
                await("every member of the valid campaign with an outcome")
                        .atMost(Duration.ofSeconds(60))
                        .pollDelay(Duration.ZERO)
                        .pollInterval(Duration.ofMillis(250))
                        .until(
                                () -> ch.selectLong("SELECT count() FROM " + ch.table("push_sends")
                                        + " FINAL WHERE campaign_id = " + campaign),
                                equalTo(audience));
                assertThat(ch.selectLong("SELECT uniqExact(user_id) FROM " + ch.table("push_sends")
                                + " WHERE campaign_id = " + campaign))
                        .as("members with an outcome")
                        .isEqualTo(audience);
                assertThat(stage.simulator().duplicates(campaign))
                        .as("subscriptions the provider was asked to reach twice")
                        .isZero();
                assertThat(taskFailures(stage.flinkUrl()))
                        .as("the jobs' exception history")
                        .isEmpty();
            }
        }
    }

    /** The fuzz's own objects, made by the admin (the fuzz may change or delete them). */
    private static RestFuzz.Targets targets(AdminApi admin) throws Exception {
        long cohort = ok(admin.postJson("api/v1/cohorts", ValidBodies.cohort("fuzz cohort"), CALL), 201)
                .body()
                .path("id")
                .asLong();
        long push = ok(admin.postJson("api/v1/pushes", ValidBodies.push("fuzz push"), CALL), 201)
                .body()
                .path("id")
                .asLong();
        long other = ok(admin.postJson("api/v1/pushes", ValidBodies.push("fuzz push B"), CALL), 201)
                .body()
                .path("id")
                .asLong();
        long campaign = ok(admin.postJson("api/v1/campaigns", RestFuzz.campaign(cohort, push, other), CALL), 201)
                .body()
                .path("id")
                .asLong();
        JsonNode key = ok(admin.postJson("api/v1/app-keys", Map.of("name", "fuzz"), CALL), 201)
                .body();
        return new RestFuzz.Targets(
                cohort,
                push,
                other,
                campaign,
                key.path("id").asLong(),
                key.path("key").asText());
    }

    /** Every entry of every job's exception history (a task failure even when the job recovered from it). */
    private static List<String> taskFailures(String flink) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        List<String> failures = new ArrayList<>();
        for (JsonNode job : get(http, flink + "/jobs/overview").path("jobs")) {
            for (JsonNode e : get(http, flink + "/jobs/" + job.path("jid").asText() + "/exceptions?maxExceptions=100")
                    .path("exceptionHistory")
                    .path("entries")) {
                failures.add(job.path("name").asText() + ": "
                        + e.path("exceptionName").asText() + " "
                        + e.path("stacktrace").asText().lines().findFirst().orElse(""));
            }
        }
        return failures;
    }

    private static JsonNode get(HttpClient http, String url) throws Exception {
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(URI.create(url)).timeout(CALL).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(url + ": " + r.body()).isEqualTo(200);
        return Json.MAPPER.readTree(r.body());
    }
}
