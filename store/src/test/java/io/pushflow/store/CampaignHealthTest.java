package io.pushflow.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushflow.core.guard.GuardrailCheck;
import io.pushflow.core.guard.Guardrails;
import io.pushflow.core.stats.SampleRatioMismatch;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The guardrails' numbers against the real ClickHouse: SRM on what was sent, wave by wave for a bandit whose shares
 * move, quiet on a healthy campaign, firing when one variant's pushes fail, blind to a wave still going through the
 * gate; SRM on what was delivered; failures and dead tokens in the window; one reading of the outcomes shared.
 */
class CampaignHealthTest {

    private static final TestClickHouse CH = new TestClickHouse();
    private final CampaignHealth health = new CampaignHealth(CH.clickHouse);
    private static final List<String> AB = List.of("A", "B");

    @AfterAll
    static void drop() {
        CH.close();
    }

    @Test
    void a_bandit_whose_shares_move_wave_by_wave_raises_no_alarm_when_every_variant_is_sent_alike() {
        Instant t = Instant.parse("2026-12-01T10:00:00Z");
        // shares 50/50, then 20/80, then 5/95: the cumulative counts are far from any one split, each wave matches its
        // own
        write(1, new double[][] {{0.5, 0.5}, {0.2, 0.8}, {0.05, 0.95}}, 4_000, 0.03, 0.03, t, 7);
        CampaignHealth.Ratios r = health.ratios(1, AB, null, SampleRatioMismatch.ALARM);
        assertThat(r.sent().sample()).isGreaterThan(11_000);
        assertThat(r.sent().mismatch()).as("p = %s", r.sent().pValue()).isFalse();
    }

    @Test
    void a_variant_whose_pushes_fail_is_a_mismatch_on_what_was_sent() {
        Instant t = Instant.parse("2026-12-01T10:00:00Z");
        write(2, new double[][] {{0.5, 0.5}, {0.4, 0.6}}, 3_000, 0.02, 0.30, t, 8); // 30% of B's pushes fail, 2% of A's
        CampaignHealth.Ratios r = health.ratios(2, AB, null, SampleRatioMismatch.ALARM);
        assertThat(r.sent().mismatch()).isTrue();
        assertThat(r.sent().pValue()).isLessThan(1e-6);
        GuardrailCheck.Numbers n = health.numbers(2, r, t.minusSeconds(1), null);
        assertThat(GuardrailCheck.tripped(Guardrails.DEFAULTS, n))
                .hasValueSatisfying(reason -> assertThat(reason).contains("sample ratio mismatch"));
    }

    @Test
    void a_wave_not_everyone_of_which_has_an_outcome_is_left_out() {
        Instant t = Instant.parse("2026-12-01T10:00:00Z");
        write(3, new double[][] {{0.5, 0.5}}, 4_000, 0, 0, t, 9);
        // wave 2 assigned 2,000 to each, but so far only A's users went through the gate
        insert(
                "campaign_allocations",
                "{\"campaign_id\":3,\"wave\":2,\"variant\":\"A\",\"share\":0.5,\"users\":2000,\"at\":\"" + at(t)
                        + "\"}\n"
                        + "{\"campaign_id\":3,\"wave\":2,\"variant\":\"B\",\"share\":0.5,\"users\":2000,\"at\":\""
                        + at(t) + "\"}\n");
        StringBuilder sends = new StringBuilder();
        for (int u = 0; u < 2_000; u++) {
            sends.append(send(3, 1_000_000 + u, "A", 2, "sent", "", t));
        }
        insert("push_sends", sends.toString());
        assertThat(health.ratios(3, AB, null, SampleRatioMismatch.ALARM).sent().mismatch())
                .isFalse();
    }

