package io.pushflow.flink.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pushflow.core.delivery.Reason;
import io.pushflow.core.json.Json;
import io.pushflow.core.user.DeviceTokenKind;
import io.pushflow.core.user.Sport;
import io.pushflow.core.user.User;
import io.pushflow.core.user.UserChange;
import io.pushflow.core.user.UserFields;
import io.pushflow.flink.contracts.OutboxBatch;
import io.pushflow.provider.PushMessage;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.contrib.streaming.state.EmbeddedRocksDBStateBackend;
import org.apache.flink.contrib.streaming.state.RocksDBKeyedStateBackend;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.StateBackend;
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithKeyedOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.junit.jupiter.api.Test;

class DeliveryGateTest {

    static final long T0 = Instant.parse("2026-11-24T12:00:00Z").toEpochMilli();
    static final long HOUR = Duration.ofHours(1).toMillis();
    static final Map<String, Object> KITERS =
            Map.of("all", List.of(Map.of("field", "sports", "op", "has_any", "values", List.of("kitesurfing"))));

    static KeyedBroadcastOperatorTestHarness<Long, GateInput, GateControl, SendRequest> harness() throws Exception {
        return harness(null);
    }

    static KeyedBroadcastOperatorTestHarness<Long, GateInput, GateControl, SendRequest> harness(StateBackend backend)
            throws Exception {
        var h = new KeyedBroadcastOperatorTestHarness<>(
                new CoBroadcastWithKeyedOperator<>(
                        new DeliveryGate(), List.of(DeliveryGate.CAMPAIGNS, DeliveryGate.SUPPRESSION)),
                GateInput::chunk,
                Types.LONG,
                128,
                1,
                0);
        if (backend != null) {
            h.setStateBackend(backend);
        }
        h.setup();
        return h;
    }

    static KeyedBroadcastOperatorTestHarness<Long, GateInput, GateControl, SendRequest> open() throws Exception {
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
        a.languages = new String[] {"en", "pt"};
        a.titles = new String[] {"Wind", "Vento"};
        a.bodies = new String[] {"25 knots", "25 nós"};
        r.variants = new CampaignRules.VariantTexts[] {a};
        return r;
    }

    static User user(long id, String timezone) {
        return new User(
                id,
                "windy-ios",
                "ios",
                "sub-" + id,
                "",
                DeviceTokenKind.NONE,
                true,
                true,
                false,
                "PT",
                "pt",
                timezone,
                "57.0.0",
                List.of(Sport.KITESURFING.code()),
                Instant.ofEpochMilli(T0 - HOUR),
                Instant.ofEpochMilli(T0 - 1000 * HOUR),
                1);
    }

    static User device(User u, String token, String kind) {
        return UserFields.apply(u, Map.of("device_token", token, "device_token_kind", kind));
    }

    static User with(User u, String field, Object value) {
        return UserFields.apply(u, Map.of(field, value));
    }

    /** A batch of campaign {@code campaign} (version 1) in wave {@code wave}. */
    static GateInput batch(long campaign, long wave, String variant, User... users) {
        return GateInput.of(OutboxBatch.of(
                OutboxBatch.batchId(campaign, wave, variant, 0), campaign, 1, variant, wave, List.of(users)));
    }

    static GateInput push(long campaign, String variant, User user) {
        return batch(campaign, 1, variant, user);
    }

    static GateInput change(long userId, long version, Map<String, Object> set) {
        return GateInput.of(UserDelta.of(new UserChange(1, userId, version, set)));
    }

    static GateControl suppression(long userId, long version, Map<String, Object> set) {
        return GateControl.of(UserDelta.of(new UserChange(1, userId, version, set)));
    }

    static List<SendRequest> requests(KeyedBroadcastOperatorTestHarness<Long, GateInput, GateControl, SendRequest> h) {
        List<SendRequest> out = new ArrayList<>();
        for (Object o : h.getOutput()) {
            if (o instanceof StreamRecord<?> r) {
                out.add((SendRequest) r.getValue());
            }
        }
        h.getOutput().clear();
        return out;
    }

