package io.pushflow.bench.admin;

import com.fasterxml.jackson.databind.JsonNode;
import io.pushflow.core.json.Json;
import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;

/**
 * What one wrk run measured, from the single {@code WRK_JSON {...}} line that admin-load.lua's {@code done()} prints
 * (latencies in microseconds, as wrk keeps them).
 */
record WrkReport(
        long requests,
        double seconds,
        long bytes,
        long connectErrors,
        long readErrors,
        long writeErrors,
        long timeouts,
        double p50Micros,
        double p90Micros,
        double p99Micros,
        double maxMicros,
        double meanMicros,
        Map<String, Long> statuses,
        Map<String, Long> sent) {

    static final String MARKER = "WRK_JSON ";

    static WrkReport parse(String wrkOutput) {
        String line = wrkOutput
                .lines()
                .filter(l -> l.startsWith(MARKER))
                .reduce((first, second) -> second)
                .orElseThrow(() -> new IllegalArgumentException(
                        "wrk printed no " + MARKER.trim() + " line: " + abbreviate(wrkOutput)));
        JsonNode j;
        try {
            j = Json.MAPPER.readTree(line.substring(MARKER.length()));
        } catch (IOException e) {
            throw new IllegalArgumentException("wrk's " + MARKER.trim() + " line is not JSON: " + line, e);
        }
        JsonNode errors = j.path("errors");
        JsonNode latency = j.path("latencyMicros");
        return new WrkReport(
                j.path("requests").asLong(),
                j.path("durationMicros").asDouble() / 1e6,
                j.path("bytes").asLong(),
                errors.path("connect").asLong(),
                errors.path("read").asLong(),
                errors.path("write").asLong(),
                errors.path("timeout").asLong(),
                latency.path("p50").asDouble(),
                latency.path("p90").asDouble(),
                latency.path("p99").asDouble(),
                latency.path("max").asDouble(),
                latency.path("mean").asDouble(),
                counts(j.path("statuses")),
                counts(j.path("sent")));
    }

    double requestsPerSecond() {
        return seconds == 0 ? 0 : requests / seconds;
    }

    /** Answers whose status was not 2xx. */
    long non2xx() {
        return statuses.entrySet().stream()
                .filter(e -> !e.getKey().startsWith("2"))
                .mapToLong(Map.Entry::getValue)
                .sum();
    }

    /** Connections that failed, reads or writes that broke, and requests that timed out: requests without an answer. */
    long socketErrors() {
        return connectErrors + readErrors + writeErrors + timeouts;
    }

    private static Map<String, Long> counts(JsonNode object) {
        Map<String, Long> out = new TreeMap<>();
        object.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asLong()));
        return out;
    }

    private static String abbreviate(String s) {
        return s.length() > 500 ? s.substring(0, 500) + "..." : s;
    }
}