    @Test
    void delivered_is_tested_against_the_recipients_of_the_notifications_the_provider_finished() {
        Instant t = Instant.parse("2026-12-01T10:00:00Z");
        insert(
                "provider_notifications",
                notification(4, "a1", "A", 1_000, 990, 0, 1)
                        + notification(4, "b1", "B", 1_000, 600, 0, 1)
                        + notification(4, "b2", "B", 1_000, 0, 1_000, 1)
                        + notification(4, "a2", "A", 1_000, 0, 0, 0));
        CampaignHealth.Ratios r = health.ratios(4, AB, null, SampleRatioMismatch.ALARM);
        assertThat(r.delivered().sample())
                .isEqualTo(2_000); // a2 not looked at, b2 not finished: the recipients of a1 and b1
        assertThat(r.delivered().mismatch()).isTrue();
        assertThat(GuardrailCheck.tripped(Guardrails.DEFAULTS, health.numbers(4, r, t.minusSeconds(60), null)))
                .hasValueSatisfying(reason -> assertThat(reason)
                        .startsWith("sample ratio mismatch on delivery")
                        .contains("2000 devices"));
        insert(
                "provider_notifications",
                notification(5, "a1", "A", 1_000, 985, 0, 1) + notification(5, "b1", "B", 800, 790, 0, 1));
        assertThat(health.ratios(5, AB, null, SampleRatioMismatch.ALARM)
                        .delivered()
                        .mismatch())
                .isFalse();
    }

    @Test
    void one_reading_of_the_outcomes_per_wave_serves_every_caller_for_its_lifetime() {
        Instant t = Instant.parse("2026-12-01T10:00:00Z");
        AtomicReference<Instant> now = new AtomicReference<>(t);
        CampaignHealth shared = new CampaignHealth(CH.clickHouse, now::get, CampaignHealth.OUTCOMES_LIFETIME);
        write(7, new double[][] {{0.5, 0.5}}, 4_000, 0, 0, t, 10);
        assertThat(shared.ratios(7, AB, null, SampleRatioMismatch.ALARM).sent().sample())
                .isEqualTo(4_000);
        // wave 2: every push of B failed
        insert(
                "campaign_allocations",
                "{\"campaign_id\":7,\"wave\":2,\"variant\":\"A\",\"share\":0.5,\"users\":1000,\"at\":\"" + at(t)
                        + "\"}\n"
                        + "{\"campaign_id\":7,\"wave\":2,\"variant\":\"B\",\"share\":0.5,\"users\":1000,\"at\":\""
                        + at(t) + "\"}\n");
        StringBuilder sends = new StringBuilder();
        for (int u = 0; u < 2_000; u++) {
            sends.append(send(7, 1_000_000 + u, u < 1_000 ? "A" : "B", 2, u < 1_000 ? "sent" : "failed", "", t));
        }
        insert("push_sends", sends.toString());
        now.set(t.plus(CampaignHealth.OUTCOMES_LIFETIME).minusMillis(1));
        // the watch's look (since a resume, its own threshold) shares the console's reading: wave 2 not through yet
        SampleRatioMismatch watched = shared.ratios(7, AB, t.minusSeconds(3_600), Guardrails.DEFAULTS.srmAlpha())
                .sent();
        assertThat(watched.sample()).isEqualTo(4_000);
        assertThat(watched.mismatch()).isFalse();
        now.set(t.plus(CampaignHealth.OUTCOMES_LIFETIME));
        SampleRatioMismatch fresh =
                shared.ratios(7, AB, null, SampleRatioMismatch.ALARM).sent();
        assertThat(fresh.sample()).isEqualTo(6_000);
        assertThat(fresh.mismatch()).isTrue();
        assertThat(health.ratios(7, AB, null, SampleRatioMismatch.ALARM).sent()).isEqualTo(fresh);
    }

