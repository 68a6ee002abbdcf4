package io.pushflow.bench;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** The benchmarks {@code bin/pushflow bench} runs, by the name on its command line, as {@code bench} alone lists them. */
enum Scenario {
    IMPORT("""
            stream 1,000,000 generated users as NDJSON to POST /api/v1/users/import, 3 runs, beside the
            raw ClickHouse insert of the same users -> bench-results/import.json
            (ClickHouse database pushflow_bench_import, dropped and re-created every run)"""),
    COHORTS("""
            8 typical filter chains x 20 on 18,000,000 users: POST /api/v1/cohorts/preview (exact=false
            and true) beside the raw ClickHouse count -> bench-results/cohorts.json
            (ClickHouse database pushflow_bench, loaded once and reused)"""),
    STATS("""
            a launched campaign with 10,000,000 event rows: GET /api/v1/campaigns/{id}/stats x 100 beside
            the raw ClickHouse queries, and the time from a click on push.events to the stats counting it
            (status job in-process) -> bench-results/stats.json (ClickHouse database pushflow_bench_stats)"""),
    SIGNALS("""
            how long a click takes to reach the bandit: the status job (local Flink, default pacing) and the
            provider simulator, one campaign counting the app's events and one the provider's click counts
            (polled), each user's click against the bandit.feedback message that carried it
            -> bench-results/signals.json (ClickHouse database pushflow_bench_signals, dropped at the end)"""),
    DELIVERY("""
            300,000 users waiting on push.outbox through the delivery job (local Flink, parallelism 2) to a
            zero-latency strict OneSignal fake, 3 runs, beside the OneSignal client alone against the fake
            -> bench-results/delivery.json (ClickHouse database pushflow_bench_delivery, re-created every run)"""),
    E2E("""
            campaigns to 1,000,000 users (pace ASAP) created and launched through the admin service, the three
            jobs at parallelism 2 on a Flink cluster of their own, the provider simulator with zero latency:
            a million pushes to warm the cluster up, then 3 measured campaigns (--runs), each after the JIT compilers
            and ClickHouse's merges are done: launch to the last outcome row (median and spread), time to first push,
            the Flink processes' peak memory, CPU per user per process; all of it first on the one-JVM cluster, then
            on Flink's standalone cluster (a JobManager and two TaskManager processes), each rate and their ratio;
            beside them RabbitMQ's raw rate with the same outbox batches and ClickHouse's raw insert rate of outcome
            rows (--cluster local|standalone: that cluster alone; --provider direct: DIRECT campaigns, straight to
            the simulator's APNs and FCM, one request per device)
            -> bench-results/e2e.json (both; each alone in e2e-local.json, e2e-standalone.json; ClickHouse database
            pushflow_bench_e2e, re-created every run)"""),
    SCALE("""
            e2e at 100,000, 1,000,000 and 5,000,000 users (BENCH_SCALE_SIZES), one measured campaign each on a
            fresh cluster -> bench-results/scale.json
            (BENCH_JOB_ENV="NAME=value ..." adds settings to the jobs of e2e and scale, e.g. CHECKPOINT_INTERVAL_MS)"""),
    BANDIT("""
            BANDIT, AB_WINNER and an even split side by side through the whole pipeline on three equal
            audiences (240,000 users), creatives with true click rates 2%, 3%, 4.5% known only to the
            simulator: clicks as a share of an oracle's, beside an offline replay of the same policies
            (300 repetitions) -> bench-results/bandit.json (ClickHouse database pushflow_bench_bandit)"""),
    ADMIN("""
            the config API under load from wrk (Debian's, installed when missing) with Basic auth: 60 campaigns,
            40 cohorts, 120 pushes seeded through the API, then each endpoint alone and a weighted mix at 8, 32
            and 128 connections, 10 s x 3 runs, beside /health/liveness and the raw JDBC rate of the campaign
            list's SQL -> bench-results/admin.json (MySQL database pushflow_bench_admin, re-created every run)"""),
    EVENTS("""
            POST /api/v1/events with an app key: 1,000 events a request on 4 connections, 10 s x 3 runs after a
            warm-up of a million events, beside the same PushEvents batches published straight to RabbitMQ with confirms
            -> bench-results/events.json (MySQL database pushflow_bench_events, re-created every run; queues of a
            prefix of its own, deleted after)"""),
    SENDERS("""
            the direct senders (APNs over HTTP/2, FCM) and the OneSignal client, each against its fake in this
            process: 40,000 pushes a run in batches of 1,000 from 4 threads, 3 runs per setting (--pushes, --runs,
            --threads, --batch, --only apns,fcm,onesignal) -> bench-results/device-senders.json (no services)"""),
    SUPPRESSION("""
            the delivery job's suppression state at 18,000,000 users with a fifth suppressed (arguments: users
            share): heap and serialized size of the bitmap beside a HashSet of the same ids, lookups per second
            (no services; printed only)"""),
    FUZZ("""
            1,000 generated hostile inputs at every REST operation (each role, an app key, nobody) and at every
            queue the admin service and the jobs read, one valid campaign running alongside: the fuzz suites
            (admin-service AdminFuzzTest, flink-jobs JobsFuzzTest, and demo RestFuzzBesideCampaignTest: the REST
            fuzz against the admin service as a process while a campaign goes out through the three jobs) at full
            count (--count N, default 1000)
            -> bench-results/fuzz.json (databases and queues of their own, dropped after)"""),
    SRM("""
            the SRM guardrail offline: 1,000 seeded campaigns of 100,000 users per kind (a bandit and an even
            split, healthy or with one variant failing more often), the guardrail's own test after every wave:
            false-alarm and detection rates -> bench-results/srm.json (no services)"""),
    CHAOS("""
            100 rounds of the chaos suite over every fault kind (bin/pushflow chaos --rounds 100; options as
            `chaos --help`), about 4 hours -> bench-results/chaos.json (not part of `all`)"""),
    ALL("""
            every scenario in turn, then the table -> docs/measurements.md (between its bench all markers)""");

    /** What {@code bench all} runs, in this order. */
    static final List<Scenario> ALL_RUNS = List.of(IMPORT, COHORTS, STATS, DELIVERY, E2E, SCALE, ADMIN, BANDIT);

    private final String description;

    Scenario(String description) {
        this.description = description;
    }

    String label() {
        return name().toLowerCase();
    }

    static Optional<Scenario> of(String label) {
        return Arrays.stream(values()).filter(s -> s.label().equals(label)).findFirst();
    }

    void describe(PrintStream out) {
        out.printf("  %-9s %s%n", label(), description.replace("\n", "\n            "));
    }

    static void list(PrintStream out) {
        out.println(
                "benchmark scenarios (bin/pushflow bench <scenario> [args]; `bench <scenario> --help` for the options):");
        for (Scenario s : values()) {
            s.describe(out);
        }
    }
}
