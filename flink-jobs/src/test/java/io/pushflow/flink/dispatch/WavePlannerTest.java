package io.pushflow.flink.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import com.clickhouse.client.api.ServerException;
import io.pushflow.core.filter.FilterChain;
import io.pushflow.core.json.Json;
import io.pushflow.core.user.User;
import io.pushflow.core.user.UserColumns;
import io.pushflow.flink.contracts.OutboxBatch;
import io.pushflow.store.ClickHouseException;
import java.net.ConnectException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedDeque;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

class WavePlannerTest {

    static final long T0 = Instant.parse("2026-11-24T12:00:00Z").toEpochMilli();
    static final long WAVE = 10_000;
    static final Map<String, Object> KITERS = Map.of(
            "all",
            List.of(Map.of(
                    "field",
                    "sports",
                    "op",
                    "has_any",
                    "values",
                    List.of("kitesurfing", "windsurfing", "wingfoiling"))));
    static final GeneratedAudience AUDIENCE = new GeneratedAudience(11, 20_000, T0);

    static KeyedOneInputStreamOperatorTestHarness<Long, DispatchEvent, OutboxBatch> harness() throws Exception {
        var operator = new KeyedProcessOperator<>(new WavePlanner(AUDIENCE, Duration.ofMillis(WAVE), 100_000, 500));
        var h = new KeyedOneInputStreamOperatorTestHarness<>(operator, DispatchEvent::campaignId, Types.LONG);
        h.setProcessingTime(T0);
        return h;
    }

    static DispatchEvent control(String type, long version, String split, double holdout, long durationMillis) {
        CampaignControl c = new CampaignControl();
        c.commandId = type + "-" + version;
        c.type = type;
        c.campaignId = 7;
        c.campaignVersion = version;
        c.startAtMillis = T0;
        c.durationMillis = durationMillis;
        c.splitType = split;
        c.weights = new double[] {3, 1};
        c.minShare = 0.05;
        c.burnIn = 100;
        c.holdoutShare = holdout;
        c.filterJson = Json.write(KITERS);
        c.variantKeys = new String[] {"A", "B"};
        return DispatchEvent.of(c);
    }

    static DispatchEvent feedback(String variant, double trials, long rewards) {
        VariantFeedback f = new VariantFeedback();
        f.feedbackId = variant + trials + rewards;
        f.campaignId = 7;
        f.variant = variant;
        f.trials = trials;
        f.rewards = rewards;
        return DispatchEvent.of(f);
    }

    static List<OutboxBatch> drain(KeyedOneInputStreamOperatorTestHarness<Long, DispatchEvent, OutboxBatch> h) {
        List<OutboxBatch> out = new ArrayList<>();
        for (Object o : h.getOutput()) {
            if (o instanceof StreamRecord<?> r) {
                out.add((OutboxBatch) r.getValue());
            }
        }
        h.getOutput().clear();
        return out;
    }

    static List<Long> ids(List<OutboxBatch> batches) {
        return batches.stream().flatMap(b -> Arrays.stream(b.userIds).boxed()).toList();
    }

    static Set<Long> cohort() {
        Set<Long> ids = new HashSet<>();
        for (User u : AUDIENCE.matching(FilterChain.parse(KITERS), Instant.ofEpochMilli(T0))) {
            ids.add(u.userId());
        }
        return ids;
    }

