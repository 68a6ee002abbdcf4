package io.pushflow.flink.status;

import io.pushflow.core.bandit.BanditFeedback;
import io.pushflow.core.json.Json;
import io.pushflow.flink.delivery.ProviderFactory;
import io.pushflow.flink.delivery.ProviderNotification;
import io.pushflow.flink.rabbit.AmqpMessage;
import io.pushflow.provider.OneSignalFake;
import io.pushflow.provider.PushMessage;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

class StatusOperatorsTest {

    static final long T0 = 1_800_000_000_000L;

    static EngagementEvent event(String id, String subscription, String type) {
        EngagementEvent e = new EngagementEvent();
        e.eventId = id;
        e.campaignId = 7;
        e.variant = "A";
        e.subscriptionId = subscription;
        e.type = type;
        e.atMillis = T0;
        return e;
    }

    @Test
    void an_install_s_first_open_and_first_click_count_and_nothing_after_them() throws Exception {
        try (var h = ProcessFunctionTestHarnesses.forKeyedProcessFunction(new FirstEngagement(), FirstEngagement::key, Types.STRING)) {
            h.processElement(event("e1", "s1", "OPENED"), T0);
            h.processElement(event("e1", "s1", "OPENED"), T0); // redelivered
            h.processElement(event("e2", "s1", "CLICKED"), T0);
            h.processElement(event("e3", "s1", "CLICKED"), T0); // clicked again
            h.processElement(event("e4", "s2", "CLICKED"), T0);
            assertThat(h.extractOutputValues()).extracting(d -> d.opens + ":" + d.clicks).containsExactly("1:0", "0:1", "0:1");
        }
    }

    static ProviderNotification notification(String id, int recipients) {
        ProviderNotification n = new ProviderNotification();
        n.notificationId = id;
        n.campaignId = 7;
        n.variant = "A";
        n.requestId = "7-1-A-0:A:en";
        n.recipients = recipients;
        n.remaining = recipients;
        n.sentAtMillis = T0;
        return n;
    }

    @Test
    void a_notification_is_polled_until_complete_with_its_deliveries_reported_once() throws Exception {
        AtomicBoolean delivered = new AtomicBoolean();
        try (OneSignalFake provider = new OneSignalFake("app", "key")) {
            provider.behaviour(new OneSignalFake.Behaviour() {
                @Override
                public Map<String, Long> counts(OneSignalFake.Created n) {
                    long done = delivered.get() ? n.subscriptionIds().size() : 0;
                    return Map.of("successful", done, "failed", 0L, "errored", 0L, "converted", 0L, "remaining", n.subscriptionIds().size() - done);
                }
            });
            var client = new ProviderFactory.OneSignal(provider.baseUrl().toString(), "app", "key", Duration.ofSeconds(2), 1);
            String id = client.open().send(new PushMessage(PushMessage.idempotencyKey("r1", "en"), List.of("s1", "s2", "s3"), Map.of(),
                    Map.of("en", "b"), Map.of(), null, null)).notificationId();
            var poller = new DeliveryPoller(client, Duration.ofSeconds(1), Duration.ofSeconds(8), Duration.ofHours(1));
            OperatorSubtaskState snapshot;
            try (var h = new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(poller), (ProviderNotification n) -> n.notificationId,
                    Types.STRING)) {
                h.open();
                h.setProcessingTime(T0);
                h.processElement(notification(id, 3), T0);
                h.processElement(notification(id, 3), T0); // the same one again: one poll
                h.setProcessingTime(T0 + 1_000);
                assertThat(h.extractOutputValues()).extracting(n -> n.remaining).containsExactly(3L);
                assertThat(h.numProcessingTimeTimers()).isEqualTo(1);
                snapshot = h.snapshot(1, T0 + 1_000);
            }
            delivered.set(true);
            try (var h = new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(poller), (ProviderNotification n) -> n.notificationId,
                    Types.STRING)) {
                h.initializeState(snapshot);
                h.open();
                h.setProcessingTime(T0 + 3_000); // the doubled pause
                assertThat(h.extractOutputValues()).extracting(n -> n.successful + "/" + n.remaining).containsExactly("3/0");
                assertThat(h.getSideOutput(DeliveryPoller.DELIVERIES)).extracting(r -> r.getValue().delivered).containsExactly(3L);
                assertThat(h.numProcessingTimeTimers()).isZero();
                assertThat(h.numKeyedStateEntries()).isZero();
            }
        }
    }

    static VariantDelta delta(String variant, long delivered, long clicks, long at) {
        VariantDelta d = VariantDelta.of(7, variant, at);
        d.delivered = delivered;
        d.clicks = clicks;
        return d;
    }

    static List<BanditFeedback> feedback(KeyedOneInputStreamOperatorTestHarness<Long, VariantDelta, AmqpMessage> h) {
        List<BanditFeedback> out = h.extractOutputValues().stream().map(m -> Json.read(m.body, BanditFeedback.class)).toList();
        h.getOutput().clear();
        return out;
    }

    @Test
    void deliveries_become_trials_as_their_clicks_can_have_arrived() throws Exception {
        var batcher = new FeedbackBatcher("bandit.feedback", Duration.ofSeconds(2), Duration.ofSeconds(10));
        try (var h = ProcessFunctionTestHarnesses.forKeyedProcessFunction(batcher, (VariantDelta d) -> d.campaignId, Types.LONG)) {
            h.setProcessingTime(T0);
            h.processElement(delta("A", 1_000, 0, T0), T0);
            h.processElement(delta("B", 1_000, 0, T0), T0);
            h.processElement(delta("A", 0, 30, T0), T0);
            h.setProcessingTime(T0 + 2_000);
            List<BanditFeedback> first = feedback(h);
            assertThat(first).extracting(BanditFeedback::variant).containsExactly("A", "B");
            double settled2s = 1 - Math.exp(-0.2);
            assertThat(first.get(0).trials()).isCloseTo(1_000 * settled2s, org.assertj.core.data.Offset.offset(1e-6));
            assertThat(first.get(0).rewards()).isEqualTo(30);
            assertThat(first.get(1).rewards()).isZero();

            double total = 0; // by 200 s every delivery has settled: the rest of the trials, nothing counted twice
            for (int t = 4_000; t <= 200_000; t += 2_000) {
                h.setProcessingTime(T0 + t);
            }
            for (BanditFeedback f : feedback(h)) {
                if (f.variant().equals("A")) {
                    total += f.trials();
                }
            }
            assertThat(first.get(0).trials() + total).isCloseTo(1_000, org.assertj.core.data.Offset.offset(1e-6));
            assertThat(h.numProcessingTimeTimers()).isZero();
            var totals = h.getSideOutput(FeedbackBatcher.TOTALS).stream().map(r -> r.getValue()).filter(t -> t.variant.equals("A")).toList();
            assertThat(totals.get(totals.size() - 1)).satisfies(t -> {
                assertThat(t.delivered).isEqualTo(1_000);
                assertThat(t.clicked).isEqualTo(30);
            });
        }
    }
}
