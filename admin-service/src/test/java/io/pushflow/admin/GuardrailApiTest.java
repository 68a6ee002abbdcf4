package io.pushflow.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.hasEntry;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.pushflow.admin.support.Api;
import io.pushflow.admin.support.ApiTestBase;
import io.pushflow.admin.support.CommandQueue;
import io.pushflow.admin.support.TestClock;
import io.pushflow.core.campaign.CampaignCommand;
import io.pushflow.core.campaign.CampaignStatus;
import io.pushflow.store.ClickHouse;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Guardrails through the API and the service's own watch (every second here), over outcome rows written into
 * ClickHouse in the delivery job's shape: defaults filled in, thresholds checked and editable while the campaign
 * runs; a failure storm halts the campaign with the reason, in the audit trail, with a PAUSE to the jobs; only a
 * person resumes it, and what made it halt does not halt it again, while new failures do.
 */
@MicronautTest
class GuardrailApiTest extends ApiTestBase {

    private static final Duration WAIT = Duration.ofSeconds(15);

    @Inject
    TestClock clock;

    private CommandQueue commands;
    private long cohort;
    private long pushA;
    private long pushB;
    private long nextUser = 1;

    @Override
    public Map<String, String> getProperties() {
        Map<String, String> p = new HashMap<>(super.getProperties());
        p.put("pushflow.guardrails.interval", "1s");
        return p;
    }

    @BeforeAll
    void fixtures() throws Exception {
        commands = new CommandQueue(env.queues());
        cohort = marketer().post("/api/v1/cohorts", cohort("guardrail cohort")).id();
        pushA = marketer().post("/api/v1/pushes", push("guarded A")).id();
        pushB = marketer().post("/api/v1/pushes", push("guarded B")).id();
    }

    @AfterAll
    void closeQueue() throws Exception {
        commands.close();
    }

    private Api marketer() {
        return as("marketer");
    }

    private Map<String, Object> campaign(String name, Map<String, Object> guardrails) {
        Map<String, Object> c = new HashMap<>();
        c.put("name", name);
        c.put("app", "windy-ios");
        c.put("cohortId", cohort);
        c.put("variants", List.of(Map.of("pushId", pushA), Map.of("pushId", pushB)));
        c.put("split", Map.of("type", "BANDIT"));
        c.put("duration", "PT2H");
        if (guardrails != null) {
            c.put("guardrails", guardrails);
        }
        return c;
    }

    @Test
    @SuppressWarnings("unchecked")
    void thresholds_default_are_checked_and_change_while_the_campaign_runs() throws Exception {
        Api.Reply created = marketer()
                .post(
                        "/api/v1/campaigns",
                        campaign("guarded defaults", Map.of("maxFailureRate", 0.1, "window", "PT2M")));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat((Map<String, Object>) created.json().get("guardrails"))
                .isEqualTo(Map.of(
                        "enabled",
                        true,
                        "srmAlpha",
                        1.0E-4,
                        "srmMinSample",
                        1000,
                        "maxFailureRate",
                        0.1,
                        "minAttempts",
                        200,
                        "window",
                        "PT2M",
                        "invalidJump",
                        3.0,
                        "minDecided",
                        200));

        assertThat(marketer()
                        .post("/api/v1/campaigns", campaign("bad alpha", Map.of("srmAlpha", 0.7)))
                        .errorFields())
                .containsExactly("guardrails.srmAlpha");
        assertThat(marketer()
                        .post("/api/v1/campaigns", campaign("bad window", Map.of("window", "five minutes")))
                        .errorFields())
                .containsExactly("guardrails.window");
        assertThat(marketer()
                        .post("/api/v1/campaigns", campaign("tiny sample", Map.of("srmMinSample", 5)))
                        .errorFields())
                .containsExactly("guardrails.srmMinSample");

        long id = created.id();
        assertThat(marketer().post("/api/v1/campaigns/" + id + "/launch", null).status())
                .isEqualTo(200);
        assertThat(commands.next(id, WAIT).command().type()).isEqualTo(CampaignCommand.Type.LAUNCH);
        Api.Reply changed =
                marketer().put("/api/v1/campaigns/" + id, campaign("guarded defaults", Map.of("enabled", false)));
        assertThat(changed.status()).as(changed.body()).isEqualTo(200);
        assertThat((Map<String, Object>) changed.json().get("guardrails"))
                .containsEntry("enabled", false)
                .containsEntry("maxFailureRate", 0.2);
        assertThat(commands.next(id, WAIT).command().type()).isEqualTo(CampaignCommand.Type.UPDATE);
    }

