package io.pushflow.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.pushflow.admin.messaging.BatchConsumer;
import io.pushflow.admin.support.Api;
import io.pushflow.admin.support.ApiTestBase;
import io.pushflow.admin.support.CommandQueue;
import io.pushflow.admin.support.TestClock;
import io.pushflow.admin.support.TestEnvironment;
import io.pushflow.core.campaign.CampaignCommand;
import io.pushflow.core.campaign.CampaignReport;
import io.pushflow.core.campaign.CampaignStatus;
import io.pushflow.core.campaign.SendPace;
import io.pushflow.core.campaign.SplitType;
import io.pushflow.core.json.Json;
import io.pushflow.core.messaging.Queues;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

@MicronautTest
class CampaignApiTest extends ApiTestBase {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @Inject
    TestClock clock;

    private CommandQueue commands;
    private long cohort;
    private long pushA;
    private long pushB;
    private long pushC;

    @BeforeAll
    void fixtures() throws Exception {
        commands = new CommandQueue(env.queues());
        cohort = marketer().post("/api/v1/cohorts", cohort("campaign cohort")).id();
        pushA = marketer().post("/api/v1/pushes", push("variant A")).id();
        pushB = marketer().post("/api/v1/pushes", push("variant B")).id();
        pushC = marketer().post("/api/v1/pushes", push("variant C")).id();
    }

    @AfterAll
    void closeQueue() throws Exception {
        commands.close();
    }

    @Test
    void every_list_has_its_items_on_an_empty_page_too() {
        for (String list : List.of("/api/v1/campaigns", "/api/v1/cohorts", "/api/v1/pushes")) {
            Map<String, Object> page = as("viewer").get(list + "?page=1000").json();
            assertThat(page).as(list).containsEntry("items", List.of()).containsEntry("page", 1000);
        }
        assertThat(as("viewer").get("/api/v1/campaigns?status=STOPPED").json()).containsEntry("items", List.of());
    }

    private Api marketer() {
        return as("marketer");
    }

    private Map<String, Object> bandit(String name) {
        Map<String, Object> c = new HashMap<>();
        c.put("name", name);
        c.put("app", "windy-ios");
        c.put("cohortId", cohort);
        c.put("variants", List.of(Map.of("pushId", pushA), Map.of("pushId", pushB), Map.of("pushId", pushC)));
        c.put("split", Map.of("type", "BANDIT"));
        c.put("holdoutShare", 0.05);
        c.put("duration", "PT2H");
        c.put("sendRateLimit", 2000);
        c.put("quietHours", Map.of("start", "22:00", "end", "08:00"));
        c.put("frequencyCap", Map.of("count", 2, "period", "P1D"));
        return c;
    }

    @Test
    void a_push_whose_deep_link_was_saved_before_the_scheme_rules_is_refused_by_campaign_validation_and_launch()
            throws Exception {
        long push = marketer()
                .post("/api/v1/pushes", push("saved before the scheme rules"))
                .id();
        Map<String, Object> draft = bandit("unsafe deep link");
        draft.put("variants", List.of(Map.of("pushId", pushA), Map.of("pushId", push)));
        long id = marketer().post("/api/v1/campaigns", draft).id();
        try (var c = env.jdbc();
                var update = c.prepareStatement(
                        "UPDATE pushes SET deep_link = 'javascript:alert(document.cookie)' WHERE id = ?")) {
            update.setLong(1, push);
            assertThat(update.executeUpdate()).isEqualTo(1);
        }

        Api.Reply created = marketer().post("/api/v1/campaigns", bandit("unsafe deep link 2"));
        assertThat(created.status()).isEqualTo(201);
        draft.put("name", "unsafe deep link 3");
        Api.Reply refused = marketer().post("/api/v1/campaigns", draft);
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.errorFields()).containsExactly("variants[1].pushId");