    @Test
    void waves_release_the_whole_cohort_once_inside_the_window() throws Exception {
        try (var h = harness()) {
            h.open();
            h.processElement(control("LAUNCH", 1, "AB_FIXED", 0.05, 2 * 60_000), T0);
            List<OutboxBatch> all = new ArrayList<>();
            List<Integer> waveSizes = new ArrayList<>();
            for (long t = T0; t <= T0 + 3 * 60_000; t += WAVE) {
                h.setProcessingTime(t);
                List<OutboxBatch> wave = drain(h);
                waveSizes.add(ids(wave).size());
                all.addAll(wave);
            }
            List<Long> released = ids(all);
            assertThat(new HashSet<>(released)).isEqualTo(cohort());
            assertThat(released).doesNotHaveDuplicates();
            assertThat(all.stream().map(b -> b.batchId).toList()).doesNotHaveDuplicates();
            assertThat(all.stream().mapToLong(b -> b.wave).max().orElse(0)).isEqualTo(12);
            assertThat(waveSizes.subList(0, 12)).allMatch(n -> n > 0);
            assertThat(waveSizes.subList(12, waveSizes.size())).allMatch(n -> n == 0);

            long holdout = all.stream()
                    .filter(b -> b.variant.equals(OutboxBatch.HOLDOUT))
                    .mapToLong(b -> b.size())
                    .sum();
            long a = all.stream()
                    .filter(b -> b.variant.equals("A"))
                    .mapToLong(b -> b.size())
                    .sum();
            long b = all.stream()
                    .filter(x -> x.variant.equals("B"))
                    .mapToLong(x -> x.size())
                    .sum();
            assertThat((double) holdout / released.size()).isBetween(0.03, 0.07);
            assertThat((double) a / (a + b)).isBetween(0.74, 0.76);
            assertThat(all).allMatch(x -> x.size() <= 500);
            assertThat(h.numKeyedStateEntries()).isEqualTo(1);
            var completions = h.getSideOutput(WavePlanner.COMPLETIONS);
            assertThat(completions).hasSize(1);
            Completion done = completions.peek().getValue();
            assertThat(done.released + done.heldOut).isEqualTo(released.size());
            assertThat(done.unreleased).isZero();
        }
    }

    @Test
    void batches_keep_to_one_chunk_of_user_ids_and_carry_each_user_as_the_page_read_them() throws Exception {
        GeneratedAudience large = new GeneratedAudience(5, 140_000, T0);
        Map<Long, User> byId = new HashMap<>();
        large.matching(FilterChain.parse(KITERS), Instant.ofEpochMilli(T0)).forEach(u -> byId.put(u.userId(), u));
        var operator = new KeyedProcessOperator<>(new WavePlanner(large, Duration.ofMillis(WAVE), 100_000, 500));
        try (var h = new KeyedOneInputStreamOperatorTestHarness<>(operator, DispatchEvent::campaignId, Types.LONG)) {
            h.setProcessingTime(T0);
            h.open();
            h.processElement(control("LAUNCH", 1, "AB_FIXED", 0, 20_000), T0);
            List<OutboxBatch> all = new ArrayList<>();
            for (long t = T0; t <= T0 + 30_000; t += WAVE) {
                h.setProcessingTime(t);
                all.addAll(drain(h));
            }
            assertThat(ids(all)).hasSameSizeAs(byId.keySet()).containsExactlyInAnyOrderElementsOf(byId.keySet());
            assertThat(all.stream().filter(b -> b.chunk() == 2).count())
                    .as("the audience reaches the third chunk")
                    .isPositive();
            for (OutboxBatch b : all) {
                assertThat(b.problem()).isNull();
                assertThat(Arrays.stream(b.userIds)
                                .map(OutboxBatch::chunkOf)
                                .distinct()
                                .count())
                        .as(b.batchId)
                        .isEqualTo(1);
                for (int i = 0; i < b.size(); i++) {
                    assertThat(b.user(i)).isEqualTo(byId.get(b.userIds[i]));
                }
            }
            OutboxBatch first = all.get(0);
            OutboxBatch read = Json.read(Json.write(first), OutboxBatch.class);
            assertThat(read.problem()).isNull();
            assertThat(read.user(read.size() - 1)).isEqualTo(first.user(first.size() - 1));
            // the device tokens take the most (an FCM token is 163 characters, an APNs token 64): 235 bytes a user here
            assertThat(Json.write(first).length() / first.size())
                    .as("bytes per user on push.outbox")
                    .isLessThan(250);
        }
    }

