package io.pushflow.bench.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LoadRunsTest {

    private static String line(long requests, long p50, long p99, long max, String statuses) {
        return "Running 10s test @ http://127.0.0.1:18080\n  2 threads and 8 connections\n"
                + "WRK_JSON {\"requests\":" + requests + ",\"durationMicros\":10000000,\"bytes\":123456,"
                + "\"errors\":{\"connect\":0,\"read\":1,\"write\":0,\"status\":3,\"timeout\":2},"
                + "\"latencyMicros\":{\"min\":100,\"mean\":900.5,\"stdev\":50.1,\"p50\":" + p50
                + ",\"p90\":2000,\"p99\":" + p99
                + ",\"max\":" + max + "},\"statuses\":" + statuses
                + ",\"sent\":{\"push-create\":40,\"push-update\":60}}\n";
    }

    @Test
    void parsesTheLineDonePrints() {
        WrkReport r = WrkReport.parse(line(5000, 1500, 9000, 20000, "{\"200\":4990,\"201\":7,\"409\":2,\"500\":1}"));
        assertThat(r.requests()).isEqualTo(5000);
        assertThat(r.seconds()).isEqualTo(10.0);
        assertThat(r.requestsPerSecond()).isEqualTo(500.0);
        assertThat(r.p50Micros()).isEqualTo(1500);
        assertThat(r.p99Micros()).isEqualTo(9000);
        assertThat(r.non2xx()).isEqualTo(3);
        assertThat(r.socketErrors()).isEqualTo(3);
        assertThat(r.sent()).containsEntry("push-update", 60L);
    }

    @Test
    void refusesOutputWithoutTheLine() {
        assertThatThrownBy(() -> WrkReport.parse("unable to connect to 127.0.0.1:1 Connection refused\n"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("WRK_JSON");
    }

    @Test
    void summarizesRunsAsMedianAndRangeWithStatusesAdded() {
        List<LoadRuns.Run> runs = List.of(
                new LoadRuns.Run(
                        WrkReport.parse(line(3000, 1000, 8000, 30000, "{\"200\":3000}")),
                        Map.of("admin", 15.0, "wrk", 1.0)),
                new LoadRuns.Run(
                        WrkReport.parse(line(5000, 3000, 9000, 20000, "{\"200\":4998,\"409\":2}")),
                        Map.of("admin", 19.0, "wrk", 2.0)),
                new LoadRuns.Run(
                        WrkReport.parse(line(4000, 2000, 7000, 10000, "{\"200\":4000}")),
                        Map.of("admin", 17.0, "wrk", 3.0)));

        LoadRuns.Result r = LoadRuns.summarize("writes", 32, runs);

        assertThat(r.requestsPerSecond()).isEqualTo(new LoadRuns.Summary(300, 400, 500, 50));
        assertThat(r.p50Millis().median()).isEqualTo(2.0);
        assertThat(r.p99Millis().median()).isEqualTo(8.0);
        assertThat(r.maxMillis()).isEqualTo(30.0);
        assertThat(r.requests()).isEqualTo(12000);
        assertThat(r.non2xx()).isEqualTo(2);
        assertThat(r.statuses()).containsEntry("200", 11998L).containsEntry("409", 2L);
        assertThat(r.sent()).containsEntry("push-create", 120L);
        assertThat(r.cores().get("admin").median()).isEqualTo(1.7);
        assertThat(r.cores().get("wrk").max()).isEqualTo(0.3);
    }

    @Test
    void ratiosAreOverHealthAndCohortFieldsAtTheSameConnections() {
        List<LoadRuns.Run> one =
                List.of(new LoadRuns.Run(WrkReport.parse(line(10000, 1000, 2000, 3000, "{\"200\":10000}")), Map.of()));
        List<LoadRuns.Run> two =
                List.of(new LoadRuns.Run(WrkReport.parse(line(40000, 1000, 2000, 3000, "{\"200\":40000}")), Map.of()));
        List<LoadRuns.Run> list =
                List.of(new LoadRuns.Run(WrkReport.parse(line(2000, 1000, 2000, 3000, "{\"200\":2000}")), Map.of()));
        AdminBench.Raw raw =
                new AdminBench.Raw("raw", 10, new LoadRuns.Summary(800, 800, 800, 0), 1, 2, 8000, List.of());

        List<AdminBench.Ratio> ratios = AdminBench.ratios(
                List.of(
                        LoadRuns.summarize("health", 8, one),
                        LoadRuns.summarize("cohort-fields", 8, two),
                        LoadRuns.summarize("campaigns-list", 8, list)),
                raw);

        assertThat(ratios)
                .containsExactly(
                        new AdminBench.Ratio("cohort-fields", 8, 4.0, null, null),
                        new AdminBench.Ratio("campaigns-list", 8, 0.2, 0.05, 0.25));
    }

    @Test
    void luaStringsEscapeQuotesBackslashesAndNewlines() {
        assertThat(AdminBench.luaString("{\"a\":\"b\\\\c\"}\n")).isEqualTo("\"{\\\"a\\\":\\\"b\\\\\\\\c\\\"}\\n\"");
    }
}
