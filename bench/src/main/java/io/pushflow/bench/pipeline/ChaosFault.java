package io.pushflow.bench.pipeline;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The faults of {@code bin/pushflow chaos}, by the name {@code --faults} takes. A pause is no fault of its own: the
 * marketer pauses and resumes the campaign in the middle of another one.
 */
enum ChaosFault {
    /** kill -9 of one TaskManager, then a replacement started, as a supervisor would. */
    TASKMANAGER("taskmanager", false),
    /** kill -9 of the JobManager (without HA its jobs die with it), then the cluster again and {@code jobs resume}. */
    JOBMANAGER("jobmanager", false),
    /** {@code rabbitmqctl stop_app}, 10-20 s, {@code start_app}. */
    RABBITMQ("rabbitmq", true),
    /** ClickHouse stopped for 20-60 s. */
    CLICKHOUSE("clickhouse", true),
    /** MariaDB stopped for 20 s. */
    MARIADB("mariadb", true),
    /** Every call to the provider answered 429 with Retry-After for 15-40 s. */
    PROVIDER_429("provider-429", false),
    /** Every call to the provider answered 503 for 15-40 s. */
    PROVIDER_5XX("provider-5xx", false),
    /** Every call to the provider answered 10 s late for 15-40 s. */
    PROVIDER_SLOW("provider-slow", false),
    /** Stop-with-savepoint of one job and its start from the savepoint at the other parallelism (1 or 2). */
    RESCALE("rescale", false),
    /** A PAUSE and a RESUME by the marketer in the middle of another fault. */
    PAUSE("pause", false);

    final String label;
    /** Stops a service other programs on the machine may use too. */
    final boolean service;

    ChaosFault(String label, boolean service) {
        this.label = label;
        this.service = service;
    }

    static ChaosFault of(String label) {
        return Arrays.stream(values())
                .filter(f -> f.label.equals(label.trim().toLowerCase(Locale.ROOT)))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException(
                        "unknown fault kind '" + label + "'; the kinds: " + labels(List.of(values()))));
    }

    /** {@code all}, {@code no-services} (everything but stopping RabbitMQ, ClickHouse and MariaDB), or a comma-separated list. */
    static List<ChaosFault> parse(String list) {
        return switch (list.trim()) {
            case "all" -> List.of(values());
            case "no-services" ->
                Arrays.stream(values()).filter(f -> !f.service).toList();
            default ->
                Arrays.stream(list.split(","))
                        .filter(s -> !s.isBlank())
                        .map(ChaosFault::of)
                        .distinct()
                        .toList();
        };
    }

    static String labels(List<ChaosFault> faults) {
        return String.join(",", faults.stream().map(f -> f.label).toList());
    }
}