    @Test
    void an_asap_campaign_releases_as_fast_as_its_rate_limit_allows_not_over_the_window() throws Exception {
        try (var h = harness()) {
            h.open();
            DispatchEvent launch = control("LAUNCH", 1, "AB_FIXED", 0, 60 * 60_000);
            launch.control.asap = true;
            launch.control.sendRateLimit = 200; // 2,000 users per 10 s wave
            h.processElement(launch, T0);
            List<Integer> waveSizes = new ArrayList<>();
            List<OutboxBatch> all = new ArrayList<>();
            for (long t = T0; all.isEmpty() || waveSizes.get(waveSizes.size() - 1) > 0; t += WAVE) {
                h.setProcessingTime(t);
                List<OutboxBatch> wave = drain(h);
                waveSizes.add(ids(wave).size());
                all.addAll(wave);
            }
            int cohort = cohort().size();
            assertThat(new HashSet<>(ids(all))).isEqualTo(cohort());
            // every wave but the last is full: the hour-long window does not spread the audience
            assertThat(waveSizes.subList(0, cohort / 2_000)).allMatch(n -> n == 2_000);
            assertThat(waveSizes).hasSize(cohort / 2_000 + (cohort % 2_000 == 0 ? 1 : 2));
            assertThat(h.getSideOutput(WavePlanner.COMPLETIONS)).hasSize(1);
        }
    }

    @Test
    void an_unlimited_asap_campaign_releases_waves_back_to_back_until_three_wait_for_a_checkpoint() throws Exception {
        var operator = new KeyedProcessOperator<>(new WavePlanner(AUDIENCE, Duration.ofMillis(WAVE), 1_000, 500));
        try (var h = new KeyedOneInputStreamOperatorTestHarness<>(operator, DispatchEvent::campaignId, Types.LONG)) {
            h.setProcessingTime(T0);
            h.open();
            DispatchEvent launch = control("LAUNCH", 1, "AB_FIXED", 0, 60 * 60_000);
            launch.control.asap = true;
            h.processElement(launch, T0);
            h.setProcessingTime(T0);
            h.setProcessingTime(T0 + WAVE);
            assertThat(ids(drain(h))).hasSize(3_000); // three full waves at once, nothing committed yet
            h.setProcessingTime(T0 + 2 * WAVE);
            h.setProcessingTime(T0 + 3 * WAVE);
            assertThat(drain(h)).isEmpty();

            h.snapshot(1, T0 + 3 * WAVE); // the barrier passes both waves
            h.setProcessingTime(T0 + 4 * WAVE);
            assertThat(drain(h)).isEmpty(); // taken, not yet complete: the sink still holds them
            h.notifyOfCompletedCheckpoint(1);
            h.setProcessingTime(T0 + 5 * WAVE);
            h.setProcessingTime(T0 + 6 * WAVE);
            h.setProcessingTime(T0 + 7 * WAVE);
            assertThat(ids(drain(h))).hasSize(3_000).doesNotHaveDuplicates(); // three more waves, then it waits again
        }
    }

    @Test
    void pause_stops_the_waves_and_resume_continues_from_the_cursor() throws Exception {
        try (var h = harness()) {
            h.open();
            h.processElement(control("LAUNCH", 1, "BANDIT", 0, 5 * 60_000), T0);
            h.setProcessingTime(T0 + WAVE);
            List<Long> before = ids(drain(h));
            assertThat(before).isNotEmpty();

            h.processElement(control("PAUSE", 2, "BANDIT", 0, 5 * 60_000), T0 + WAVE + 1);
            h.setProcessingTime(T0 + 4 * WAVE);
            assertThat(drain(h)).isEmpty();

            h.setProcessingTime(T0 + 5 * WAVE);
            h.processElement(control("RESUME", 3, "BANDIT", 0, 5 * 60_000), T0 + 5 * WAVE);
            h.setProcessingTime(T0 + 5 * WAVE);
            List<Long> after = ids(drain(h));
            assertThat(after).isNotEmpty();
            assertThat(after.get(0)).isGreaterThan(before.get(before.size() - 1));

            h.processElement(control("STOP", 4, "BANDIT", 0, 5 * 60_000), T0 + 5 * WAVE + 1);
            h.setProcessingTime(T0 + 20 * WAVE);
            assertThat(drain(h)).isEmpty();
            var reports = h.getSideOutput(WavePlanner.COMPLETIONS);
            assertThat(reports).hasSize(1);
            Completion stopped = reports.peek().getValue();
            assertThat(stopped.type).isEqualTo("STOPPED");
            assertThat(stopped.released).isEqualTo(before.size() + after.size());
            assertThat(stopped.unreleased).isPositive();
            h.processElement(control("RESUME", 5, "BANDIT", 0, 5 * 60_000), T0 + 20 * WAVE);
            h.setProcessingTime(T0 + 21 * WAVE);
            assertThat(drain(h)).isEmpty();
        }
    }