    static List<Outcomes> outcomes(KeyedBroadcastOperatorTestHarness<Long, GateInput, GateControl, SendRequest> h) {
        List<Outcomes> out = new ArrayList<>();
        var queue = h.getSideOutput(DeliveryGate.OUTCOMES);
        if (queue != null) {
            queue.forEach(r -> out.add(r.getValue()));
            queue.clear();
        }
        return out;
    }

    static List<Later> later(KeyedBroadcastOperatorTestHarness<Long, GateInput, GateControl, SendRequest> h) {
        List<Later> out = new ArrayList<>();
        var queue = h.getSideOutput(DeliveryGate.LATER);
        if (queue != null) {
            queue.forEach(r -> out.add(r.getValue()));
            queue.clear();
        }
        return out;
    }

    /** "user:outcome:reason" per row of the blocks. */
    static List<String> rows(Outcomes... blocks) {
        List<String> out = new ArrayList<>();
        for (Outcomes o : blocks) {
            for (int i = 0; i < o.size(); i++) {
                out.add(o.userIds[i] + ":" + o.outcome(i) + ":" + o.reason(i));
            }
        }
        return out;
    }

    /** Every user decided since the last call: "user:SEND" for recipients of requests, "user:SKIP:reason" for skips. */
    static List<String> verdicts(KeyedBroadcastOperatorTestHarness<Long, GateInput, GateControl, SendRequest> h) {
        List<String> out = new ArrayList<>();
        for (SendRequest r : requests(h)) {
            for (long id : r.userIds) {
                out.add(id + ":SEND");
            }
        }
        for (String row : rows(outcomes(h).toArray(Outcomes[]::new))) {
            String[] parts = row.split(":");
            out.add(parts[0] + (parts[1].equals("skipped") ? ":SKIP:" + parts[2] : ":" + parts[1].toUpperCase()));
        }
        for (Later l : later(h)) {
            if (l.sends != null) {
                for (long id : l.sends.userIds) {
                    out.add(id + ":DEFER");
                }
            }
        }
        return out;
    }

    @Test
    void a_batch_goes_out_as_one_request_per_text_language_with_the_users_newest_token() throws Exception {
        try (var h = open()) {
            h.processBroadcastElement(GateControl.of(rules(7, 1, CampaignRules.Status.RUNNING)), T0);
            h.processElement(change(1, 5, Map.of("push_token", "sub-1-new")), T0);
            h.processElement(
                    batch(
                            7,
                            1,
                            "A",
                            user(1, "Europe/Lisbon"),
                            with(user(2, "Europe/Berlin"), "locale", "de"),
                            user(4, "Europe/Lisbon")),
                    T0);
            List<SendRequest> sent = requests(h);
            assertThat(sent)
                    .extracting(r -> r.language + ":" + Arrays.toString(r.userIds))
                    .containsExactlyInAnyOrder("pt:[1, 4]", "en:[2]");
            SendRequest pt = sent.stream()
                    .filter(r -> r.language.equals("pt"))
                    .findFirst()
                    .orElseThrow();
            PushMessage message = pt.message();
            assertThat(message.subscriptionIds()).containsExactly("sub-1-new", "sub-4");
            assertThat(message.contents()).containsEntry("en", "25 nós").containsEntry("pt", "25 nós");
            assertThat(message.headings()).containsEntry("pt", "Vento");
            assertThat(message.data()).containsEntry("pushflow_campaign", 7L).containsEntry("pushflow_variant", "A");
            assertThat(message.idempotencyKey()).isEqualTo(PushMessage.idempotencyKey("7-1-A-0:A:pt", "pt"));
            assertThat(outcomes(h)).isEmpty();
        }
    }

