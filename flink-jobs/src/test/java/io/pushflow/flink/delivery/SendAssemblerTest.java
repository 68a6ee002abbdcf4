package io.pushflow.flink.delivery;

import io.pushflow.core.delivery.Reason;
import io.pushflow.provider.PushMessage;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static io.pushflow.flink.delivery.DeliveryGateTest.HOUR;
import static io.pushflow.flink.delivery.DeliveryGateTest.T0;
import static org.assertj.core.api.Assertions.assertThat;

class SendAssemblerTest {

    static KeyedOneInputStreamOperatorTestHarness<Long, GateOutput, SendRequest> harness() throws Exception {
        var h = new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(new SendAssembler()), GateOutput::campaignId, Types.LONG);
        h.setProcessingTime(T0);
        return h;
    }

    static GateOutput verdict(String batch, int size, long user, String locale, Verdict.Kind kind, String reason, long notBefore) {
        Verdict v = new Verdict();
        v.kind = kind.name();
        v.reason = reason;
        v.batchId = batch;
        v.batchSize = size;
        v.campaignId = 7;
        v.variant = "A";
        v.wave = 1;
        v.userId = user;
        v.pushToken = "sub-" + user;
        v.locale = locale;
        v.decidedAtMillis = T0;
        v.notBeforeMillis = notBefore;
        return GateOutput.of(v);
    }

    static GateOutput send(String batch, int size, long user, String locale) {
        return verdict(batch, size, user, locale, Verdict.Kind.SEND, null, T0);
    }

    static List<SendRequest> requests(KeyedOneInputStreamOperatorTestHarness<Long, GateOutput, SendRequest> h) {
        List<SendRequest> out = new ArrayList<>();
        for (Object o : h.getOutput()) {
            if (o instanceof StreamRecord<?> r) {
                out.add((SendRequest) r.getValue());
            }
        }
        h.getOutput().clear();
        return out;
    }

    static List<Outcome> outcomes(KeyedOneInputStreamOperatorTestHarness<Long, GateOutput, SendRequest> h) {
        List<Outcome> out = new ArrayList<>();
        var queue = h.getSideOutput(SendAssembler.OUTCOMES);
        if (queue != null) {
            queue.forEach(r -> out.add(r.getValue()));
            queue.clear();
        }
        return out;
    }

    @Test
    void a_batch_goes_out_when_whole_one_request_per_text_language() throws Exception {
        try (var h = harness()) {
            h.open();
            h.processElement(GateOutput.of(DeliveryGateTest.rules(7, 1, CampaignRules.Status.RUNNING)), T0);
            h.processElement(send("7-1-A-0", 4, 1, "pt"), T0);
            h.processElement(send("7-1-A-0", 4, 2, "de"), T0); // no German text: the default (English)
            h.processElement(verdict("7-1-A-0", 4, 3, "pt", Verdict.Kind.SKIP, Reason.LEFT_COHORT, T0), T0);
            assertThat(requests(h)).isEmpty();
            assertThat(outcomes(h)).extracting(o -> o.userId + ":" + o.outcome + ":" + o.reason).containsExactly("3:skipped:" + Reason.LEFT_COHORT);
            h.processElement(send("7-1-A-0", 4, 4, "pt"), T0);

            List<SendRequest> sent = requests(h);
            assertThat(sent).extracting(r -> r.language + ":" + Arrays.toString(r.userIds))
                    .containsExactlyInAnyOrder("pt:[1, 4]", "en:[2]");
            SendRequest pt = sent.stream().filter(r -> r.language.equals("pt")).findFirst().orElseThrow();
            PushMessage message = pt.message();
            assertThat(message.contents()).containsEntry("en", "25 nós").containsEntry("pt", "25 nós");
            assertThat(message.headings()).containsEntry("pt", "Vento");
            assertThat(message.data()).containsEntry("pushflow_campaign", 7L).containsEntry("pushflow_variant", "A");
            assertThat(message.subscriptionIds()).containsExactly("sub-1", "sub-4");
            assertThat(message.idempotencyKey()).isEqualTo(PushMessage.idempotencyKey("7-1-A-0:A:pt", "pt"));
        }
    }

    @Test
    void a_replay_from_a_snapshot_builds_the_same_requests() throws Exception {
        OperatorSubtaskState snapshot;
        List<String> first;
        try (var h = harness()) {
            h.open();
            h.processElement(GateOutput.of(DeliveryGateTest.rules(7, 1, CampaignRules.Status.RUNNING)), T0);
            h.processElement(send("7-1-A-0", 3, 1, "pt"), T0);
            snapshot = h.snapshot(1, T0);
            h.processElement(send("7-1-A-0", 3, 2, "en"), T0);
            h.processElement(send("7-1-A-0", 3, 3, "pt"), T0);
            first = requests(h).stream().map(r -> r.message().idempotencyKey() + Arrays.toString(r.userIds)).sorted().toList();
        }
        try (var h = harness()) {
            h.initializeState(snapshot);
            h.open();
            h.processElement(send("7-1-A-0", 3, 3, "pt"), T0); // the replay arrives in another order
            h.processElement(send("7-1-A-0", 3, 2, "en"), T0);
            List<String> again = requests(h).stream().map(r -> r.message().idempotencyKey() + Arrays.toString(r.userIds)).sorted().toList();
            assertThat(again).isEqualTo(first);
        }
    }

    @Test
    void deferred_users_go_out_when_their_quiet_hours_end_and_are_skipped_if_the_campaign_stops_first() throws Exception {
        try (var h = harness()) {
            h.open();
            h.processElement(GateOutput.of(DeliveryGateTest.rules(7, 1, CampaignRules.Status.RUNNING)), T0);
            h.processElement(verdict("7-1-A-0", 2, 1, "pt", Verdict.Kind.DEFER, null, T0 + HOUR), T0);
            h.processElement(verdict("7-1-A-0", 2, 2, "pt", Verdict.Kind.DEFER, null, T0 + 2 * HOUR), T0);
            assertThat(requests(h)).isEmpty();
            h.setProcessingTime(T0 + HOUR);
            List<SendRequest> due = requests(h);
            assertThat(due).extracting(r -> r.requestId + Arrays.toString(r.userIds))
                    .containsExactly("7-1-A-0@" + (T0 + HOUR) + ":A:pt[1]");

            h.processElement(GateOutput.of(DeliveryGateTest.rules(7, 2, CampaignRules.Status.STOPPED)), T0 + HOUR);
            assertThat(outcomes(h)).extracting(o -> o.userId + ":" + o.reason).containsExactly("2:" + Reason.CAMPAIGN_STOPPED);
            h.setProcessingTime(T0 + 2 * HOUR);
            assertThat(requests(h)).isEmpty();
        }
    }

    @Test
    void deferred_users_of_a_paused_campaign_wait_for_the_resume() throws Exception {
        try (var h = harness()) {
            h.open();
            h.processElement(GateOutput.of(DeliveryGateTest.rules(7, 1, CampaignRules.Status.RUNNING)), T0);
            h.processElement(verdict("7-1-A-0", 1, 1, "pt", Verdict.Kind.DEFER, null, T0 + HOUR), T0);
            h.processElement(GateOutput.of(DeliveryGateTest.rules(7, 2, CampaignRules.Status.PAUSED)), T0);
            h.setProcessingTime(T0 + HOUR);
            assertThat(requests(h)).isEmpty();
            h.processElement(GateOutput.of(DeliveryGateTest.rules(7, 3, CampaignRules.Status.RUNNING)), T0 + HOUR);
            assertThat(requests(h)).extracting(r -> r.userIds[0]).containsExactly(1L);
        }
    }

    @Test
    void a_user_of_a_variant_the_campaign_does_not_have_fails_with_a_reason() throws Exception {
        try (var h = harness()) {
            h.open();
            h.processElement(GateOutput.of(DeliveryGateTest.rules(7, 1, CampaignRules.Status.RUNNING)), T0);
            GateOutput stray = send("7-1-Z-0", 1, 1, "pt");
            stray.verdict.variant = "Z";
            h.processElement(stray, T0);
            assertThat(requests(h)).isEmpty();
            assertThat(outcomes(h)).extracting(o -> o.outcome + ":" + o.error).containsExactly("failed:variant Z is not part of the campaign as of version 1");
        }
    }
}
