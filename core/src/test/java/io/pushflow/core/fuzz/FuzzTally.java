package io.pushflow.core.fuzz;

import io.pushflow.core.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.ToLongFunction;

/**
 * What a fuzz suite threw at each surface and how it answered, printed as a table and merged as one section into
 * a JSON file ({@code -Dfuzz.out}, default {@code target/fuzz.json}), so the REST and the queue suites share one report.
 */
public final class FuzzTally {

    /** One surface: a REST operation or a queue. */
    public static final class Surface {
        public final String name;
        public long inputs;
        /** 2xx: the draw happened to be a valid request. */
        public long accepted;

        public long clientErrors;
        public long serverErrors;
        /** answers the OpenAPI document does not allow, or 4xx not in the error shape */
        public long undocumented;

        public long noAnswer;
        /** a documented 503: the operation needs a service this environment does not configure (the provider of test sends) */
        public long unavailable;
        /** requests sent again because their pooled connection was found closed before the server read them */
        public long retried;

        public long deadLettered;
        /** left on the queue after the run: neither consumed nor dead-lettered */
        public long stuck;
        /** entries in the Flink jobs' exception history (task failures) during the run */
        public long taskFailures;

        Surface(String name) {
            this.name = name;
        }

        Map<String, Object> json() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("inputs", inputs);
            m.put("2xx", accepted);
            m.put("4xx", clientErrors);
            m.put("5xx", serverErrors);
            m.put("undocumented", undocumented);
            m.put("noAnswer", noAnswer);
            m.put("unavailable", unavailable);
            m.put("retried", retried);
            m.put("deadLettered", deadLettered);
            m.put("stuck", stuck);
            m.put("taskFailures", taskFailures);
            return m;
        }
    }

    private final Map<String, Surface> surfaces = new LinkedHashMap<>();

    public synchronized Surface surface(String name) {
        return surfaces.computeIfAbsent(name, Surface::new);
    }

    public synchronized long total(ToLongFunction<Surface> field) {
        return surfaces.values().stream().mapToLong(field).sum();
    }

    public synchronized void print() {
        System.out.printf(
                "%-46s %7s %6s %6s %5s %7s %7s %6s %6s %6s%n",
                "surface", "inputs", "2xx", "4xx", "5xx", "undoc", "noansw", "dead", "stuck", "fails");
        for (Surface s : surfaces.values()) {
            System.out.printf(
                    "%-46s %7d %6d %6d %5d %7d %7d %6d %6d %6d%n",
                    s.name,
                    s.inputs,
                    s.accepted,
                    s.clientErrors,
                    s.serverErrors,
                    s.undocumented,
                    s.noAnswer,
                    s.deadLettered,
                    s.stuck,
                    s.taskFailures);
        }
    }

    /** Puts this tally into the report file as {@code section}, keeping the other suites' sections. */
    public synchronized void write(String section) throws IOException {
        Path out = Path.of(System.getProperty("fuzz.out", "target/fuzz.json"));
        Map<String, Object> report = new LinkedHashMap<>();
        if (Files.exists(out)) {
            @SuppressWarnings("unchecked")
            Map<String, Object> before = Json.read(Files.readString(out), Map.class);
            report.putAll(before);
        }
        Map<String, Object> mine = new LinkedHashMap<>();
        surfaces.values().forEach(s -> mine.put(s.name, s.json()));
        report.put(
                section,
                Map.of(
                        "seed",
                        Long.getLong("fuzz.seed", 17),
                        "perSurface",
                        Integer.getInteger("fuzz.count", 100),
                        "surfaces",
                        mine));
        if (out.getParent() != null) {
            Files.createDirectories(out.getParent());
        }
        Files.writeString(out, Json.write(report));
    }
}