    @Test
    void a_direct_campaign_sends_each_user_to_the_service_of_their_device_token_and_skips_those_without_one()
            throws Exception {
        String apns1 = "ab".repeat(32);
        String apns4 = "cd".repeat(32);
        String fcm2 = "fcm-token-2:" + "x".repeat(40);
        String fcm5New = "fcm-token-5:" + "y".repeat(40);
        try (var h = open()) {
            CampaignRules direct = rules(7, 1, CampaignRules.Status.RUNNING);
            direct.provider = "DIRECT";
            h.processBroadcastElement(GateControl.of(direct), T0);
            // user 5 had no token when the batch was read; the app registered one since
            h.processElement(change(5, 5, Map.of("device_token", fcm5New, "device_token_kind", "fcm")), T0);
            // user 6's token died since (a dead token is forgotten): no direct send
            h.processElement(change(6, 5, Map.of("device_token_kind", "none")), T0);
            h.processBroadcastElement(suppression(4, 5, Map.of("token_valid", false)), T0);
            h.processElement(
                    batch(
                            7,
                            1,
                            "A",
                            device(user(1, "Europe/Lisbon"), apns1, "apns"),
                            with(device(user(2, "Europe/Lisbon"), fcm2, "fcm"), "locale", "en"),
                            user(3, "Europe/Lisbon"),
                            device(user(4, "Europe/Lisbon"), apns4, "apns"),
                            user(5, "Europe/Lisbon"),
                            device(user(6, "Europe/Lisbon"), "ef".repeat(32), "apns")),
                    T0);
            List<SendRequest> sent = requests(h);
            assertThat(sent)
                    .extracting(r -> r.channel + ":" + r.language + ":" + Arrays.toString(r.userIds) + ":"
                            + Arrays.toString(r.pushTokens))
                    .containsExactlyInAnyOrder(
                            "apns:pt:[1, 4]:[" + apns1 + ", " + apns4 + "]",
                            "fcm:en:[2]:[" + fcm2 + "]",
                            "fcm:pt:[5]:[" + fcm5New + "]");
            assertThat(sent)
                    .extracting(r -> r.requestId)
                    .containsExactlyInAnyOrder("7-1-A-0:A:pt:apns", "7-1-A-0:A:en:fcm", "7-1-A-0:A:pt:fcm");
            assertThat(sent).allSatisfy(r -> assertThat(r.windowEndMillis).isEqualTo(T0 + HOUR));
            SendRequest apns = sent.stream()
                    .filter(r -> "apns".equals(r.channel))
                    .findFirst()
                    .orElseThrow();
            var push = apns.devicePush(T0);
            assertThat(push.bodyFor("pt")).isEqualTo("25 nós");
            assertThat(push.data()).containsEntry("pushflow_campaign", 7L).containsEntry("pushflow_variant", "A");
            assertThat(push.timeToLive()).isEqualTo(Duration.ofHours(1));
            assertThat(apns.devices())
                    .extracting(d -> d.token() + "/" + d.language())
                    .containsExactly(apns1 + "/pt", apns4 + "/pt");
            // OneSignal's verdict on the subscription id (user 4) does not stop a direct send
            assertThat(rows(outcomes(h).toArray(Outcomes[]::new)))
                    .containsExactlyInAnyOrder(
                            "3:skipped:" + Reason.NO_DEVICE_TOKEN, "6:skipped:" + Reason.NO_DEVICE_TOKEN);
        }
    }

