package io.pushflow.flink.status;

import io.pushflow.flink.delivery.ProviderFactory;
import io.pushflow.flink.delivery.ProviderNotification;
import io.pushflow.provider.OneSignalFake;
import io.pushflow.provider.PushMessage;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.pushflow.flink.status.StatusOperatorsTest.T0;
import static io.pushflow.flink.status.StatusOperatorsTest.notification;
import static org.assertj.core.api.Assertions.assertThat;

/** The poller's view calls run off the task thread: a slow provider costs each look its time, not the task. */
class DeliveryPollerTest {

    static final Duration LATENCY = Duration.ofSeconds(2);

    static KeyedOneInputStreamOperatorTestHarness<String, ProviderNotification, ProviderNotification> harness(DeliveryPoller poller)
            throws Exception {
        return new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(poller), (ProviderNotification n) -> n.notificationId,
                Types.STRING);
    }

    /** Lets the looks in flight answer and be collected, the processing time moving a check at a time meanwhile. */
    static void answered(KeyedOneInputStreamOperatorTestHarness<String, ProviderNotification, ProviderNotification> h,
                         DeliveryPoller poller) throws Exception {
        long deadline = System.currentTimeMillis() + 30_000;
        while (poller.callsInFlight() > 0 && System.currentTimeMillis() < deadline) {
            Thread.sleep(5);
            h.setProcessingTime(h.getProcessingTime() + DeliveryPoller.ANSWER_CHECK_MILLIS);
        }
        assertThat(poller.callsInFlight()).as("looks still in flight").isZero();
    }

    static ProviderFactory client(OneSignalFake provider) {
        return new ProviderFactory.OneSignal(provider.baseUrl().toString(), "app", "key", Duration.ofSeconds(10), 1);
    }

    /** A poller of the fake's notifications; its pause doubles up to 30 s. */
    static DeliveryPoller poller(OneSignalFake provider, Duration firstLook, Duration clickWindow, int looksInFlight) {
        return new DeliveryPoller(client(provider), firstLook, Duration.ofSeconds(30), clickWindow, Duration.ofHours(1), looksInFlight);
    }

    /** Notifications the fake created, one subscription each. */
    static List<String> created(OneSignalFake provider, int n) throws Exception {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ids.add(client(provider).open().send(new PushMessage(PushMessage.idempotencyKey("r" + i, "en"), List.of("s" + i), Map.of(),
                    Map.of("en", "b"), Map.of(), null, null)).notificationId());
        }
        return ids;
    }

    /** A harness at {@code T0} that was given notification {@code id}. */
    static KeyedOneInputStreamOperatorTestHarness<String, ProviderNotification, ProviderNotification> following(DeliveryPoller poller,
                                                                                                               String id) throws Exception {
        var h = harness(poller);
        h.open();
        h.setProcessingTime(T0);
        h.processElement(notification(id, 1), T0);
        return h;
    }

    @Test
    void looks_at_a_slow_provider_overlap_up_to_the_bound_and_the_task_goes_on_meanwhile() throws Exception {
        int looks = 8;
        int bound = 4;
        try (OneSignalFake provider = new OneSignalFake("app", "key")) {
            List<String> ids = created(provider, looks + 1);
            provider.delay(LATENCY);
            var poller = poller(provider, Duration.ofSeconds(1), Duration.ofSeconds(1), bound); // delivered at once, its clicks' window over: one look each
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
                h.processElement(notification(ids.get(looks), 1), T0 + 1_000); // a notification arrives while the looks are out
                long elementMillis = (System.nanoTime() - element) / 1_000_000;
                assertThat(h.numKeyedStateEntries()).isEqualTo(looks + 1);

                int most = 0;
                while (h.extractOutputValues().size() < looks + 1 && System.nanoTime() - start < 30_000_000_000L) {
                    Thread.sleep(10);
                    h.setProcessingTime(T0 + 1_000 + (System.nanoTime() - start) / 1_000_000);
                    most = Math.max(most, poller.callsInFlight());
                }
                long allMillis = (System.nanoTime() - start) / 1_000_000;
                int rounds = (looks + 1 + bound - 1) / bound;
                System.out.printf("DeliveryPollerTest: %d looks at %d ms each, %d at once: all answered in %d ms (one after the other: %d ms);"
                        + " the timer that started them took %d ms, a notification arriving meanwhile %d ms%n",
                        looks + 1, LATENCY.toMillis(), bound, allMillis, (looks + 1) * LATENCY.toMillis(), timerMillis, elementMillis);
                assertThat(timerMillis).as("the task does not wait for the provider").isLessThan(LATENCY.toMillis() / 4);
                assertThat(elementMillis).isLessThan(LATENCY.toMillis() / 4);
                assertThat(most).as("looks at once").isLessThanOrEqualTo(bound);
                assertThat(h.extractOutputValues()).extracting(n -> n.notificationId).containsExactlyInAnyOrderElementsOf(ids);
                assertThat(h.numKeyedStateEntries()).isZero();
                assertThat(allMillis).as("%d rounds of %d looks, not %d looks one after the other", rounds, bound, looks + 1)
                        .isBetween(rounds * LATENCY.toMillis(), rounds * LATENCY.toMillis() + LATENCY.toMillis() * 3 / 2);
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
                h.setProcessingTime(T0 + 1_000 + DeliveryPoller.ANSWER_CHECK_MILLIS); // the timer that was to collect the answer looks again
                assertThat(poller.callsInFlight()).isEqualTo(1);
                answered(h, poller);
                assertThat(h.extractOutputValues()).extracting(n -> n.notificationId + ":" + n.successful).containsExactly(id + ":1");
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
                assertThat(h.extractOutputValues()).extracting(n -> n.successful).containsExactly(1L);
            }
        }
    }
}
