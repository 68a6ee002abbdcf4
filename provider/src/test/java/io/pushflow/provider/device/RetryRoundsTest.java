package io.pushflow.provider.device;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Test;

class RetryRoundsTest {

    private final List<Duration> slept = new ArrayList<>();

    @Test
    void each_token_is_sent_until_answered_and_never_after() throws Exception {
        Map<String, Integer> sends = new ConcurrentHashMap<>();
        RetryRounds rounds = new RetryRounds(
                new RetryPolicy(3, Duration.ofMillis(100), Duration.ofSeconds(10)),
                slept::add,
                10,
                Duration.ofSeconds(5));
        List<Device> devices = List.of(
                new Device("ok", "en"),
                new Device("busy-once", "en"),
                new Device("busy", "en"),
                new Device("gone", "en"),
                new Device("ok", "pt"),
                new Device("lost", "en"),
                new Device("big", "en"));
        DeviceReport report = rounds.run(devices, d -> d.token().equals("big") ? Answer.failed("too big") : null, d -> {
            int n = sends.merge(d.token(), 1, Integer::sum);
            return CompletableFuture.completedFuture(
                    switch (d.token()) {
                        case "busy-once" -> n == 1 ? Answer.retry("429", Duration.ofSeconds(3)) : Answer.SENT;
                        case "busy" -> Answer.retry("503", null);
                        case "gone" -> Answer.tokenInvalid("Unregistered", null);
                        case "lost" -> Answer.unconfirmed("no answer");
                        default -> Answer.SENT;
                    });
        });
        assertThat(report.outcomes())
                .extracting(DeviceOutcome::token, DeviceOutcome::status, DeviceOutcome::attempts)
                .containsExactly(
                        Tuple.tuple("ok", DeviceOutcome.Status.SENT, 1),
                        Tuple.tuple("busy-once", DeviceOutcome.Status.SENT, 2),
                        Tuple.tuple("busy", DeviceOutcome.Status.RETRIES_EXHAUSTED, 3),
                        Tuple.tuple("gone", DeviceOutcome.Status.TOKEN_INVALID, 1),
                        Tuple.tuple("lost", DeviceOutcome.Status.UNCONFIRMED, 1),
                        Tuple.tuple("big", DeviceOutcome.Status.FAILED, 0));
        assertThat(sends)
                .containsExactlyInAnyOrderEntriesOf(Map.of("ok", 1, "busy-once", 2, "busy", 3, "gone", 1, "lost", 1));
        assertThat(slept).hasSize(2);
        assertThat(slept.get(0)).isEqualTo(Duration.ofSeconds(3)); // the service's Retry-After beats our 100 ms
        assertThat(slept.get(1)).isBetween(Duration.ofMillis(100), Duration.ofMillis(200));
    }

    @Test
    void in_flight_requests_stay_within_the_limit_and_late_answers_are_unconfirmed() throws Exception {
        ScheduledExecutorService later = Executors.newSingleThreadScheduledExecutor();
        try {
            AtomicInteger inFlight = new AtomicInteger();
            AtomicInteger most = new AtomicInteger();
            RetryRounds rounds = new RetryRounds(RetryPolicy.DEFAULT, slept::add, 4, Duration.ofMillis(500));
            List<Device> devices = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                devices.add(new Device("t" + i, null));
            }
            DeviceReport report = rounds.run(devices, d -> d.token().equals("t7") ? throwing() : null, d -> {
                CompletableFuture<Answer> f = new CompletableFuture<>();
                if (d.token().equals("t3")) { // answers after the timeout: its place is freed when we stop waiting
                    later.schedule(() -> f.complete(Answer.SENT), 2, TimeUnit.SECONDS);
                    return f;
                }
                most.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
                later.schedule(
                        () -> {
                            inFlight.decrementAndGet();
                            f.complete(Answer.SENT);
                        },
                        5,
                        TimeUnit.MILLISECONDS);
                return f;
            });
            assertThat(most.get()).isLessThanOrEqualTo(4);
            assertThat(report.byToken().get("t3").status()).isEqualTo(DeviceOutcome.Status.UNCONFIRMED);
            assertThat(report.byToken().get("t7").status()).isEqualTo(DeviceOutcome.Status.FAILED);
            assertThat(report.accepted()).hasSize(38);
            assertThat(slept).isEmpty();
        } finally {
            later.shutdownNow();
        }
    }

    private static Answer throwing() {
        throw new IllegalStateException("a value that cannot be written");
    }
}
