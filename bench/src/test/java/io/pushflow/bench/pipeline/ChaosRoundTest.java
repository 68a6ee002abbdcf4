package io.pushflow.bench.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushflow.core.json.Json;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The chaos suite's arithmetic without a cluster: recovery times, what a seed draws, the table, the JSON it reads back. */
class ChaosRoundTest {

    /** 100 pushes a second until {@code stopAt}, none until {@code resumeAt}, then {@code after} a second; a sample every 250 ms. */
    private static List<long[]> curve(long stopAt, long resumeAt, long after, long end) {
        List<long[]> samples = new ArrayList<>();
        long n = 0;
        for (long t = 0; t <= end; t += 250) {
            samples.add(new long[] {t, n});
            n += t < stopAt ? 25 : t < resumeAt ? 0 : after / 4;
        }
        return samples;
    }

    @Test
    void recovery_is_from_the_fault_until_the_rate_is_back_at_half() {
        List<long[]> samples = curve(20_000, 32_000, 100, 60_000);
        Long ms = ChaosRound.recoveryMs(samples, 20_000);
        assertThat(ms)
                .as("12 s without sends, then 2 s of the full rate fill half of a 4 s window")
                .isBetween(13_500L, 14_500L);
        assertThat(ChaosRound.recoveryMs(curve(60_000, 60_000, 0, 60_000), 20_000))
                .as("a fault that never slowed the sends")
                .isEqualTo(4_000L);
        assertThat(ChaosRound.recoveryMs(curve(20_000, 60_001, 0, 60_000), 20_000))
                .as("never back")
                .isNull();
        assertThat(ChaosRound.recoveryMs(samples, 1_000))
                .as("nothing to compare before the fault")
                .isNull();
    }

    @Test
    void a_seed_draws_the_same_faults_and_a_pause_never_alone() {
        List<ChaosFault> all = List.of(ChaosFault.values());
        for (long seed = 0; seed < 200; seed++) {
            List<ChaosFault> drawn = ChaosRound.draw(seed, all);
            assertThat(drawn).isEqualTo(ChaosRound.draw(seed, all));
            assertThat(drawn.stream().filter(f -> f != ChaosFault.PAUSE)).hasSizeBetween(1, 2);
        }
        assertThat(ChaosRound.draw(7, ChaosFault.parse("no-services"))).noneMatch(f -> f.service);
        assertThat(ChaosFault.parse("taskmanager, provider-429"))
                .containsExactly(ChaosFault.TASKMANAGER, ChaosFault.PROVIDER_429);
    }

    @Test
    void the_table_counts_each_kind_a_round_had_and_the_json_reads_back() throws Exception {
        ChaosRound.Injected tm = new ChaosRound.Injected(ChaosFault.TASKMANAGER, 20_000, 17_000, "killed", null);
        ChaosRound.Injected slow = new ChaosRound.Injected(ChaosFault.PROVIDER_SLOW, 40_000, 30_000, "slow", null);
        List<ChaosRound.Result> rounds = List.of(
                new ChaosRound.Result(
                        1,
                        5,
                        10,
                        List.of(tm),
                        true,
                        Arrays.asList(9_000L),
                        true,
                        List.of(),
                        100,
                        100,
                        100,
                        0,
                        0,
                        0,
                        0,
                        6,
                        80),
                new ChaosRound.Result(
                        2,
                        6,
                        11,
                        List.of(tm, slow),
                        false,
                        Arrays.asList(5_000L, null),
                        false,
                        List.of("x"),
                        100,
                        99,
                        99,
                        1,
                        3,
                        2,
                        0,
                        0,
                        90));
        Map<String, Map<String, Object>> table = ChaosBench.perKind(rounds);
        assertThat(table.keySet()).containsExactly("taskmanager", "provider-slow", "pause");
        assertThat(table.get("taskmanager"))
                .containsEntry("rounds", 2)
                .containsEntry("passed", 1L)
                .containsEntry("missing", 1L)
                .containsEntry("duplicates", 2L)
                .containsEntry("recoveryMedianSeconds", 9.0)
                .containsEntry("recoveryMaxSeconds", 9.0);
        assertThat(table.get("provider-slow"))
                .containsEntry("recoveryNotMeasured", 1)
                .containsEntry("recoveryMedianSeconds", null);

        ChaosRound.Result[] back =
                Json.MAPPER.readValue(Json.MAPPER.writeValueAsString(rounds), ChaosRound.Result[].class);
        assertThat(List.of(back)).isEqualTo(rounds);
    }
}
