package io.pushflow.flink.delivery;

import static io.pushflow.flink.delivery.DeliveryGateTest.HOUR;
import static io.pushflow.flink.delivery.DeliveryGateTest.T0;
import static io.pushflow.flink.delivery.DeliveryGateTest.rules;
import static io.pushflow.flink.delivery.DeliveryGateTest.user;
import static io.pushflow.flink.delivery.DeliveryGateTest.with;
import static org.assertj.core.api.Assertions.assertThat;

import io.pushflow.core.delivery.Reason;
import io.pushflow.core.user.DeviceTokenKind;
import io.pushflow.core.user.Sport;
import io.pushflow.core.user.User;
import io.pushflow.core.user.UserChange;
import io.pushflow.flink.contracts.OutboxBatch;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.roaringbitmap.RoaringBitmap;

/** The gate's decision as a plain function: a batch, the rules and the chunk's state in, verdicts out. */
class GateDecisionTest {

    static final CampaignRules RUNNING = rules(7, 1, CampaignRules.Status.RUNNING);

    static OutboxBatch batch(String variant, User... users) {
        return OutboxBatch.of(OutboxBatch.batchId(7, 1, variant, 0), 7, 1, variant, 1, List.of(users));
    }

    static ChunkState nothingStored(CampaignRules rules) {
        return new ChunkState(null, new ChunkChanges(null), new FrequencyCap(rules, List.of()));
    }

    /** "user:SEND", "user:DEFER", "user:FAIL" or "user:reason" per user of the batch. */
    static List<String> verdicts(OutboxBatch b, GateVerdicts v) {
        List<String> out = new ArrayList<>();
        List<Long> deferred = v.deferred().stream()
                .flatMap(d -> Arrays.stream(d.userIds).boxed())
                .toList();
        for (int i = 0; i < b.size(); i++) {
            long id = b.userIds[i];
            byte kind = v.kind(i);
            String verdict = kind == Outcomes.KIND_SENT
                    ? (deferred.contains(id) ? "DEFER" : "SEND")
                    : kind == Outcomes.KIND_FAILED
                            ? "FAIL"
                            : Reason.ALL.get(kind - Outcomes.skipped(Reason.ALL.get(0)));
            out.add(id + ":" + verdict);
        }
        return out;
    }

    @Test
    void the_most_telling_reason_wins_and_only_recipients_are_remembered_as_sent() {
        SuppressionState suppression = new SuppressionState(null, null);
        suppression.apply(UserDelta.of(new UserChange(1, 3, 5, Map.of("token_valid", false))));
        OutboxBatch b = batch(
                "A",
                user(1, "UTC"),
                with(
                        with(user(2, "UTC"), "subscribed", false),
                        "sports",
                        List.of("sailing")), // unsubscribed before left_cohort
                user(3, "UTC"),
                new User(
                        4,
                        "windy-ios",
                        "ios",
                        "",
                        "",
                        DeviceTokenKind.NONE,
                        true,
                        true,
                        false,
                        "PT",
                        "pt",
                        "UTC",
                        "57.0.0",
                        List.of(Sport.KITESURFING.code()),
                        Instant.ofEpochMilli(T0 - HOUR),
                        Instant.ofEpochMilli(T0 - 1000 * HOUR),
                        1),
                with(user(5, "UTC"), "sports", List.of("sailing")),
                user(1, "UTC")); // twice in one batch
        GateVerdicts v = new GateDecision(suppression).decide(b, RUNNING, T0, nothingStored(RUNNING));
        assertThat(verdicts(b, v))
                .containsExactly(
                        "1:SEND",
                        "2:" + Reason.UNSUBSCRIBED,
                        "3:" + Reason.INVALID_TOKEN,
                        "4:" + Reason.NO_PUSH_TOKEN,
                        "5:" + Reason.LEFT_COHORT,
                        "1:" + Reason.DUPLICATE);
        assertThat(v.sentAt()).containsOnlyKeys(T0);
        assertThat(v.sentAt().get(T0).toArray()).containsExactly(1);
        // every user of the batch is decided for the campaign, sent or skipped
        assertThat(ChunkBitmaps.read(v.decided().users).toArray()).containsExactly(1, 2, 3, 4, 5);
        assertThat(v.decided().forgetAtMillis).isEqualTo(T0 + HOUR + CampaignRules.REMEMBER_AFTER_WINDOW_MILLIS);
        assertThat(v.outcomes()).hasSize(1);
        List<SendRequest> requests = new ArrayList<>();
        v.requests(requests::add);
        assertThat(requests)
                .extracting(r -> r.requestId + "=" + Arrays.toString(r.userIds))
                .containsExactly("7-1-A-0:A:pt=[1]");
    }