    @Test
    void a_direct_campaign_s_deferred_users_keep_their_service_through_the_quiet_hours_queue() throws Exception {
        String apns1 = "ab".repeat(32);
        String fcm2 = "fcm-token-2:" + "x".repeat(40);
        try (var h = open()) {
            CampaignRules quiet = rules(7, 1, CampaignRules.Status.RUNNING);
            quiet.provider = "DIRECT";
            quiet.quietStartMinute = 11 * 60; // 12:00 UTC is 12:00 in Lisbon: quiet until 12:30
            quiet.quietEndMinute = 12 * 60 + 30;
            h.processBroadcastElement(GateControl.of(quiet), T0);
            h.processElement(
                    batch(
                            7,
                            1,
                            "A",
                            device(user(1, "Europe/Lisbon"), apns1, "apns"),
                            device(user(2, "Europe/Lisbon"), fcm2, "fcm")),
                    T0);
            assertThat(requests(h)).isEmpty();
            List<Later> deferred =
                    later(h).stream().filter(l -> l.sends != null).toList();
            assertThat(deferred).hasSize(1);
            assertThat(deferred.get(0).sends.services).containsExactly("apns", "fcm");
            try (var queue = QuietHoursQueueTest.harness()) {
                queue.open();
                queue.setProcessingTime(T0);
                queue.processElement(Later.of(quiet), T0);
                queue.processElement(deferred.get(0), T0);
                queue.setProcessingTime(deferred.get(0).sends.notBeforeMillis);
                List<SendRequest> out = new ArrayList<>();
                queue.getOutput().forEach(o -> out.add((SendRequest) ((StreamRecord<?>) o).getValue()));
                assertThat(out)
                        .extracting(r -> r.channel + ":" + Arrays.toString(r.pushTokens))
                        .containsExactlyInAnyOrder("apns:[" + apns1 + "]", "fcm:[" + fcm2 + "]");
            }
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
            h.processBroadcastElement(suppression(3, 5, Map.of("subscribed", false)), T0);
            h.processBroadcastElement(suppression(5, 5, Map.of("token_valid", false)), T0);
            h.processElement(change(6, 5, Map.of("sports", List.of("sailing"))), T0); // no longer a kiter

            h.processElement(push(8, "A", user(8, "Europe/Lisbon")), T0); // campaign 8 counts against 7's cap
            assertThat(verdicts(h)).containsExactly("8:SEND");
            h.processElement(
                    batch(
                            7,
                            1,
                            "A",
                            with(user(2, "Europe/Lisbon"), "subscribed", false),
                            user(3, "Europe/Lisbon"),
                            with(user(4, "Europe/Lisbon"), "token_valid", false),
                            user(5, "Europe/Lisbon"),
                            user(6, "Europe/Lisbon"),
                            user(7, "Pacific/Auckland"),
                            user(8, "Europe/Lisbon")),
                    T0); // 01:00 in Auckland: quiet past the window
            h.processElement(push(9, "A", user(9, "Europe/Lisbon")), T0);
            h.processElement(push(7, OutboxBatch.HOLDOUT, user(10, "Europe/Lisbon")), T0);
            h.processElement(batch(8, 2, "A", user(8, "Europe/Lisbon")), T0); // released twice, in another batch
            User directOnly = new User(
                    11,
                    "windy-ios",
                    "ios",
                    "",
                    "ab".repeat(32),
                    DeviceTokenKind.APNS,
                    true,
                    true,
                    false,
                    "PT",
                    "pt",
                    "Europe/Lisbon",
                    "57.0.0",
                    List.of(Sport.KITESURFING.code()),
                    Instant.ofEpochMilli(T0 - HOUR),
                    Instant.ofEpochMilli(T0 - 1000 * HOUR),
                    1);
            h.processElement(batch(8, 3, "A", directOnly), T0); // no OneSignal subscription id: reached only directly

            assertThat(verdicts(h))
                    .containsExactly(
                            "2:SKIP:" + Reason.UNSUBSCRIBED,
                            "3:SKIP:" + Reason.UNSUBSCRIBED,
                            "4:SKIP:" + Reason.INVALID_TOKEN,
                            "5:SKIP:" + Reason.INVALID_TOKEN,
                            "6:SKIP:" + Reason.LEFT_COHORT,
                            "7:SKIP:" + Reason.QUIET_HOURS,
                            "8:SKIP:" + Reason.FREQUENCY_CAP,
                            "9:SKIP:" + Reason.CAMPAIGN_STOPPED,
                            "10:SKIP:" + Reason.HOLDOUT,
                            "8:SKIP:" + Reason.DUPLICATE,
                            "11:SKIP:" + Reason.NO_PUSH_TOKEN);
        }
    }

