package io.pushflow.flink.status;

import static io.pushflow.flink.status.StatusOperatorsTest.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pushflow.flink.contracts.ProviderNotification;
import io.pushflow.flink.provider.ProviderFactory;
import io.pushflow.provider.OneSignalFake;
import io.pushflow.provider.PushMessage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * The poller follows a notification until it is delivered and its clicks have had their window; its view calls run off
 * the task thread, so a slow provider costs each look its time, not the task.
 */
class DeliveryPollerTest {

    static final Duration LATENCY = Duration.ofSeconds(2);

    static KeyedOneInputStreamOperatorTestHarness<String, ProviderNotification, ProviderNotification> harness(
            DeliveryPoller poller) throws Exception {
        return new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(poller), (ProviderNotification n) -> n.notificationId, Types.STRING);
    }

    /** Lets the looks in flight answer and be collected, the processing time moving a check at a time meanwhile. */
    static void answered(
            KeyedOneInputStreamOperatorTestHarness<String, ProviderNotification, ProviderNotification> h,
            DeliveryPoller poller)
            throws Exception {
        await().atMost(Duration.ofSeconds(30))
                .pollInSameThread()
                .pollInterval(Duration.ofMillis(5))
                .untilAsserted(() -> {
                    if (poller.callsInFlight() > 0) {
                        h.setProcessingTime(h.getProcessingTime() + DeliveryPoller.ANSWER_CHECK_MILLIS);
                    }
                    assertThat(poller.callsInFlight())
                            .as("looks still in flight")
                            .isZero();
                });
    }

    static ProviderFactory client(OneSignalFake provider) {
        return new ProviderFactory.OneSignal(provider.baseUrl().toString(), "app", "key", Duration.ofSeconds(10), 1);
    }

    /** A poller of the fake's notifications; its pause doubles up to 30 s. */
    static DeliveryPoller poller(OneSignalFake provider, Duration firstLook, Duration clickWindow, int looksInFlight) {
        return new DeliveryPoller(
                client(provider), firstLook, Duration.ofSeconds(30), clickWindow, Duration.ofHours(1), looksInFlight);
    }

    /** Notifications the fake created, one subscription each. */
    static List<String> created(OneSignalFake provider, int n) throws Exception {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ids.add(client(provider)
                    .open()
                    .send(new PushMessage(
                            PushMessage.idempotencyKey("r" + i, "en"),
                            List.of("s" + i),
                            Map.of(),
                            Map.of("en", "b"),
                            Map.of(),
                            null,
                            null))
                    .notificationId());
        }
        return ids;
    }

    /** A harness at {@code T0} that was given notification {@code id}. */
    static KeyedOneInputStreamOperatorTestHarness<String, ProviderNotification, ProviderNotification> following(
            DeliveryPoller poller, String id) throws Exception {
        var h = harness(poller);
        h.open();
        h.setProcessingTime(T0);
        h.processElement(notification(id, 1), T0);
        return h;
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
    void a_direct_send_s_row_is_its_delivery_at_once_counted_once_and_never_looked_up_at_the_provider()
            throws Exception {
        try (OneSignalFake provider = new OneSignalFake("app", "key")) {
            var poller = poller(provider, Duration.ofSeconds(1), Duration.ofSeconds(20), 4);
            try (var h = harness(poller)) {
                h.open();
                h.setProcessingTime(T0);
                ProviderNotification direct =
                        notification(ProviderNotification.directId("apns", "7-1-A-0:A:en:apns"), 5);
                direct.successful = 4;
                direct.failed = 1;
                direct.remaining = 0;
                h.processElement(direct, T0);
                h.processElement(direct, T0); // the same row again (a replayed request): counted once
                assertThat(h.getSideOutput(DeliveryPoller.DELIVERIES))
                        .extracting(r -> r.getValue().delivered + ":" + r.getValue().providerClicks)
                        .containsExactly("4:0");
                h.setProcessingTime(T0 + 20_000);
                assertThat(poller.callsInFlight()).isZero();
                assertThat(h.extractOutputValues())
                        .as("the delivery job wrote its row already")
                        .isEmpty();
                assertThat(h.numProcessingTimeTimers()).isZero();
                assertThat(h.numKeyedStateEntries())
                        .as("forgotten after the click window")
                        .isZero();
            }
            assertThat(provider.calls()).as("APNs and FCM have nothing to poll").isZero();
        }
    }

    @Test
    void
            a_notification_is_polled_until_delivered_and_its_click_window_is_over_with_each_delivery_and_click_reported_once()
                    throws Exception {
        AtomicBoolean delivered = new AtomicBoolean();
        try (OneSignalFake provider = new OneSignalFake("app", "key")) {
            provider.behaviour(new OneSignalFake.Behaviour() {
                @Override
                public Map<String, Long> counts(OneSignalFake.Created n, long clicks) {
                    long done = delivered.get() ? n.subscriptionIds().size() : 0;
                    return Map.of(
                            "successful",
                            done,
                            "failed",
                            0L,
                            "errored",
                            0L,
                            "converted",
                            clicks,
                            "remaining",
                            n.subscriptionIds().size() - done,
                            "received",
                            done);
                }
            });
            var client = new ProviderFactory.OneSignal(
                    provider.baseUrl().toString(), "app", "key", Duration.ofSeconds(2), 1);
            String id = client.open()
                    .send(new PushMessage(
                            PushMessage.idempotencyKey("r1", "en"),
                            List.of("s1", "s2", "s3"),
                            Map.of(),
                            Map.of("en", "b"),
                            Map.of(),
                            null,
                            null))
                    .notificationId();
            var poller = new DeliveryPoller(
                    client,
                    Duration.ofSeconds(1),
                    Duration.ofSeconds(8),
                    Duration.ofSeconds(20),
                    Duration.ofHours(1),
                    4);
            OperatorSubtaskState snapshot;
            try (var h = harness(poller)) {
                h.open();
                h.setProcessingTime(T0);
                h.processElement(notification(id, 3), T0);
                h.processElement(notification(id, 3), T0); // the same one again: one poll
                h.setProcessingTime(T0 + 1_000);
                answered(h, poller);
                assertThat(h.extractOutputValues()).extracting(n -> n.remaining).containsExactly(3L);
                assertThat(h.numProcessingTimeTimers()).isEqualTo(1);
                snapshot = h.snapshot(1, T0 + 1_000);
            }
            delivered.set(true);
            provider.click(id);
            try (var h = harness(poller)) {
                h.initializeState(snapshot);
                h.open();
                h.setProcessingTime(T0 + 3_000); // the doubled pause
                answered(h, poller);
                assertThat(h.extractOutputValues())
                        .extracting(n -> n.successful + "/" + n.remaining + "/" + n.converted + "/" + n.received)
                        .containsExactly("3/0/1/3");
                assertThat(h.getSideOutput(DeliveryPoller.DELIVERIES))
                        .extracting(r -> r.getValue().delivered + ":" + r.getValue().providerClicks)
                        .containsExactly("3:1");
                assertThat(h.numProcessingTimeTimers())
                        .isEqualTo(1); // delivered, but its clicks keep coming for the window
                h.getOutput().clear();
                h.setProcessingTime(T0 + 7_000); // nothing changed: no row, no evidence
                answered(h, poller);
                assertThat(h.extractOutputValues()).isEmpty();
                assertThat(h.getSideOutput(DeliveryPoller.DELIVERIES)).hasSize(1);
                provider.click(id);
                provider.click(id);
                h.setProcessingTime(T0 + 15_000);
                answered(h, poller);
                assertThat(h.extractOutputValues()).extracting(n -> n.converted).containsExactly(3L);
                assertThat(h.getSideOutput(DeliveryPoller.DELIVERIES))
                        .extracting(r -> r.getValue().delivered + ":" + r.getValue().providerClicks)
                        .containsExactly("3:1", "0:2");
                h.setProcessingTime(
                        T0 + 23_000); // the window is over: the last look, and the notification is forgotten
                answered(h, poller);
                assertThat(h.numProcessingTimeTimers()).isZero();
                assertThat(h.numKeyedStateEntries()).isZero();
            }
        }
    }

    @Test
    void looks_at_a_slow_provider_overlap_up_to_the_bound_and_the_task_goes_on_meanwhile() throws Exception {
        int looks = 8;
        int bound = 4;
        try (OneSignalFake provider = new OneSignalFake("app", "key")) {
            List<String> ids = created(provider, looks + 1);
            provider.delay(LATENCY);
            var poller = poller(
                    provider,
                    Duration.ofSeconds(1),
                    Duration.ofSeconds(1),
                    bound); // delivered at once, its clicks' window over: one look each
            try (var h = harness(poller)) {
                h.open();
                h.setProcessingTime(T0);
                for (String id : ids.subList(0, looks)) {
                    h.processElement(notification(id, 1), T0);
                }
                long start = System.nanoTime();
                h.setProcessingTime(T0 + 1_000); // every look is due
                long timerMillis = (System.nanoTime() - start) / 1_000_000;
                assertThat(poller.callsInFlight()).isEqualTo(bound);
                long element = System.nanoTime();
                h.processElement(
                        notification(ids.get(looks), 1), T0 + 1_000); // a notification arrives while the looks are out
                long elementMillis = (System.nanoTime() - element) / 1_000_000;
                assertThat(h.numKeyedStateEntries()).isEqualTo(looks + 1);

                AtomicInteger most = new AtomicInteger();
                await().atMost(Duration.ofSeconds(30))
                        .pollInSameThread()
                        .pollDelay(Duration.ZERO)
                        .pollInterval(Duration.ofMillis(10))
                        .untilAsserted(() -> {
                            if (h.extractOutputValues().size() < looks + 1) {
                                h.setProcessingTime(T0 + 1_000 + (System.nanoTime() - start) / 1_000_000);
                                most.accumulateAndGet(poller.callsInFlight(), Math::max);
                            }
                            assertThat(h.extractOutputValues())
                                    .as("notifications answered")
                                    .hasSizeGreaterThanOrEqualTo(looks + 1);
                        });
                long allMillis = (System.nanoTime() - start) / 1_000_000;
                int rounds = (looks + 1 + bound - 1) / bound;
                System.out.printf(
                        "DeliveryPollerTest: %d looks at %d ms each, %d at once: all answered in %d ms (one after the other: %d ms);"
                                + " the timer that started them took %d ms, a notification arriving meanwhile %d ms%n",
                        looks + 1,
                        LATENCY.toMillis(),
                        bound,
                        allMillis,
                        (looks + 1) * LATENCY.toMillis(),
                        timerMillis,
                        elementMillis);
                assertThat(timerMillis)
                        .as("the task does not wait for the provider")
                        .isLessThan(LATENCY.toMillis() / 4);
                assertThat(elementMillis).isLessThan(LATENCY.toMillis() / 4);
                assertThat(most.get()).as("looks at once").isLessThanOrEqualTo(bound);
                assertThat(h.extractOutputValues())
                        .extracting(n -> n.notificationId)
                        .containsExactlyInAnyOrderElementsOf(ids);
                assertThat(h.numKeyedStateEntries()).isZero();
                // a waiting look comes back at random, up to a look's time late: the margin, far below the 18 s of one
                // after the other
                assertThat(allMillis)
                        .as("%d rounds of %d looks, not %d looks one after the other", rounds, bound, looks + 1)
                        .isBetween(rounds * LATENCY.toMillis(), (rounds + 2) * LATENCY.toMillis());
            }
        }
    }

    @Test
    void a_look_in_flight_at_a_snapshot_is_looked_again_after_the_restore() throws Exception {
        try (OneSignalFake provider = new OneSignalFake("app", "key")) {
            String id = created(provider, 1).get(0);
            var poller = poller(provider, Duration.ofSeconds(1), Duration.ofMinutes(10), 4);
            OperatorSubtaskState snapshot;
            provider.delay(Duration.ofSeconds(1));
            try (var h = following(poller, id)) {
                h.setProcessingTime(T0 + 1_000);
                assertThat(poller.callsInFlight()).isEqualTo(1);
                snapshot = h.snapshot(1, T0 + 1_000);
            }
            provider.delay(Duration.ZERO);
            try (var h = harness(poller)) {
                h.initializeState(snapshot);
                h.open();
                h.setProcessingTime(T0
                        + 1_000
                        + DeliveryPoller.ANSWER_CHECK_MILLIS); // the timer that was to collect the answer looks again
                assertThat(poller.callsInFlight()).isEqualTo(1);
                answered(h, poller);
                assertThat(h.extractOutputValues())
                        .extracting(n -> n.notificationId + ":" + n.successful)
                        .containsExactly(id + ":1");
                assertThat(h.numProcessingTimeTimers()).isEqualTo(1);
            }
        }
    }

    @Test
    void a_429_s_retry_after_holds_the_next_look_beyond_the_doubled_pause() throws Exception {
        try (OneSignalFake provider = new OneSignalFake("app", "key")) {
            String id = created(provider, 1).get(0);
            var poller = poller(provider, Duration.ofMillis(100), Duration.ofMinutes(10), 4);
            try (var h = following(poller, id)) {
                provider.failNext(429); // Retry-After: 1
                int calls = provider.calls();
                h.setProcessingTime(T0 + 100);
                answered(h, poller);
                long answeredAt = h.getProcessingTime();
                assertThat(provider.calls()).isEqualTo(calls + 1);
                assertThat(h.extractOutputValues()).isEmpty();
                h.setProcessingTime(answeredAt + 999); // the doubled pause (200 ms) is long over, Retry-After is not
                assertThat(poller.callsInFlight()).isZero();
                h.setProcessingTime(answeredAt + 1_000);
                assertThat(poller.callsInFlight()).isEqualTo(1);
                answered(h, poller);
                assertThat(h.extractOutputValues())
                        .extracting(n -> n.successful)
                        .containsExactly(1L);
            }
        }
    }
}