    /**
     * A halt and the marketer's resume 34 ms later (chaos round 27 of seed 2612): should the RESUME overtake the PAUSE on
     * its way, the newer command still wins and the campaign goes on; it used to stay paused for good.
     */
    @Test
    void a_resume_that_overtakes_its_pause_still_wins() throws Exception {
        try (var h = harness()) {
            h.open();
            h.processElement(control("LAUNCH", 1, "BANDIT", 0, 5 * 60_000), T0);
            h.setProcessingTime(T0 + WAVE);
            assertThat(drain(h)).isNotEmpty();

            h.processElement(control("RESUME", 3, "BANDIT", 0, 5 * 60_000), T0 + WAVE + 1);
            h.processElement(control("PAUSE", 2, "BANDIT", 0, 5 * 60_000), T0 + WAVE + 2);
            h.setProcessingTime(T0 + 2 * WAVE);
            assertThat(drain(h)).as("the older PAUSE changed nothing").isNotEmpty();
        }
    }

    /** A pause (a marketer's or a guardrail's halt, which reaches the jobs as a PAUSE) is state: a restart keeps it. */
    @Test
    void a_pause_survives_a_restore_and_only_a_resume_lifts_it() throws Exception {
        List<Long> released = new ArrayList<>();
        OperatorSubtaskState snapshot;
        try (var h = harness()) {
            h.open();
            h.processElement(control("LAUNCH", 1, "BANDIT", 0, 5 * 60_000), T0);
            h.setProcessingTime(T0 + WAVE);
            released.addAll(ids(drain(h)));
            h.processElement(control("PAUSE", 2, "BANDIT", 0, 5 * 60_000), T0 + WAVE + 1);
            snapshot = h.snapshot(1, T0 + WAVE + 1);
        }
        assertThat(released).isNotEmpty();
        try (var h = harness()) {
            h.initializeState(snapshot);
            h.open();
            h.setProcessingTime(T0 + 6 * WAVE);
            assertThat(drain(h))
                    .as("released after the restart of a paused campaign")
                    .isEmpty();
            h.processElement(control("RESUME", 3, "BANDIT", 0, 5 * 60_000), T0 + 6 * WAVE);
            h.setProcessingTime(T0 + 7 * WAVE);
            List<Long> after = ids(drain(h));
            assertThat(after).isNotEmpty();
            assertThat(after).doesNotContainAnyElementsOf(released);
        }
    }

    @Test
    void a_restore_from_a_snapshot_resumes_at_the_cursor_and_repeats_no_one() throws Exception {
        List<Long> released = new ArrayList<>();
        OperatorSubtaskState snapshot;
        try (var h = harness()) {
            h.open();
            h.processElement(control("LAUNCH", 1, "AB_FIXED", 0, 60_000), T0);
            h.setProcessingTime(T0 + WAVE);
            released.addAll(ids(drain(h)));
            snapshot = h.snapshot(1, T0 + WAVE);
            h.setProcessingTime(T0 + 2 * WAVE);
            assertThat(ids(drain(h))).isNotEmpty(); // lost with the failure: the restore redoes this wave
        }
        try (var h = harness()) {
            h.initializeState(snapshot);
            h.open();
            h.processElement(control("LAUNCH", 1, "AB_FIXED", 0, 60_000), T0 + WAVE);
            for (long t = T0 + WAVE; t <= T0 + 2 * 60_000; t += WAVE) {
                h.setProcessingTime(t);
                released.addAll(ids(drain(h)));
            }
        }
        assertThat(released).doesNotHaveDuplicates();
        assertThat(new HashSet<>(released)).isEqualTo(cohort());
    }