    @Test
    @SuppressWarnings("unchecked")
    void a_failure_storm_halts_the_campaign_until_a_marketer_resumes_it() throws Exception {
        long id = marketer().post("/api/v1/campaigns", campaign("storm", null)).id();
        assertThat(marketer().post("/api/v1/campaigns/" + id + "/launch", null).status())
                .isEqualTo(200);
        assertThat(commands.next(id, WAIT).command().type()).isEqualTo(CampaignCommand.Type.LAUNCH);

        writeOutcomes(id, 400, 0.02, clock.instant().minusSeconds(20)); // healthy: 2% failed
        Thread.sleep(3_000); // three rounds of the watch
        assertThat(marketer().get("/api/v1/campaigns/" + id).json()).containsEntry("status", "RUNNING");

        writeOutcomes(id, 300, 0.5, clock.instant().minusSeconds(10)); // the provider fails half of them
        Map<String, Object> halted = awaitStatus(id, "HALTED");
        assertThat((String) halted.get("statusReason"))
                .startsWith("the provider failed")
                .contains("of 700 pushes in the last 5 minutes");
        CampaignCommand pause = commands.next(id, WAIT).command();
        assertThat(pause.type()).isEqualTo(CampaignCommand.Type.PAUSE);
        assertThat(pause.campaign().status()).isEqualTo(CampaignStatus.HALTED);
        List<Map<String, Object>> history =
                marketer().get("/api/v1/campaigns/" + id + "/history").list();
        Map<String, Object> entry = history.stream()
                .filter(e -> "halted".equals(e.get("action")))
                .findFirst()
                .orElseThrow();
        assertThat(entry).containsEntry("actor", "system");
        assertThat(String.valueOf(entry.get("details")))
                .contains("the provider failed")
                .contains("recent");

        assertThat(marketer().post("/api/v1/campaigns/" + id + "/pause", null).status())
                .isEqualTo(409);
        Api.Reply resumed = marketer().post("/api/v1/campaigns/" + id + "/resume", null);
        assertThat(resumed.status()).as(resumed.body()).isEqualTo(200);
        assertThat(resumed.json()).containsEntry("status", "RUNNING");
        assertThat(resumed.json().get("statusReason")).isNull();
        assertThat(commands.next(id, WAIT).command().type()).isEqualTo(CampaignCommand.Type.RESUME);
        Thread.sleep(3_000); // the failures it halted on are before the resume: they do not halt it again
        assertThat(marketer().get("/api/v1/campaigns/" + id).json()).containsEntry("status", "RUNNING");

        writeOutcomes(id, 300, 0.6, clock.instant().plusSeconds(2)); // a new storm after the resume does
        assertThat((String) awaitStatus(id, "HALTED").get("statusReason"))
                .contains("failed 6")
                .contains("of 300 pushes");
        assertThat(marketer().post("/api/v1/campaigns/" + id + "/stop", null).json())
                .containsEntry("status", "STOPPED");
    }

    private Map<String, Object> awaitStatus(long id, String status) {
        return await("campaign " + id + " " + status)
                .atMost(WAIT)
                .pollInterval(Duration.ofMillis(200))
                .until(() -> marketer().get("/api/v1/campaigns/" + id).json(), hasEntry("status", (Object) status));
    }

    /** {@code n} outcome rows at {@code at}: a {@code failedShare} of them failed, the rest sent. */
    private void writeOutcomes(long campaign, int n, double failedShare, Instant at) {
        List<String> rows = new ArrayList<>();
        int failed = (int) Math.round(n * failedShare);
        for (int i = 0; i < n; i++) {
            rows.add("{\"campaign_id\":" + campaign + ",\"user_id\":" + nextUser++ + ",\"variant\":\""
                    + (i % 2 == 0 ? "A" : "B")
                    + "\",\"wave\":0,\"batch_id\":\"b\",\"outcome\":\"" + (i < failed ? "failed" : "sent")
                    + "\",\"reason\":\"\",\"notification_id\":\"\","
                    + "\"error\":\"\",\"at\":\"" + ClickHouse.dateTime(at) + "\",\"rank\":1}");
        }
        try (ClickHouse ch = env.clickHouse()) {
            StatsApiTest.insert(ch, "push_sends", rows);
        }
    }
}