    @Test
    void a_batch_published_twice_is_decided_once() throws Exception {
        try (var h = open()) {
            h.processBroadcastElement(GateControl.of(rules(7, 1, CampaignRules.Status.RUNNING)), T0);
            h.processElement(batch(7, 1, "A", user(1, "UTC"), user(2, "UTC")), T0);
            h.processElement(batch(7, 1, "A", user(1, "UTC"), user(2, "UTC")), T0);
            assertThat(verdicts(h)).containsExactly("1:SEND", "2:SEND");
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
            h.processElement(push(1, "A", user(1, "UTC")), T0);
            h.setProcessingTime(T0 + 2 * HOUR);
            h.processElement(push(2, "A", user(1, "UTC")), T0);
            h.setProcessingTime(T0 + 3 * HOUR);
            h.processElement(push(3, "A", user(1, "UTC")), T0); // two in the last 6 hours already
            assertThat(verdicts(h)).containsExactly("1:SEND", "1:SEND", "1:SKIP:" + Reason.FREQUENCY_CAP);

            CampaignRules later = rules(4, 1, CampaignRules.Status.RUNNING);
            later.capCount = 2;
            later.capPeriodMillis = 6 * HOUR;
            later.windowEndMillis = T0 + 24 * HOUR;
            h.processBroadcastElement(GateControl.of(later), T0);
            h.setProcessingTime(T0 + 6 * HOUR + 1); // the first push has left the period
            h.processElement(push(4, "A", user(1, "UTC")), T0);
            assertThat(verdicts(h)).containsExactly("1:SEND");
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
            later(h);
            // 01:00 NZDT (UTC+13); 07:00 EST, 1 hour to go; noon in Lisbon, not quiet
            h.processElement(
                    batch(
                            7,
                            1,
                            "A",
                            user(1, "Pacific/Auckland"),
                            user(2, "America/New_York"),
                            user(3, "Europe/Lisbon")),
                    T0);
            assertThat(requests(h)).extracting(q -> Arrays.toString(q.userIds)).containsExactly("[3]");
            assertThat(later(h))
                    .extracting(
                            l -> Arrays.toString(l.sends.userIds) + "@" + Instant.ofEpochMilli(l.sends.notBeforeMillis))
                    .containsExactly("[2]@2026-11-24T13:00:00Z", "[1]@2026-11-24T19:00:00Z");
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
            later(h);
            User u = new User(
                    1,
                    "windy-ios",
                    "ios",
                    "sub-1",
                    "",
                    DeviceTokenKind.NONE,
                    true,
                    true,
                    false,
                    "PT",
                    "pt",
                    "Europe/Lisbon",
                    "57.0.0",
                    List.of(Sport.KITESURFING.code()),
                    Instant.ofEpochMilli(night - HOUR),
                    Instant.ofEpochMilli(T0 - 1000 * HOUR),
                    1);
            h.processElement(push(7, "A", u), night);
            List<Later> deferred =
                    later(h).stream().filter(l -> l.sends != null).toList();
            assertThat(deferred).hasSize(1);
            assertThat(Instant.ofEpochMilli(deferred.get(0).sends.notBeforeMillis))
                    .isEqualTo(Instant.parse("2026-03-29T01:30:00Z"));
        }
    }