    @Test
    void feedback_moves_the_bandit_s_traffic_to_the_better_variant() throws Exception {
        try (var h = harness()) {
            h.open();
            h.processElement(control("LAUNCH", 1, "BANDIT", 0, 10 * 60_000), T0);
            h.setProcessingTime(T0);
            h.setProcessingTime(T0 + WAVE);
            List<OutboxBatch> burnIn = drain(h);
            long a0 = burnIn.stream()
                    .filter(b -> b.variant.equals("A"))
                    .mapToLong(b -> b.size())
                    .sum();
            long b0 = burnIn.stream()
                    .filter(b -> b.variant.equals("B"))
                    .mapToLong(b -> b.size())
                    .sum();
            assertThat(Math.abs(a0 - b0)).isLessThanOrEqualTo(1); // no evidence yet: an even split

            h.processElement(feedback("A", 400, 8), T0 + WAVE);
            h.processElement(feedback("B", 400, 24), T0 + WAVE);
            h.processElement(feedback("C", 400, 400), T0 + WAVE); // no such variant: ignored
            h.setProcessingTime(T0 + 2 * WAVE);
            List<OutboxBatch> next = drain(h);
            long a = next.stream()
                    .filter(b -> b.variant.equals("A"))
                    .mapToLong(b -> b.size())
                    .sum();
            long b = next.stream()
                    .filter(x -> x.variant.equals("B"))
                    .mapToLong(x -> x.size())
                    .sum();
            assertThat(b).isGreaterThan(10 * a);
            assertThat((double) a / (a + b)).isGreaterThanOrEqualTo(0.045); // the floor holds
        }
    }

    @Test
    void ab_winner_tests_on_its_share_evenly_then_sends_the_rest_to_the_winner() throws Exception {
        try (var h = harness()) {
            h.open();
            DispatchEvent launch = control("LAUNCH", 1, "AB_WINNER", 0, 2 * 60_000);
            launch.control.testShare = 0.2;
            launch.control.testDurationMillis = 30_000;
            h.processElement(launch, T0);
            List<OutboxBatch> test = new ArrayList<>();
            for (long t = T0; t < T0 + 30_000; t += WAVE) {
                h.setProcessingTime(t);
                test.addAll(drain(h));
            }
            long inTest = ids(test).size();
            int cohort = cohort().size();
            assertThat(inTest).isBetween(Math.round(0.2 * cohort) - 1, Math.round(0.2 * cohort));
            long a = test.stream()
                    .filter(b -> b.variant.equals("A"))
                    .mapToLong(b -> b.size())
                    .sum();
            assertThat(Math.abs(2 * a - inTest)).isLessThanOrEqualTo(6); // even, up to one user per wave

            h.processElement(feedback("A", 500, 5), T0 + 29_000);
            h.processElement(feedback("B", 500, 30), T0 + 29_000);
            List<OutboxBatch> rest = new ArrayList<>();
            for (long t = T0 + 30_000; t <= T0 + 3 * 60_000; t += WAVE) {
                h.setProcessingTime(t);
                rest.addAll(drain(h));
            }
            assertThat(rest).isNotEmpty().allMatch(b -> b.variant.equals("B"));
            List<Long> all = new ArrayList<>(ids(test));
            all.addAll(ids(rest));
            assertThat(all).doesNotHaveDuplicates();
            assertThat(new HashSet<>(all)).isEqualTo(cohort());
        }
    }

