package io.pushflow.flink.dispatch;

import static io.pushflow.flink.dispatch.WavePlannerTest.KITERS;
import static io.pushflow.flink.dispatch.WavePlannerTest.T0;
import static io.pushflow.flink.dispatch.WavePlannerTest.WAVE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pushflow.core.filter.FilterChain;
import io.pushflow.core.filter.UserPredicate;
import io.pushflow.core.user.User;
import io.pushflow.core.user.UserGenerator;
import io.pushflow.store.ClickHouse;
import io.pushflow.store.ClickHouseSchema;
import io.pushflow.store.UserStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/** The planner reading its audience from the real ClickHouse (off its task thread): the whole cohort, once, in waves. */
class ClickHouseAudienceTest {

    @Test
    void the_planner_releases_a_clickhouse_cohort_once() throws Exception {
        String database =
                "pushflow_t_" + Long.toString(ThreadLocalRandom.current().nextLong(1L << 40), 36);
        ClickHouse.Config config = ClickHouse.Config.fromEnvironment().withDatabase(database);
        try (ClickHouse clickHouse = new ClickHouse(config)) {
            ClickHouseSchema.apply(clickHouse);
            try {
                List<User> users = new UserGenerator(3, Instant.ofEpochMilli(T0))
                        .users(1, 5_000)
                        .toList();
                new UserStore(clickHouse).insert(users);
                var expected = users.stream()
                        .filter(UserPredicate.of(FilterChain.parse(KITERS), Instant.ofEpochMilli(T0)))
                        .map(User::userId)
                        .collect(Collectors.toSet());

                var operator = new KeyedProcessOperator<>(
                        new WavePlanner(new ClickHouseAudience(config), Duration.ofMillis(WAVE), 100_000, 500));
                try (var h =
                        new KeyedOneInputStreamOperatorTestHarness<>(operator, DispatchEvent::campaignId, Types.LONG)) {
                    h.setProcessingTime(T0);
                    h.open();
                    h.processElement(WavePlannerTest.control("LAUNCH", 1, "AB_FIXED", 0, 60_000), T0);
                    List<Long> released = new ArrayList<>();
                    for (long t = T0;
                            t <= T0 + 2 * 60_000 && h.getSideOutput(WavePlanner.COMPLETIONS) == null;
                            t += WAVE) {
                        h.setProcessingTime(t);
                        // the planner reads ClickHouse off its task thread and looks again every few milliseconds
                        // (up to 5 s of processing time, a poll at a time; a minute of wall time is far more than those
                        // 500 polls take)
                        long waveAt = t;
                        AtomicLong poll = new AtomicLong(t);
                        released.addAll(await().atMost(Duration.ofMinutes(1))
                                .pollInSameThread()
                                .pollDelay(Duration.ZERO)
                                .pollInterval(Duration.ofMillis(10))
                                .until(
                                        () -> {
                                            h.setProcessingTime(poll.getAndAdd(WavePlanner.READ_AHEAD_POLL_MILLIS));
                                            return WavePlannerTest.ids(WavePlannerTest.drain(h));
                                        },
                                        wave -> !wave.isEmpty()
                                                || h.getSideOutput(WavePlanner.COMPLETIONS) != null
                                                || poll.get() > waveAt + 5_000));
                    }
                    assertThat(h.getSideOutput(WavePlanner.COMPLETIONS))
                            .as("the campaign completed")
                            .hasSize(1);
                    assertThat(released).doesNotHaveDuplicates();
                    assertThat(new HashSet<>(released)).isEqualTo(expected).isNotEmpty();
                }
            } finally {
                clickHouse.dropDatabase();
            }
        }
    }
}