    @Test
    void failures_and_dead_tokens_are_counted_in_the_window_and_before_it() {
        Instant t = Instant.parse("2026-12-01T10:00:00Z");
        StringBuilder rows = new StringBuilder();
        for (int u = 0; u < 1_000; u++) { // before the window: 2% unsubscribed
            rows.append(send(
                    6,
                    u,
                    "A",
                    1,
                    u % 50 == 0 ? "skipped" : "sent",
                    u % 50 == 0 ? "unsubscribed" : "",
                    t.minusSeconds(600)));
        }
        for (int u = 1_000; u < 1_400; u++) { // in it: a quarter failed, a quarter dead tokens, holdout not counted
            int k = u % 4;
            rows.append(send(
                    6, u, "A", 2, k == 0 ? "failed" : k == 1 ? "skipped" : "sent", k == 1 ? "invalid_token" : "", t));
        }
        rows.append(send(6, 5_000, "holdout", 2, "skipped", "holdout", t));
        insert("push_sends", rows.toString());
        GuardrailCheck.Numbers n = health.numbers(6, CampaignHealth.Ratios.NONE, t.minusSeconds(60), null);
        assertThat(n).isEqualTo(new GuardrailCheck.Numbers(null, null, 200, 100, 400, 100, 1_000, 20));
        assertThat(health.numbers(6, CampaignHealth.Ratios.NONE, t.minusSeconds(60), t.minusSeconds(30))
                        .earlierDecided())
                .isZero();
        assertThat(GuardrailCheck.tripped(Guardrails.DEFAULTS, n))
                .hasValueSatisfying(reason -> assertThat(reason).contains("failed 33% of 300"));
    }

    /**
     * Waves of {@code perWave} users split by the planner's shares (the users of a variant drawn as the planner draws
     * them), every user with an outcome: failed with the variant's failure share, else sent.
     */
    private static void write(
            long campaign, double[][] waves, int perWave, double failA, double failB, Instant at, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        StringBuilder allocations = new StringBuilder();
        StringBuilder sends = new StringBuilder();
        long user = 0;
        for (int w = 0; w < waves.length; w++) {
            int[] users = new int[2];
            for (int i = 0; i < perWave; i++) {
                int arm = random.nextDouble() < waves[w][0] ? 0 : 1;
                users[arm]++;
                boolean failed = random.nextDouble() < (arm == 0 ? failA : failB);
                sends.append(send(campaign, user++, AB.get(arm), w + 1, failed ? "failed" : "sent", "", at));
            }
            for (int arm = 0; arm < 2; arm++) {
                allocations
                        .append("{\"campaign_id\":")
                        .append(campaign)
                        .append(",\"wave\":")
                        .append(w + 1)
                        .append(",\"variant\":\"")
                        .append(AB.get(arm))
                        .append("\",\"share\":")
                        .append(waves[w][arm])
                        .append(",\"users\":")
                        .append(users[arm])
                        .append(",\"at\":\"")
                        .append(at(at))
                        .append("\"}\n");
            }
        }
        insert("campaign_allocations", allocations.toString());
        insert("push_sends", sends.toString());
    }

    private static String send(
            long campaign, long user, String variant, long wave, String outcome, String reason, Instant at) {
        return "{\"campaign_id\":" + campaign + ",\"user_id\":" + user + ",\"variant\":\"" + variant + "\",\"wave\":"
                + wave
                + ",\"batch_id\":\"b\",\"outcome\":\"" + outcome + "\",\"reason\":\"" + reason
                + "\",\"notification_id\":\"\",\"error\":\"\",\"at\":\""
                + at(at) + "\",\"rank\":1}\n";
    }

    private static String notification(
            long campaign, String id, String variant, int recipients, int successful, int remaining, long version) {
        return "{\"notification_id\":\"" + id + "\",\"campaign_id\":" + campaign + ",\"variant\":\"" + variant
                + "\",\"request_id\":\"r\",\"recipients\":"
                + recipients + ",\"sent_at\":\"2026-12-01 10:00:00\",\"successful\":" + successful
                + ",\"failed\":0,\"errored\":0,\"converted\":0"
                + ",\"remaining\":" + remaining + ",\"received\":0,\"checked_at\":\"2026-12-01 10:00:00\",\"version\":"
                + version + "}\n";
    }

    private static void insert(String table, String rows) {
        CH.clickHouse.insertJsonEachRow(CH.clickHouse.table(table), rows.getBytes(StandardCharsets.UTF_8));
    }

    private static String at(Instant t) {
        return ClickHouse.dateTime(t);
    }
}