    @Test
    void a_redelivered_launch_or_an_older_command_changes_nothing() throws Exception {
        try (var h = harness()) {
            h.open();
            h.processElement(control("LAUNCH", 1, "AB_FIXED", 0, 60_000), T0);
            h.setProcessingTime(T0 + WAVE);
            long first = ids(drain(h)).size();
            h.processElement(control("LAUNCH", 1, "AB_FIXED", 0, 60_000), T0 + WAVE);
            h.processElement(control("PAUSE", 0, "AB_FIXED", 0, 60_000), T0 + WAVE);
            h.setProcessingTime(T0 + 2 * WAVE);
            List<Long> next = ids(drain(h));
            assertThat(next).isNotEmpty();
            assertThat((long) next.size()).isLessThanOrEqualTo(first + 1);
        }
    }

    /** The generated audience, but the next reads fail with these exceptions, one each (static: the factory is serialized). */
    static final Deque<RuntimeException> FAILURES = new ConcurrentLinkedDeque<>();

    record FailingAudience(GeneratedAudience audience) implements AudienceSource.Factory {
        @Override
        public AudienceSource open() {
            AudienceSource inner = audience.open();
            return new AudienceSource() {
                @Override
                public long count(FilterChain chain, Instant asOf) {
                    fail();
                    return inner.count(chain, asOf);
                }

                @Override
                public UserColumns page(FilterChain chain, Instant asOf, long afterUserId, int limit) {
                    fail();
                    return inner.page(chain, asOf, afterUserId, limit);
                }

                @Override
                public boolean remote() {
                    return false;
                }

                private void fail() {
                    RuntimeException next = FAILURES.poll();
                    if (next != null) {
                        throw next;
                    }
                }
            };
        }
    }

    static ClickHouseException away() {
        return new ClickHouseException("Connection refused", new ConnectException("Connection refused"));
    }

    static ClickHouseException refused() {
        return new ClickHouseException(
                "reading the result of: SELECT ...",
                new ServerException(
                        0,
                        "Code: 62, e.displayText() = DB::Exception: Syntax error: failed at position 262145: Max query size exceeded",
                        400,
                        null));
    }

    @Test
    void clickhouse_away_only_slows_the_waves_and_a_refused_audience_fails_the_campaign_not_the_job() throws Exception {
        var operator = new KeyedProcessOperator<>(
                new WavePlanner(new FailingAudience(AUDIENCE), Duration.ofMillis(WAVE), 100_000, 500));
        try (var h = new KeyedOneInputStreamOperatorTestHarness<>(operator, DispatchEvent::campaignId, Types.LONG)) {
            h.setProcessingTime(T0);
            h.open();
            FAILURES.clear();
            FAILURES.add(away()); // the count at the first wave
            FAILURES.add(away()); // its retry
            h.processElement(control("LAUNCH", 1, "AB_FIXED", 0, 2 * 60_000), T0);
            h.setProcessingTime(T0);
            assertThat(drain(h)).isEmpty();
            h.setProcessingTime(T0 + 1_000); // first retry after 1 s
            assertThat(drain(h)).isEmpty();
            h.setProcessingTime(T0 + 3_000); // the second after 2 more: now it reads
            List<OutboxBatch> first = drain(h);
            assertThat(first).isNotEmpty();
            List<OutboxBatch> all = new ArrayList<>(first);
            for (long t = T0 + 3_000; t <= T0 + 3 * 60_000; t += 1_000) {
                h.setProcessingTime(t);
                all.addAll(drain(h));
            }
            assertThat(new HashSet<>(ids(all))).as("the outage cost no one").isEqualTo(cohort());
            assertThat(ids(all)).doesNotHaveDuplicates();
            assertThat(h.getSideOutput(WavePlanner.COMPLETIONS))
                    .extracting(r -> r.getValue().type)
                    .containsExactly("COMPLETED");
        }

        var failing = new KeyedProcessOperator<>(
                new WavePlanner(new FailingAudience(AUDIENCE), Duration.ofMillis(WAVE), 100_000, 500));
        try (var h = new KeyedOneInputStreamOperatorTestHarness<>(failing, DispatchEvent::campaignId, Types.LONG)) {
            h.setProcessingTime(T0);
            h.open();
            FAILURES.clear();
            FAILURES.add(refused());
            h.processElement(control("LAUNCH", 1, "AB_FIXED", 0, 2 * 60_000), T0);
            h.setProcessingTime(T0 + 3 * 60_000);
            assertThat(drain(h)).isEmpty();
            assertThat(h.getSideOutput(WavePlanner.COMPLETIONS)).singleElement().satisfies(r -> {
                assertThat(r.getValue().type).isEqualTo("FAILED");
                assertThat(r.getValue().reason).contains("its audience cannot be read", "Max query size exceeded");
                assertThat(r.getValue().report().reason()).isEqualTo(r.getValue().reason);
            });
            assertThat(h.numProcessingTimeTimers())
                    .as("only the one that forgets it a day later")
                    .isEqualTo(1);
            h.processElement(control("RESUME", 2, "AB_FIXED", 0, 2 * 60_000), T0 + 3 * 60_000);
            h.setProcessingTime(T0 + 4 * 60_000);
            assertThat(drain(h)).as("a failed campaign stays failed").isEmpty();
            assertThat(h.numProcessingTimeTimers()).isEqualTo(1);
        }
    }

