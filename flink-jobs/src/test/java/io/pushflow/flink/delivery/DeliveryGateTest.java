package io.pushflow.flink.delivery;

import io.pushflow.core.delivery.Reason;
import io.pushflow.core.json.Json;
import io.pushflow.core.user.Sport;
import io.pushflow.core.user.UserChange;
import io.pushflow.flink.dispatch.OutboxBatch;
import io.pushflow.flink.dispatch.OutboxUser;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithKeyedOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class DeliveryGateTest {

    static final long T0 = Instant.parse("2026-11-24T12:00:00Z").toEpochMilli();
    static final long HOUR = Duration.ofHours(1).toMillis();
    static final Map<String, Object> KITERS = Map.of("all", List.of(
            Map.of("field", "sports", "op", "has_any", "values", List.of("kitesurfing"))));

    static KeyedBroadcastOperatorTestHarness<Long, GateInput, GateControl, GateOutput> harness() throws Exception {
        var h = new KeyedBroadcastOperatorTestHarness<>(
                new CoBroadcastWithKeyedOperator<>(new DeliveryGate(), List.of(DeliveryGate.CAMPAIGNS, DeliveryGate.SUPPRESSION)),
                GateInput::userId, Types.LONG, 128, 1, 0);
        h.setup();
        return h;
    }

    static KeyedBroadcastOperatorTestHarness<Long, GateInput, GateControl, GateOutput> open() throws Exception {
        var h = harness();
        h.open();
        h.setProcessingTime(T0);
        return h;
    }

    static CampaignRules rules(long campaign, long version, CampaignRules.Status status) {
        CampaignRules r = new CampaignRules();
        r.campaignId = campaign;
        r.version = version;
        r.status = status.name();
        r.filterJson = Json.write(KITERS);
        r.asOfMillis = T0;
        r.windowEndMillis = T0 + HOUR;
        CampaignRules.VariantTexts a = new CampaignRules.VariantTexts();
        a.key = "A";
        a.defaultLanguage = "en";
        a.languages = new String[]{"en", "pt"};
        a.titles = new String[]{"Wind", "Vento"};
        a.bodies = new String[]{"25 knots", "25 nós"};
        r.variants = new CampaignRules.VariantTexts[]{a};
        return r;
    }

    static OutboxUser user(long id, String timezone) {
        OutboxUser u = new OutboxUser();
        u.userId = id;
        u.pushToken = "sub-" + id;
        u.platform = "ios";
        u.locale = "pt";
        u.timezone = timezone;
        u.country = "PT";
        u.app = "windy-ios";
        u.appVersion = "57.0.0";
        u.sportsMask = Sport.KITESURFING.bit();
        u.lastActiveAtMillis = T0 - HOUR;
        u.installedAtMillis = T0 - 1000 * HOUR;
        u.version = 1;
        return u;
    }

    static GateInput push(long campaign, long version, String variant, OutboxUser user) {
        OutboxBatch b = new OutboxBatch();
        b.batchId = campaign + "-1-" + variant + "-0";
        b.campaignId = campaign;
        b.campaignVersion = version;
        b.variant = variant;
        b.wave = 1;
        b.users = new OutboxUser[]{user};
        return GateInput.of(UserPush.of(b, user));
    }

    static GateInput change(long userId, long version, Map<String, Object> set) {
        return GateInput.of(UserDelta.of(new UserChange(1, userId, version, set)));
    }

    static GateControl suppression(long userId, long version, Map<String, Object> set) {
        return GateControl.of(UserDelta.of(new UserChange(1, userId, version, set)));
    }

    static List<Verdict> verdicts(KeyedBroadcastOperatorTestHarness<Long, GateInput, GateControl, GateOutput> h) {
        List<Verdict> out = new ArrayList<>();
        for (Object o : h.getOutput()) {
            if (o instanceof StreamRecord<?> r && ((GateOutput) r.getValue()).verdict != null) {
                out.add(((GateOutput) r.getValue()).verdict);
            }
        }
        h.getOutput().clear();
        return out;
    }

    static Verdict only(KeyedBroadcastOperatorTestHarness<Long, GateInput, GateControl, GateOutput> h) {
        List<Verdict> v = verdicts(h);
        assertThat(v).hasSize(1);
        return v.get(0);
    }

    @Test
    void a_push_for_a_running_campaign_goes_out_with_the_users_newest_token() throws Exception {
        try (var h = open()) {
            h.processBroadcastElement(GateControl.of(rules(7, 1, CampaignRules.Status.RUNNING)), T0);
            h.processElement(change(1, 5, Map.of("push_token", "sub-1-new")), T0);
            h.processElement(push(7, 1, "A", user(1, "Europe/Lisbon")), T0);
            Verdict v = only(h);
            assertThat(v.kind).isEqualTo("SEND");
            assertThat(v.pushToken).isEqualTo("sub-1-new");
            assertThat(v.locale).isEqualTo("pt");
            assertThat(v.notBeforeMillis).isEqualTo(T0);
        }
    }

    @Test
    void every_skip_reason_is_decided_by_the_gate() throws Exception {
        try (var h = open()) {
            CampaignRules capped = rules(7, 1, CampaignRules.Status.RUNNING);
            capped.capCount = 1;
            capped.capPeriodMillis = Duration.ofDays(1).toMillis();
            capped.quietStartMinute = 22 * 60;
            capped.quietEndMinute = 8 * 60;
            h.processBroadcastElement(GateControl.of(capped), T0);
            h.processBroadcastElement(GateControl.of(rules(8, 1, CampaignRules.Status.RUNNING)), T0);
            h.processBroadcastElement(GateControl.of(rules(9, 1, CampaignRules.Status.STOPPED)), T0);

            OutboxUser unsubscribed = user(2, "Europe/Lisbon");
            unsubscribed.subscribed = false;
            h.processElement(push(7, 1, "A", unsubscribed), T0);
            h.processBroadcastElement(suppression(3, 5, Map.of("subscribed", false)), T0);
            h.processElement(push(7, 1, "A", user(3, "Europe/Lisbon")), T0);
            OutboxUser deadToken = user(4, "Europe/Lisbon");
            deadToken.tokenValid = false;
            h.processElement(push(7, 1, "A", deadToken), T0);
            h.processBroadcastElement(suppression(5, 5, Map.of("token_valid", false)), T0);
            h.processElement(push(7, 1, "A", user(5, "Europe/Lisbon")), T0);
            h.processElement(change(6, 5, Map.of("sports", List.of("sailing"))), T0); // no longer a kiter
            h.processElement(push(7, 1, "A", user(6, "Europe/Lisbon")), T0);
            h.processElement(push(7, 1, "A", user(7, "Pacific/Auckland")), T0); // 01:00 there, quiet past the window
            h.processElement(push(8, 1, "A", user(8, "Europe/Lisbon")), T0); // campaign 8 counts against 7's cap
            h.processElement(push(7, 1, "A", user(8, "Europe/Lisbon")), T0);
            h.processElement(push(9, 1, "A", user(9, "Europe/Lisbon")), T0);
            h.processElement(push(7, 1, OutboxBatch.HOLDOUT, user(10, "Europe/Lisbon")), T0);
            h.processElement(push(8, 1, "A", user(8, "Europe/Lisbon")), T0); // released twice

            assertThat(verdicts(h)).extracting(v -> v.userId + ":" + v.kind + ":" + v.reason).containsExactly(
                    "2:SKIP:" + Reason.UNSUBSCRIBED, "3:SKIP:" + Reason.UNSUBSCRIBED,
                    "4:SKIP:" + Reason.INVALID_TOKEN, "5:SKIP:" + Reason.INVALID_TOKEN,
                    "6:SKIP:" + Reason.LEFT_COHORT, "7:SKIP:" + Reason.QUIET_HOURS,
                    "8:SEND:null", "8:SKIP:" + Reason.FREQUENCY_CAP,
                    "9:SKIP:" + Reason.CAMPAIGN_STOPPED, "10:SKIP:" + Reason.HOLDOUT,
                    "8:SKIP:" + Reason.DUPLICATE);
        }
    }

    @Test
    void the_frequency_cap_counts_pushes_inside_its_period_only() throws Exception {
        try (var h = open()) {
            for (long campaign = 1; campaign <= 3; campaign++) {
                CampaignRules r = rules(campaign, 1, CampaignRules.Status.RUNNING);
                r.capCount = 2;
                r.capPeriodMillis = 6 * HOUR;
                r.windowEndMillis = T0 + 24 * HOUR;
                h.processBroadcastElement(GateControl.of(r), T0);
            }
            h.processElement(push(1, 1, "A", user(1, "UTC")), T0);
            h.setProcessingTime(T0 + 2 * HOUR);
            h.processElement(push(2, 1, "A", user(1, "UTC")), T0);
            h.setProcessingTime(T0 + 3 * HOUR);
            h.processElement(push(3, 1, "A", user(1, "UTC")), T0); // two in the last 6 hours already
            assertThat(verdicts(h)).extracting(v -> v.kind + ":" + v.reason).containsExactly("SEND:null", "SEND:null", "SKIP:" + Reason.FREQUENCY_CAP);

            CampaignRules later = rules(4, 1, CampaignRules.Status.RUNNING);
            later.capCount = 2;
            later.capPeriodMillis = 6 * HOUR;
            later.windowEndMillis = T0 + 24 * HOUR;
            h.processBroadcastElement(GateControl.of(later), T0);
            h.setProcessingTime(T0 + 6 * HOUR + 1); // the first push has left the period
            h.processElement(push(4, 1, "A", user(1, "UTC")), T0);
            assertThat(only(h).kind).isEqualTo("SEND");
        }
    }

    @Test
    void quiet_hours_defer_to_their_end_in_the_users_zone_across_a_dst_change() throws Exception {
        try (var h = open()) {
            CampaignRules r = rules(7, 1, CampaignRules.Status.RUNNING);
            r.quietStartMinute = 22 * 60;
            r.quietEndMinute = 8 * 60;
            r.windowEndMillis = T0 + 24 * HOUR;
            h.processBroadcastElement(GateControl.of(r), T0);
            h.processElement(push(7, 1, "A", user(1, "Pacific/Auckland")), T0); // 01:00 NZDT (UTC+13)
            h.processElement(push(7, 1, "A", user(2, "America/New_York")), T0); // 07:00 EST: 1 hour to go
            h.processElement(push(7, 1, "A", user(3, "Europe/Lisbon")), T0); // noon: not quiet
            assertThat(verdicts(h)).extracting(v -> v.userId + ":" + v.kind + ":" + Instant.ofEpochMilli(v.notBeforeMillis)).containsExactly(
                    "1:DEFER:2026-11-24T19:00:00Z", "2:DEFER:2026-11-24T13:00:00Z", "3:SEND:2026-11-24T12:00:00Z");
        }
        try (var h = open()) {
            // Lisbon moves from UTC+0 to UTC+1 at 01:00 UTC on 29 March 2026: quiet hours ending at 01:30 local end
            // at 02:30 WEST (01:30 local does not exist that night), which is 01:30 UTC.
            long night = Instant.parse("2026-03-29T00:30:00Z").toEpochMilli();
            h.setProcessingTime(night);
            CampaignRules r = rules(7, 1, CampaignRules.Status.RUNNING);
            r.quietStartMinute = 22 * 60;
            r.quietEndMinute = 90;
            r.asOfMillis = night;
            r.windowEndMillis = night + 24 * HOUR;
            h.processBroadcastElement(GateControl.of(r), night);
            OutboxUser u = user(1, "Europe/Lisbon");
            u.lastActiveAtMillis = night - HOUR;
            h.processElement(push(7, 1, "A", u), night);
            Verdict v = only(h);
            assertThat(v.kind).isEqualTo("DEFER");
            assertThat(Instant.ofEpochMilli(v.notBeforeMillis)).isEqualTo(Instant.parse("2026-03-29T01:30:00Z"));
        }
    }

    @Test
    void pushes_wait_for_rules_that_arrive_after_them_and_for_a_paused_campaign_to_resume() throws Exception {
        try (var h = open()) {
            h.processElement(push(7, 1, "A", user(1, "UTC")), T0);
            assertThat(verdicts(h)).isEmpty();
            h.processBroadcastElement(GateControl.of(rules(7, 1, CampaignRules.Status.RUNNING)), T0);
            assertThat(only(h).kind).isEqualTo("SEND");

            h.processBroadcastElement(GateControl.of(rules(7, 2, CampaignRules.Status.PAUSED)), T0);
            h.processElement(push(7, 1, "A", user(2, "UTC")), T0);
            h.processElement(push(7, 1, "A", user(3, "UTC")), T0);
            assertThat(verdicts(h)).isEmpty();
            h.processBroadcastElement(GateControl.of(rules(7, 1, CampaignRules.Status.RUNNING)), T0); // older: changes nothing
            assertThat(verdicts(h)).isEmpty();
            h.processBroadcastElement(GateControl.of(rules(7, 3, CampaignRules.Status.RUNNING)), T0);
            assertThat(verdicts(h)).extracting(v -> v.userId + ":" + v.kind).containsExactlyInAnyOrder("2:SEND", "3:SEND");
            h.processBroadcastElement(GateControl.of(rules(7, 3, CampaignRules.Status.RUNNING)), T0);
            assertThat(verdicts(h)).isEmpty(); // nothing was left waiting

            h.processBroadcastElement(GateControl.of(rules(7, 4, CampaignRules.Status.PAUSED)), T0);
            h.processElement(push(7, 1, "A", user(4, "UTC")), T0);
            h.processBroadcastElement(GateControl.of(rules(7, 5, CampaignRules.Status.STOPPED)), T0);
            Verdict stopped = only(h);
            assertThat(stopped.userId).isEqualTo(4);
            assertThat(stopped.reason).isEqualTo(Reason.CAMPAIGN_STOPPED);
        }
    }

    @Test
    void rules_reach_the_assembler_before_any_verdict_made_under_them() throws Exception {
        try (var h = open()) {
            h.processElement(push(7, 1, "A", user(1, "UTC")), T0);
            h.processBroadcastElement(GateControl.of(rules(7, 1, CampaignRules.Status.RUNNING)), T0);
            List<GateOutput> out = new ArrayList<>();
            for (Object o : h.getOutput()) {
                out.add((GateOutput) ((StreamRecord<?>) o).getValue());
            }
            assertThat(out).hasSize(2);
            assertThat(out.get(0).campaign).isNotNull();
            assertThat(out.get(1).verdict).isNotNull();
        }
    }

    @Test
    void a_restore_remembers_who_got_which_campaign_and_who_is_suppressed() throws Exception {
        OperatorSubtaskState snapshot;
        try (var h = open()) {
            h.processBroadcastElement(GateControl.of(rules(7, 1, CampaignRules.Status.RUNNING)), T0);
            h.processBroadcastElement(suppression(2, 5, Map.of("subscribed", false)), T0);
            h.processElement(push(7, 1, "A", user(1, "UTC")), T0);
            assertThat(only(h).kind).isEqualTo("SEND");
            snapshot = h.snapshot(1, T0);
        }
        try (var h = harness()) {
            h.initializeState(snapshot);
            h.open();
            h.setProcessingTime(T0 + HOUR / 2);
            h.processElement(push(7, 1, "A", user(1, "UTC")), T0); // a replay after the restore
            h.processElement(push(7, 1, "A", user(2, "UTC")), T0);
            assertThat(verdicts(h)).extracting(v -> v.userId + ":" + v.reason).containsExactly("1:" + Reason.DUPLICATE, "2:" + Reason.UNSUBSCRIBED);
        }
    }

    @Test
    void a_campaign_is_forgotten_for_a_user_a_day_after_its_window() throws Exception {
        try (var h = open()) {
            h.processBroadcastElement(GateControl.of(rules(7, 1, CampaignRules.Status.RUNNING)), T0);
            h.processElement(push(7, 1, "A", user(1, "UTC")), T0);
            h.setProcessingTime(T0 + HOUR + Duration.ofDays(1).toMillis() - 1);
            h.processElement(push(7, 1, "A", user(1, "UTC")), T0);
            assertThat(verdicts(h)).extracting(v -> v.kind + ":" + v.reason).containsExactly("SEND:null", "SKIP:" + Reason.DUPLICATE);
        }
    }
}