    @Test
    void batches_wait_for_rules_that_arrive_after_them_and_for_a_paused_campaign_to_resume() throws Exception {
        try (var h = open()) {
            h.processElement(push(7, "A", user(1, "UTC")), T0);
            assertThat(verdicts(h)).isEmpty();
            h.processBroadcastElement(GateControl.of(rules(7, 1, CampaignRules.Status.RUNNING)), T0);
            assertThat(verdicts(h)).containsExactly("1:SEND");

            h.processBroadcastElement(GateControl.of(rules(7, 2, CampaignRules.Status.PAUSED)), T0);
            h.processElement(batch(7, 2, "A", user(2, "UTC")), T0);
            h.processElement(batch(7, 3, "A", user(3, "UTC")), T0);
            assertThat(verdicts(h)).isEmpty();
            h.processBroadcastElement(
                    GateControl.of(rules(7, 1, CampaignRules.Status.RUNNING)), T0); // older: changes nothing
            assertThat(verdicts(h)).isEmpty();
            h.processBroadcastElement(GateControl.of(rules(7, 3, CampaignRules.Status.RUNNING)), T0);
            assertThat(verdicts(h)).containsExactlyInAnyOrder("2:SEND", "3:SEND");
            h.processBroadcastElement(GateControl.of(rules(7, 3, CampaignRules.Status.RUNNING)), T0);
            assertThat(verdicts(h)).isEmpty(); // nothing was left waiting

            h.processBroadcastElement(GateControl.of(rules(7, 4, CampaignRules.Status.PAUSED)), T0);
            h.processElement(batch(7, 4, "A", user(4, "UTC")), T0);
            h.processBroadcastElement(GateControl.of(rules(7, 5, CampaignRules.Status.STOPPED)), T0);
            assertThat(verdicts(h)).containsExactly("4:SKIP:" + Reason.CAMPAIGN_STOPPED);
            h.processBroadcastElement(GateControl.of(rules(7, 6, CampaignRules.Status.STOPPED)), T0);
            assertThat(verdicts(h)).isEmpty();
        }
    }

    @Test
    void rules_reach_the_quiet_hours_queue_before_any_recipient_deferred_under_them() throws Exception {
        try (var h = open()) {
            CampaignRules r = rules(7, 1, CampaignRules.Status.RUNNING);
            r.quietStartMinute = 11 * 60;
            r.quietEndMinute = 13 * 60;
            r.windowEndMillis = T0 + 24 * HOUR;
            h.processElement(push(7, "A", user(1, "UTC")), T0);
            h.processBroadcastElement(GateControl.of(r), T0);
            List<Later> out = later(h);
            assertThat(out).hasSize(2);
            assertThat(out.get(0).campaign).isNotNull();
            assertThat(out.get(1).sends.userIds).containsExactly(1L);
        }
    }

    @Test
    void a_variant_the_campaign_does_not_have_fails_its_users_with_a_reason() throws Exception {
        try (var h = open()) {
            h.processBroadcastElement(GateControl.of(rules(7, 1, CampaignRules.Status.RUNNING)), T0);
            h.processElement(batch(7, 1, "Z", user(1, "UTC"), with(user(2, "UTC"), "subscribed", false)), T0);
            assertThat(requests(h)).isEmpty();
            List<Outcomes> out = outcomes(h);
            assertThat(rows(out.toArray(Outcomes[]::new)))
                    .containsExactly("2:skipped:" + Reason.UNSUBSCRIBED, "1:failed:");
            assertThat(out.get(1).error).isEqualTo("variant Z is not part of the campaign as of version 1");
        }
    }

    @Test
    void a_restore_remembers_who_got_which_campaign_and_who_is_suppressed() throws Exception {
        OperatorSubtaskState snapshot;
        try (var h = open()) {
            h.processBroadcastElement(GateControl.of(rules(7, 1, CampaignRules.Status.RUNNING)), T0);
            h.processBroadcastElement(suppression(2, 5, Map.of("subscribed", false)), T0);
            h.processElement(push(7, "A", user(1, "UTC")), T0);
            assertThat(verdicts(h)).containsExactly("1:SEND");
            snapshot = h.snapshot(1, T0);
        }
        try (var h = harness()) {
            h.initializeState(snapshot);
            h.open();
            h.setProcessingTime(T0 + HOUR / 2);
            h.processElement(batch(7, 1, "A", user(1, "UTC")), T0); // the same batch again: seen
            h.processElement(batch(7, 2, "A", user(1, "UTC"), user(2, "UTC")), T0); // user 1 in another batch
            assertThat(verdicts(h)).containsExactly("1:SKIP:" + Reason.DUPLICATE, "2:SKIP:" + Reason.UNSUBSCRIBED);
        }
    }