    @Test
    void a_campaign_is_forgotten_a_day_after_it_is_over_and_a_launch_of_a_long_gone_window_is_ignored()
            throws Exception {
        long day = Duration.ofDays(1).toMillis();
        try (var h = harness()) {
            h.open();
            h.processElement(control("LAUNCH", 1, "AB_FIXED", 0, 60_000), T0);
            for (long t = T0; t <= T0 + 2 * 60_000; t += WAVE) {
                h.setProcessingTime(t);
            }
            assertThat(h.getSideOutput(WavePlanner.COMPLETIONS)).hasSize(1);
            assertThat(h.numKeyedStateEntries()).isEqualTo(1);
            h.setProcessingTime(T0 + 2 * 60_000 + day);
            assertThat(h.numKeyedStateEntries()).as("over for a day: forgotten").isZero();
            drain(h);
            h.processElement(
                    control("LAUNCH", 1, "AB_FIXED", 0, 60_000), T0 + 2 * 60_000 + day); // republished long after
            h.setProcessingTime(T0 + 3 * 60_000 + day);
            assertThat(drain(h)).as("nobody gets it again").isEmpty();
            assertThat(h.numKeyedStateEntries()).isZero();
        }
        try (var h = harness()) {
            h.open();
            h.processElement(control("LAUNCH", 1, "AB_FIXED", 0, 60_000), T0);
            h.processElement(control("PAUSE", 2, "AB_FIXED", 0, 60_000), T0);
            h.setProcessingTime(
                    T0 + 60_000 + day); // paused past its window for a day: completed, its audience unreleased
            assertThat(h.getSideOutput(WavePlanner.COMPLETIONS))
                    .singleElement()
                    .satisfies(r -> assertThat(r.getValue().type).isEqualTo("COMPLETED"));
            h.setProcessingTime(T0 + 60_000 + 2 * day);
            assertThat(h.numKeyedStateEntries()).isZero();
        }
    }

    @Test
    void feedback_for_a_campaign_or_variant_the_planner_does_not_know_is_refused_with_the_reason() throws Exception {
        try (var h = harness()) {
            h.open();
            h.processElement(feedback("A", 10, 1), T0); // campaign 7 not launched yet
            h.processElement(control("LAUNCH", 1, "BANDIT", 0, 60_000), T0);
            h.processElement(feedback("Z", 10, 1), T0);
            h.processElement(feedback("B", 10, 1), T0);
            assertThat(h.getSideOutput(WavePlanner.REFUSED_FEEDBACK))
                    .extracting(r -> r.getValue().variant + ": " + r.getValue().error)
                    .containsExactly(
                            "A: campaign 7 is unknown to the planner (never launched, or over for more than a day)",
                            "Z: campaign 7 has no variant 'Z'");
        }
    }
}