    @Test
    void users_decided_before_are_duplicates_and_nothing_new_is_nothing_to_store() {
        DecidedUsers before = new DecidedUsers();
        before.users = ChunkBitmaps.bytes(RoaringBitmap.bitmapOf(1, 2));
        before.forgetAtMillis = T0 + 1;
        OutboxBatch b = batch("A", user(1, "UTC"), user(2, "UTC"));
        GateVerdicts v = new GateDecision(new SuppressionState(null, null))
                .decide(
                        b,
                        RUNNING,
                        T0,
                        new ChunkState(before, new ChunkChanges(null), new FrequencyCap(RUNNING, List.of())));
        assertThat(verdicts(b, v)).containsExactly("1:" + Reason.DUPLICATE, "2:" + Reason.DUPLICATE);
        assertThat(v.decided()).isNull();
        // the memory has ended: the same users are decided afresh
        GateVerdicts later = new GateDecision(new SuppressionState(null, null))
                .decide(
                        b,
                        RUNNING,
                        T0 + 1,
                        new ChunkState(before, new ChunkChanges(null), new FrequencyCap(RUNNING, List.of())));
        assertThat(verdicts(b, later)).containsExactly("1:SEND", "2:SEND");
    }

    @Test
    void a_stopped_campaign_skips_everyone_and_a_variant_it_lacks_fails_its_recipients() {
        OutboxBatch b = batch("Z", user(1, "UTC"), with(user(2, "UTC"), "subscribed", false));
        GateDecision decision = new GateDecision(new SuppressionState(null, null));
        GateVerdicts lacking = decision.decide(b, RUNNING, T0, nothingStored(RUNNING));
        assertThat(verdicts(b, lacking)).containsExactly("1:FAIL", "2:" + Reason.UNSUBSCRIBED);
        assertThat(lacking.outcomes())
                .extracting(o -> o.error)
                .containsExactly("", "variant Z is not part of the campaign as of version 1");
        assertThat(lacking.sentAt()).isEmpty();

        CampaignRules stopped = CampaignRules.stopped(7, RUNNING);
        GateVerdicts skipped = decision.decide(b, stopped, T0, nothingStored(stopped));
        assertThat(verdicts(b, skipped))
                .containsExactly("1:" + Reason.CAMPAIGN_STOPPED, "2:" + Reason.CAMPAIGN_STOPPED);
    }

    @Test
    void quiet_hours_defer_per_zone_and_the_cap_counts_a_deferred_push_at_its_moment() {
        CampaignRules quiet = rules(7, 1, CampaignRules.Status.RUNNING);
        quiet.quietStartMinute = 22 * 60;
        quiet.quietEndMinute = 8 * 60;
        quiet.windowEndMillis = T0 + 24 * HOUR;
        quiet.capCount = 1;
        quiet.capPeriodMillis = 2 * HOUR;
        // user 2 got a push of another campaign at 12:30 UTC: 13:00 (New York's quiet end) is inside its 2 hours
        SendHour sent = new SendHour();
        sent.add(T0 + HOUR / 2, 8, RoaringBitmap.bitmapOf(2));
        FrequencyCap cap = new FrequencyCap(quiet, List.of(sent));
        // 01:00 in Auckland and 07:00 in New York: quiet until 08:00 there; a zone no one knows is read as UTC (noon)
        OutboxBatch b = batch(
                "A",
                user(1, "Pacific/Auckland"),
                user(2, "America/New_York"),
                user(3, "America/New_York"),
                user(4, "Mars/Olympus"));
        GateVerdicts v = new GateDecision(new SuppressionState(null, null))
                .decide(b, quiet, T0, new ChunkState(null, new ChunkChanges(null), cap));
        assertThat(verdicts(b, v)).containsExactly("1:DEFER", "2:" + Reason.FREQUENCY_CAP, "3:DEFER", "4:SEND");
        assertThat(v.deferred())
                .extracting(d -> Arrays.toString(d.userIds) + "@" + Instant.ofEpochMilli(d.notBeforeMillis))
                .containsExactly("[3]@2026-11-24T13:00:00Z", "[1]@2026-11-24T19:00:00Z");
        assertThat(v.sentAt())
                .containsOnlyKeys(
                        T0,
                        Instant.parse("2026-11-24T13:00:00Z").toEpochMilli(),
                        Instant.parse("2026-11-24T19:00:00Z").toEpochMilli());
    }

    @Test
    void a_change_newer_than_the_batch_read_decides_and_an_expired_one_leaves_the_record() {
        byte[] record = ChunkChanges.withUser(ChunkChanges.withUser(null, 1), 2);
        ChunkChanges changes = new ChunkChanges(record);
        OutboxBatch b = batch("A", user(1, "UTC"), user(2, "UTC"), user(3, "UTC"));
        assertThat(changes.usersIn(b)).containsExactly(1, 2);
        changes.read(UserDelta.of(new UserChange(1, 1, 5, Map.of("subscribed", false)))); // user 2's change expired
        GateVerdicts v = new GateDecision(new SuppressionState(null, null))
                .decide(b, RUNNING, T0, new ChunkState(null, changes, new FrequencyCap(RUNNING, List.of())));
        assertThat(verdicts(b, v)).containsExactly("1:" + Reason.UNSUBSCRIBED, "2:SEND", "3:SEND");
        assertThat(changes.pruned()).isTrue();
        assertThat(ChunkBitmaps.read(changes.record()).toArray()).containsExactly(1);
    }
}
