package io.pushflow.bench.admin;

import io.pushflow.bench.Spread;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;

/** The runs of one load (an endpoint or the mix) at one connection count, summed up over the runs. */
final class LoadRuns {

    /** One wrk run with the CPU seconds the watched processes (and wrk) used during it. */
    record Run(WrkReport wrk, Map<String, Double> cpuSeconds) {}

    /** Min, median and max over the runs. */
    record Summary(double min, double median, double max, double spreadPercent) {
        static Summary of(List<Double> values) {
            Spread s = Spread.of(values);
            return new Summary(r2(s.min()), r2(s.p50()), r2(s.max()), r2(s.spreadPercent()));
        }
    }

    /**
     * A load at one connection count: requests/s and latency per run (the latencies are wrk's per run, summed up as
     * the median run and the worst), non-2xx answers by status, requests without an answer, and cores used (CPU
     * seconds / wall seconds) per watched process.
     */
    record Result(
            String load,
            int connections,
            int runs,
            Summary requestsPerSecond,
            Summary p50Millis,
            Summary p90Millis,
            Summary p99Millis,
            double maxMillis,
            long requests,
            long non2xx,
            long socketErrors,
            Map<String, Long> statuses,
            Map<String, Long> sent,
            Map<String, Summary> cores) {}

    private LoadRuns() {}

    static Result summarize(String load, int connections, List<Run> runs) {
        if (runs.isEmpty()) {
            throw new IllegalArgumentException("no runs of " + load + " at " + connections + " connections");
        }
        Map<String, Long> statuses = new TreeMap<>();
        Map<String, Long> sent = new TreeMap<>();
        Map<String, List<Double>> cores = new TreeMap<>();
        long requests = 0;
        long non2xx = 0;
        long socketErrors = 0;
        double max = 0;
        for (Run r : runs) {
            WrkReport w = r.wrk();
            w.statuses().forEach((k, v) -> statuses.merge(k, v, Long::sum));
            w.sent().forEach((k, v) -> sent.merge(k, v, Long::sum));
            r.cpuSeconds()
                    .forEach((k, v) -> cores.computeIfAbsent(k, x -> new ArrayList<>())
                            .add(w.seconds() == 0 ? 0 : v / w.seconds()));
            requests += w.requests();
            non2xx += w.non2xx();
            socketErrors += w.socketErrors();
            max = Math.max(max, w.maxMicros());
        }
        Map<String, Summary> coreSummaries = new TreeMap<>();
        cores.forEach((k, v) -> coreSummaries.put(k, Summary.of(v)));
        return new Result(
                load,
                connections,
                runs.size(),
                Summary.of(runs.stream().map(r -> r.wrk().requestsPerSecond()).toList()),
                millis(runs, WrkReport::p50Micros),
                millis(runs, WrkReport::p90Micros),
                millis(runs, WrkReport::p99Micros),
                r2(max / 1000),
                requests,
                non2xx,
                socketErrors,
                statuses,
                sent,
                coreSummaries);
    }

    private static Summary millis(List<Run> runs, ToDoubleFunction<WrkReport> micros) {
        return Summary.of(
                runs.stream().map(r -> micros.applyAsDouble(r.wrk()) / 1000).toList());
    }

    static double r2(double v) {
        return Math.round(v * 100) / 100.0;
    }
}