    /** A paused (or guardrail-halted) campaign's waiting batches stay waiting across a restart, until it runs again. */
    @Test
    void a_paused_campaign_s_waiting_batches_wait_across_a_restore() throws Exception {
        OperatorSubtaskState snapshot;
        try (var h = open()) {
            h.processBroadcastElement(GateControl.of(rules(7, 1, CampaignRules.Status.PAUSED)), T0);
            h.processElement(batch(7, 1, "A", user(1, "UTC")), T0);
            assertThat(verdicts(h)).isEmpty();
            snapshot = h.snapshot(1, T0);
        }
        try (var h = harness()) {
            h.initializeState(snapshot);
            h.open();
            h.setProcessingTime(T0 + HOUR / 2);
            h.processElement(batch(7, 2, "A", user(2, "UTC")), T0 + HOUR / 2);
            assertThat(verdicts(h)).isEmpty();
            h.processBroadcastElement(GateControl.of(rules(7, 2, CampaignRules.Status.RUNNING)), T0 + HOUR / 2);
            assertThat(verdicts(h)).containsExactlyInAnyOrder("1:SEND", "2:SEND");
        }
    }

    @Test
    void a_campaign_is_forgotten_for_its_users_a_day_after_its_window() throws Exception {
        try (var h = open()) {
            h.processBroadcastElement(GateControl.of(rules(7, 1, CampaignRules.Status.RUNNING)), T0);
            h.processElement(batch(7, 1, "A", user(1, "UTC")), T0);
            assertThat(verdicts(h)).containsExactly("1:SEND");
            h.setProcessingTime(T0 + HOUR + Duration.ofDays(1).toMillis() - 1);
            h.processElement(batch(7, 2, "A", user(1, "UTC")), T0);
            assertThat(verdicts(h)).containsExactly("1:SKIP:" + Reason.DUPLICATE);
            h.setProcessingTime(T0 + HOUR + Duration.ofDays(1).toMillis());
            h.processElement(batch(7, 3, "A", user(1, "UTC")), T0);
            assertThat(verdicts(h)).containsExactly("1:SEND");
        }
    }

    @Test
    void a_change_older_than_the_batch_read_is_not_applied() throws Exception {
        try (var h = open()) {
            h.processBroadcastElement(GateControl.of(rules(7, 1, CampaignRules.Status.RUNNING)), T0);
            h.processElement(change(1, 5, Map.of("push_token", "sub-1-old")), T0);
            h.processElement(change(2, 5, Map.of("push_token", "sub-2-new")), T0);
            User newer = user(1, "UTC").withVersion(9); // read after the change
            h.processElement(batch(7, 1, "A", newer, user(2, "UTC")), T0);
            assertThat(requests(h).get(0).pushTokens).containsExactly("sub-1", "sub-2-new");
        }
    }