        Api.Reply launched = marketer().post("/api/v1/campaigns/" + id + "/launch", null);
        assertThat(launched.status()).isEqualTo(400);
        assertThat(launched.errorFields()).containsExactly("variants.B");
        assertThat(marketer().get("/api/v1/campaigns/" + id).json()).containsEntry("status", "DRAFT");
    }

    @Test
    void a_cohort_saved_before_the_sql_limit_is_refused_by_campaign_validation_and_launch() throws Exception {
        long big = marketer()
                .post("/api/v1/cohorts", cohort("saved before the sql limit"))
                .id();
        Map<String, Object> draft = bandit("oversized cohort");
        long id = marketer().post("/api/v1/campaigns", draft).id();
        draft.put("cohortId", big);
        List<String> values = IntStream.range(0, 1_000)
                .mapToObj(i -> String.format("%0100d", i))
                .toList();
        Map<String, Object> apps = Map.of("field", "app", "op", "in", "values", values);
        try (var c = env.jdbc();
                var update = c.prepareStatement("UPDATE cohorts SET filter_json = ? WHERE id = ?")) {
            update.setString(1, Json.write(Map.of("all", List.of(apps, apps, apps))));
            update.setLong(2, big);
            assertThat(update.executeUpdate()).isEqualTo(1);
        }

        Api.Reply created = marketer().post("/api/v1/campaigns", draft);
        assertThat(created.status()).isEqualTo(400);
        assertThat(created.errorFields()).containsOnly("cohortId");
        assertThat(created.json().get("message").toString()).startsWith("cohortId: cohort " + big + " filter.all[");

        assertThat(marketer().put("/api/v1/campaigns/" + id, draft).status()).isEqualTo(400);
        try (var c = env.jdbc();
                var update = c.prepareStatement("UPDATE campaigns SET cohort_id = ? WHERE id = ?")) {
            update.setLong(1, big);
            update.setLong(2, id);
            assertThat(update.executeUpdate()).isEqualTo(1);
        }
        Api.Reply launched = marketer().post("/api/v1/campaigns/" + id + "/launch", null);
        assertThat(launched.status()).isEqualTo(400);
        assertThat(launched.body()).contains("compiles to");
        assertThat(marketer().get("/api/v1/campaigns/" + id).json()).containsEntry("status", "DRAFT");
    }

    @Test
    @SuppressWarnings("unchecked")
    void a_draft_gets_defaults_filled_in_and_variant_keys() {
        Api.Reply created = marketer().post("/api/v1/campaigns", bandit("defaults"));
        assertThat(created.status()).isEqualTo(201);
        Map<String, Object> c = created.json();
        assertThat(c)
                .containsEntry("status", "DRAFT")
                .containsEntry("provider", "ONESIGNAL")
                .containsEntry("duration", "PT2H")
                .containsEntry("pace", "EVEN")
                .containsEntry("quietHours", Map.of("start", "22:00", "end", "08:00"))
                .containsEntry("frequencyCap", Map.of("count", 2, "period", "PT24H"));
        assertThat(c.get("split"))
                .isEqualTo(Map.of(
                        "type", "BANDIT", "metric", "CLICKS", "minShare", 0.05, "burnIn", 100, "rewardSource", "AUTO"));
        assertThat((List<Map<String, Object>>) c.get("variants"))
                .extracting(v -> v.get("key"))
                .containsExactly("A", "B", "C");
        assertThat(c.get("endAt")).isNull();
    }

    @Test
    void split_settings_are_checked_across_fields() {
        Map<String, Object> one = bandit("one variant");
        one.put("variants", List.of(Map.of("pushId", pushA)));
        assertThat(marketer().post("/api/v1/campaigns", one).errorFields()).containsExactly("variants");

        Map<String, Object> unknown = bandit("unknown refs");
        unknown.put("cohortId", 999_999);
        unknown.put("variants", List.of(Map.of("pushId", pushA), Map.of("pushId", 999_999), Map.of("pushId", pushA)));
        assertThat(marketer().post("/api/v1/campaigns", unknown).errorFields())
                .containsExactly("cohortId", "variants[1].pushId", "variants[2].pushId");

        Map<String, Object> opensFromProvider = bandit("opens counted by the provider");
        opensFromProvider.put("split", Map.of("type", "BANDIT", "metric", "OPENS", "rewardSource", "PROVIDER"));
        Api.Reply noOpens = marketer().post("/api/v1/campaigns", opensFromProvider);
        assertThat(noOpens.errorFields()).containsExactly("split.rewardSource");
        assertThat(noOpens.body()).contains("the provider counts clicks only");
        opensFromProvider.put("split", Map.of("type", "BANDIT", "metric", "OPENS", "rewardSource", "APP"));
        Api.Reply opens = marketer().post("/api/v1/campaigns", opensFromProvider);
        assertThat(opens.status()).isEqualTo(201);
        assertThat((Map<String, Object>) opens.json().get("split"))
                .containsEntry("metric", "OPENS")
                .containsEntry("rewardSource", "APP");

        Map<String, Object> direct = bandit("sent directly, clicks from the provider");
        direct.put("provider", "DIRECT");
        direct.put("split", Map.of("type", "BANDIT", "rewardSource", "PROVIDER"));
        Api.Reply noCounts = marketer().post("/api/v1/campaigns", direct);
        assertThat(noCounts.errorFields()).containsExactly("split.rewardSource");
        assertThat(noCounts.body()).contains("APNs and FCM report no clicks");
        direct.put("split", Map.of("type", "BANDIT", "rewardSource", "AUTO"));
        Api.Reply directly = marketer().post("/api/v1/campaigns", direct);
        assertThat(directly.status()).isEqualTo(201);
        assertThat(directly.json()).containsEntry("provider", "DIRECT");
        Map<String, Object> elsewhere = bandit("an unknown provider");
        elsewhere.put("provider", "PIGEON");
        assertThat(marketer().post("/api/v1/campaigns", elsewhere).status()).isEqualTo(400);

        Map<String, Object> winner = bandit("winner without test");
        winner.put("split", Map.of("type", "AB_WINNER", "minShare", 0.1));
        assertThat(marketer().post("/api/v1/campaigns", winner).errorFields())
                .containsExactly("split.minShare", "split.testShare", "split.testDuration");

        Map<String, Object> longTest = bandit("test longer than window");
        longTest.put("split", Map.of("type", "AB_WINNER", "testShare", 0.2, "testDuration", "PT3H"));
        assertThat(marketer().post("/api/v1/campaigns", longTest).errorFields()).containsExactly("split.testDuration");

        Map<String, Object> weighted = bandit("weights on a bandit");
        weighted.put("variants", List.of(Map.of("pushId", pushA, "weight", 2), Map.of("pushId", pushB)));
        weighted.put("split", Map.of("type", "BANDIT", "minShare", 0.5));
        assertThat(marketer().post("/api/v1/campaigns", weighted).errorFields())
                .containsExactly("split.minShare", "variants[0].weight");

        Map<String, Object> times = bandit("bad times");
        times.put("duration", "2 hours");
        times.put("quietHours", Map.of("start", "25:00", "end", "08:00"));
        times.put("holdoutShare", 0.9);
        times.put("sendRateLimit", 0);
        assertThat(marketer().post("/api/v1/campaigns", times).errorFields())
                .containsExactlyInAnyOrder("holdoutShare", "quietHours.start", "sendRateLimit");
        Map<String, Object> badPace = bandit("bad pace");
        badPace.put("pace", "FAST");
        Api.Reply refused = marketer().post("/api/v1/campaigns", badPace);
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.json().toString()).contains("FAST");
        times.put("quietHours", null);
        times.put("holdoutShare", 0.1);
        times.put("sendRateLimit", 10);
        assertThat(marketer().post("/api/v1/campaigns", times).errorFields()).containsExactly("duration");

        Map<String, Object> fixed = bandit("fixed weights");
        fixed.put("variants", List.of(Map.of("pushId", pushA, "weight", 3), Map.of("pushId", pushB, "weight", 1)));
        fixed.put("split", Map.of("type", "AB_FIXED"));
        assertThat(marketer().post("/api/v1/campaigns", fixed).status()).isEqualTo(201);
    }

    @Test
    void the_lifecycle_publishes_one_versioned_command_per_change_and_refuses_illegal_steps() throws Exception {
        long id = marketer().post("/api/v1/campaigns", bandit("lifecycle")).id();

        assertThat(marketer().post("/api/v1/campaigns/" + id + "/pause", null).status())
                .isEqualTo(409);
        Api.Reply launched = marketer().post("/api/v1/campaigns/" + id + "/launch", null);
        assertThat(launched.status()).isEqualTo(200);
        assertThat(launched.json())
                .containsEntry("status", "RUNNING")
                .containsKey("launchedAt")
                .containsKey("endAt");

        CommandQueue.Delivery launch = commands.next(id, WAIT);
        CampaignCommand command = launch.command();
        assertThat(command.type()).isEqualTo(CampaignCommand.Type.LAUNCH);
        assertThat(command.v()).isEqualTo(CampaignCommand.VERSION);
        assertThat(launch.correlationId()).isEqualTo(command.commandId()).isEqualTo(launch.messageId());
        assertThat(launch.type()).isEqualTo("LAUNCH");
        assertThat(launch.deliveryMode()).isEqualTo(2);
        assertThat(command.campaignId()).isEqualTo(id);
        assertThat(command.issuedBy()).isEqualTo("marketer");
        assertThat(command.campaign().status()).isEqualTo(CampaignStatus.RUNNING);
        assertThat(command.campaign().split().type()).isEqualTo(SplitType.BANDIT);
        assertThat(command.campaign().variants()).extracting(v -> v.key()).containsExactly("A", "B", "C");
        assertThat(command.campaign()
                        .variants()
                        .get(0)
                        .content()
                        .texts()
                        .get("pt")
                        .title())
                .isEqualTo("Há vento");
        assertThat(command.campaign()
                        .cohort()
                        .filter()
                        .get("all")
                        .get(1)
                        .get("value")
                        .asText())
                .isEqualTo("PT");
        assertThat(command.campaign().quietHours().start()).isEqualTo(LocalTime.of(22, 0));
        assertThat(command.campaign().duration()).isEqualTo(Duration.ofHours(2));

        Api.Reply relaunch = marketer().post("/api/v1/campaigns/" + id + "/launch", null);
        assertThat(relaunch.status()).isEqualTo(409);
        assertThat(relaunch.json().get("message")).isEqualTo("cannot launch campaign " + id + ": it is RUNNING");

        assertThat(marketer().post("/api/v1/campaigns/" + id + "/pause", null).json())
                .containsEntry("status", "PAUSED");
        assertThat(commands.next(id, WAIT).command().type()).isEqualTo(CampaignCommand.Type.PAUSE);
        Api.Reply pauseAgain = marketer().post("/api/v1/campaigns/" + id + "/pause", null);
        assertThat(pauseAgain.status()).isEqualTo(409);
        assertThat(pauseAgain.json().get("message").toString()).endsWith("it is PAUSED");

        assertThat(marketer().post("/api/v1/campaigns/" + id + "/resume", null).json())
                .containsEntry("status", "RUNNING");
        assertThat(commands.next(id, WAIT).command().type()).isEqualTo(CampaignCommand.Type.RESUME);

        Map<String, Object> limits = bandit("lifecycle, slower");
        limits.put("sendRateLimit", 500);
        limits.put("pace", "ASAP");
        Api.Reply updated = marketer().put("/api/v1/campaigns/" + id, limits);
        assertThat(updated.status()).isEqualTo(200);
        CampaignCommand update = commands.next(id, WAIT).command();
        assertThat(update.type()).isEqualTo(CampaignCommand.Type.UPDATE);
        assertThat(update.campaign().sendRateLimit()).isEqualTo(500);
        assertThat(update.campaign().pace()).isEqualTo(SendPace.ASAP);
        assertThat(updated.json()).containsEntry("pace", "ASAP");
        assertThat(update.campaignVersion()).isGreaterThan(command.campaignVersion());

        Map<String, Object> otherCohort = bandit("lifecycle");
        otherCohort.put("variants", List.of(Map.of("pushId", pushA), Map.of("pushId", pushB)));
        Api.Reply frozen = marketer().put("/api/v1/campaigns/" + id, otherCohort);
        assertThat(frozen.status()).isEqualTo(409);
        assertThat(frozen.json().get("message").toString()).contains("RUNNING: variants can no longer change");

        assertThat(marketer().delete("/api/v1/campaigns/" + id).status()).isEqualTo(409);
        assertThat(marketer().post("/api/v1/campaigns/" + id + "/stop", null).json())
                .containsEntry("status", "STOPPED")
                .containsKey("endedAt");
        assertThat(commands.next(id, WAIT).command().type()).isEqualTo(CampaignCommand.Type.STOP);
        assertThat(marketer().post("/api/v1/campaigns/" + id + "/resume", null).status())
                .isEqualTo(409);
        assertThat(marketer().put("/api/v1/campaigns/" + id, limits).status()).isEqualTo(409);
        assertThat(commands.waiting(id)).isZero();

        List<Map<String, Object>> history =
                as("viewer").get("/api/v1/campaigns/" + id + "/history").list();
        assertThat(history)
                .extracting(h -> h.get("action"))
                .containsExactly("created", "launch", "pause", "resume", "updated", "stop");
        assertThat(history).extracting(h -> h.get("actor")).containsOnly("marketer");
        assertThat(history.get(4).get("details").toString()).contains("sendRateLimit", "from=2000", "to=500");
        assertThat(history.get(5).get("details")).isEqualTo(Map.of("from", "RUNNING", "to", "STOPPED"));
    }

    @Test
    void a_future_start_is_scheduled_and_runs_when_its_time_comes() throws Exception {
        Map<String, Object> later = bandit("later");
        later.put("startAt", clock.instant().plus(Duration.ofHours(3)).toString());
        long id = marketer().post("/api/v1/campaigns", later).id();
        assertThat(marketer().post("/api/v1/campaigns/" + id + "/launch", null).json())
                .containsEntry("status", "SCHEDULED");
        assertThat(commands.next(id, WAIT).command().campaign().status()).isEqualTo(CampaignStatus.SCHEDULED);

        clock.advance(Duration.ofHours(3));
        await().atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(100))
                .untilAsserted(() -> assertThat(
                                marketer().get("/api/v1/campaigns/" + id).json())
                        .containsEntry("status", "RUNNING"));
        assertThat(as("viewer").get("/api/v1/campaigns/" + id + "/history").list())
                .extracting(h -> h.get("actor"))
                .containsExactly("marketer", "marketer", "system");
    }

    @Test
    void the_dispatch_job_s_report_completes_a_running_campaign_once() throws Exception {
        long running = marketer().post("/api/v1/campaigns", bandit("reported")).id();
        long draft =
                marketer().post("/api/v1/campaigns", bandit("reported draft")).id();
        marketer().post("/api/v1/campaigns/" + running + "/launch", null);
        try (var connection = TestEnvironment.rabbit().newConnection();
                var channel = connection.createChannel()) {
            String queue = env.queues().name(Queues.CAMPAIGN_REPORTS);
            await("the queue " + queue)
                    .atMost(Duration.ofSeconds(10))
                    .pollInterval(Duration.ofMillis(50))
                    .until(() -> queueExists(connection, queue));
            for (long id : new long[] {running, running, draft}) {
                var report = new CampaignReport(
                        1, "completed-" + id, id, CampaignReport.Type.COMPLETED, 900, 100, 0, Instant.now(), null);
                channel.basicPublish("", queue, null, Json.write(report).getBytes(StandardCharsets.UTF_8));
            }
            // JSON null parsed to no report and stalled the queue (the fuzz suite found it): it is a dead letter like
            // the rest
            channel.basicPublish("", queue, null, "null".getBytes(StandardCharsets.UTF_8));
            channel.basicPublish("", queue, null, "{\"v\": 7}".getBytes(StandardCharsets.UTF_8));
            long stopped = marketer()
                    .post("/api/v1/campaigns", bandit("reported stop"))
                    .id();
            marketer().post("/api/v1/campaigns/" + stopped + "/launch", null);
            marketer().post("/api/v1/campaigns/" + stopped + "/stop", null);
            var stopReport = new CampaignReport(
                    1, "stopped-" + stopped, stopped, CampaignReport.Type.STOPPED, 300, 10, 690, Instant.now(), null);
            channel.basicPublish("", queue, null, Json.write(stopReport).getBytes(StandardCharsets.UTF_8));
            long failing = marketer()
                    .post("/api/v1/campaigns", bandit("reported failure"))
                    .id();
            marketer().post("/api/v1/campaigns/" + failing + "/launch", null);
            var failReport = new CampaignReport(
                    1,
                    "failed-" + failing,
                    failing,
                    CampaignReport.Type.FAILED,
                    0,
                    0,
                    1000,
                    Instant.now(),
                    "its audience cannot be read: ClickHouse refused the cohort's query (code 62): Max query size exceeded");
            channel.basicPublish("", queue, null, Json.write(failReport).getBytes(StandardCharsets.UTF_8));

            await().atMost(Duration.ofSeconds(10))
                    .pollInterval(Duration.ofMillis(50))
                    .untilAsserted(() -> assertThat(marketer()
                                    .get("/api/v1/campaigns/" + running)
                                    .json())
                            .containsEntry("status", "COMPLETED")
                            .containsKey("endedAt"));
            List<Map<String, Object>> history = as("viewer")
                    .get("/api/v1/campaigns/" + running + "/history")
                    .list();
            assertThat(history).extracting(h -> h.get("action")).containsExactly("created", "launch", "completed");
            assertThat(history.get(2)).containsEntry("actor", "system");
            assertThat(marketer().get("/api/v1/campaigns/" + draft).json()).containsEntry("status", "DRAFT");
            await().atMost(Duration.ofSeconds(10))
                    .pollInterval(Duration.ofMillis(50))
                    .untilAsserted(() -> assertThat(as("viewer")
                                    .get("/api/v1/campaigns/" + stopped + "/history")
                                    .list())
                            .extracting(h -> h.get("action"))
                            .containsExactly("created", "launch", "stop", "stop confirmed"));
            assertThat(marketer().get("/api/v1/campaigns/" + stopped).json()).containsEntry("status", "STOPPED");
            await().atMost(Duration.ofSeconds(10))
                    .pollInterval(Duration.ofMillis(50))
                    .untilAsserted(() -> assertThat(marketer()
                                    .get("/api/v1/campaigns/" + failing)
                                    .json())
                            .containsEntry("status", "FAILED")
                            .containsEntry("statusReason", failReport.reason())
                            .containsKey("endedAt"));
            assertThat(as("viewer")
                            .get("/api/v1/campaigns/" + failing + "/history")
                            .list())
                    .last()
                    .satisfies(
                            h -> assertThat(h).containsEntry("action", "failed").containsEntry("actor", "system"));
            assertThat(marketer()
                            .post("/api/v1/campaigns/" + failing + "/resume", null)
                            .status())
                    .as("a failed campaign stays failed")
                    .isEqualTo(409);

            String deadLetters = env.queues().dead(Queues.CAMPAIGN_REPORTS);
            GetResponse dead = await("a dead letter on " + deadLetters)
                    .atMost(Duration.ofSeconds(10))
                    .pollInterval(Duration.ofMillis(50))
                    .until(() -> channel.basicGet(deadLetters, true), Objects::nonNull);
            assertThat(String.valueOf(dead.getProps().getHeaders().get(BatchConsumer.REASON_HEADER)))
                    .startsWith("not a v1 report");
        }
    }

    private static boolean queueExists(Connection connection, String queue) {
        try (var probe = connection.createChannel()) {
            probe.queueDeclarePassive(queue);
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    @Test
    void a_window_that_already_ended_cannot_be_launched() {
        Map<String, Object> past = bandit("past");
        past.put("startAt", clock.instant().minus(Duration.ofDays(2)).toString());
        long id = marketer().post("/api/v1/campaigns", past).id();
        Api.Reply reply = marketer().post("/api/v1/campaigns/" + id + "/launch", null);
        assertThat(reply.status()).isEqualTo(409);
        assertThat(reply.json().get("message").toString()).contains("send window", "ended");
    }

    @Test
    @SuppressWarnings("unchecked")
    void campaigns_are_listed_by_status_and_drafts_deleted() {
        long draft =
                marketer().post("/api/v1/campaigns", bandit("listed draft")).id();
        long running =
                marketer().post("/api/v1/campaigns", bandit("listed running")).id();
        marketer().post("/api/v1/campaigns/" + running + "/launch", null);
        List<Map<String, Object>> drafts = (List<Map<String, Object>>)
                marketer().get("/api/v1/campaigns?status=DRAFT&size=200").json().get("items");
        assertThat(drafts)
                .extracting(c -> ((Number) c.get("id")).longValue())
                .contains(draft)
                .doesNotContain(running);
        assertThat(drafts).extracting(c -> c.get("status")).containsOnly("DRAFT");
        for (Map<String, Object> listed : drafts) {
            assertThat(listed.get("variants"))
                    .isNotEqualTo(List.of())
                    .isEqualTo(marketer()
                            .get("/api/v1/campaigns/" + listed.get("id"))
                            .json()
                            .get("variants"));
        }
        assertThat(marketer().get("/api/v1/campaigns?status=WHATEVER").status()).isEqualTo(400);

        assertThat(marketer().delete("/api/v1/campaigns/" + draft).status()).isEqualTo(204);
        assertThat(marketer().get("/api/v1/campaigns/" + draft).status()).isEqualTo(404);
        assertThat(marketer().get("/api/v1/campaigns/" + draft + "/history").list())
                .extracting(h -> h.get("action"))
                .containsExactly("created", "deleted");
        assertThat(marketer().get("/api/v1/campaigns/424242/history").status()).isEqualTo(404);
    }
}