    @Test
    void a_device_token_change_is_checked_on_arrival_and_applies_beside_the_subscription_id() throws Exception {
        assertThatThrownBy(() -> UserDelta.of(new UserChange(1, 1, 5, Map.of("device_token", "ab".repeat(32)))))
                .hasMessage("device_token needs device_token_kind (fcm or apns) beside it");
        assertThatThrownBy(() -> UserDelta.of(
                        new UserChange(1, 1, 5, Map.of("device_token", "not hex", "device_token_kind", "apns"))))
                .hasMessageStartingWith("device_token is not an APNs device token");
        try (var h = open()) {
            h.processBroadcastElement(GateControl.of(rules(7, 1, CampaignRules.Status.RUNNING)), T0);
            h.processElement(change(1, 5, Map.of("device_token", "ab".repeat(32), "device_token_kind", "apns")), T0);
            h.processElement(change(2, 5, Map.of("device_token_kind", "none", "push_token", "sub-2-new")), T0);
            h.processElement(batch(7, 1, "A", user(1, "UTC"), user(2, "UTC")), T0);
            assertThat(requests(h).get(0).pushTokens).containsExactly("sub-1", "sub-2-new");
        }
    }

    @Test
    void a_whole_chunk_of_users_costs_a_few_state_entries_not_one_per_user() throws Exception {
        try (var h = harness(new EmbeddedRocksDBStateBackend())) {
            h.open();
            h.setProcessingTime(T0);
            h.processBroadcastElement(GateControl.of(rules(7, 1, CampaignRules.Status.RUNNING)), T0);
            for (int b = 0; b < 20; b++) {
                User[] users = LongStream.rangeClosed(b * 1_000L + 1, b * 1_000L + 1_000)
                        .mapToObj(id -> user(id, "UTC"))
                        .toArray(User[]::new);
                h.processElement(batch(7, b + 1, "A", users), T0);
            }
            List<SendRequest> sent = requests(h);
            assertThat(sent.stream().mapToInt(r -> r.userIds.length).sum()).isEqualTo(20_000);
            assertThat(sent).allMatch(r -> r.userIds.length <= PushMessage.MAX_RECIPIENTS);
            // in RocksDB, where each map entry is an entry: 20 seen batch ids, one decided bitmap, one hour of sends
            var backend = (RocksDBKeyedStateBackend<?>) h.getOperator().getKeyedStateBackend();
            assertThat(backend.numKeyValueStateEntries()).isEqualTo(22);
        }
    }

    @Test
    void
            batches_of_a_campaign_paused_for_good_or_never_launched_are_decided_as_stopped_and_old_campaigns_are_forgotten()
                    throws Exception {
        try (var h = open()) {
            h.processBroadcastElement(GateControl.of(rules(7, 1, CampaignRules.Status.PAUSED)), T0);
            h.processElement(
                    batch(7, 1, "A", user(1, "UTC"), user(2, "UTC")), T0); // waits for a RESUME that never comes
            h.processElement(batch(8, 1, "A", user(3, "UTC")), T0); // a campaign the gate has no rules of
            assertThat(outcomes(h)).isEmpty();

            h.setProcessingTime(T0 + Duration.ofDays(1).toMillis()); // the unknown campaign's batch waited a day
            assertThat(rows(outcomes(h).toArray(Outcomes[]::new)))
                    .containsExactly("3:skipped:" + Reason.CAMPAIGN_STOPPED);
            h.setProcessingTime(T0 + HOUR + Duration.ofDays(1).toMillis()); // a day after the paused campaign's window
            assertThat(rows(outcomes(h).toArray(Outcomes[]::new)))
                    .containsExactly("1:skipped:" + Reason.CAMPAIGN_STOPPED, "2:skipped:" + Reason.CAMPAIGN_STOPPED);
            assertThat(requests(h)).isEmpty();

            // 32 days after its window a campaign's rules go too (its dedup memory and cap history have expired)
            long later = T0 + HOUR + DeliveryGate.STATE_TTL.toMillis() + 1;
            h.setProcessingTime(later);
            CampaignRules current = rules(9, 1, CampaignRules.Status.RUNNING);
            current.windowEndMillis = later + HOUR;
            h.processBroadcastElement(GateControl.of(current), later);
            List<Long> known = new ArrayList<>();
            for (var e : h.getBroadcastState(DeliveryGate.CAMPAIGNS).entries()) {
                known.add(e.getKey());
            }
            assertThat(known).containsExactly(9L);
        }
    }
}
