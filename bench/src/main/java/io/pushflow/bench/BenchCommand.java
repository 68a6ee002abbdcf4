package io.pushflow.bench;

import io.pushflow.bench.admin.AdminBench;
import io.pushflow.bench.admin.CohortBench;
import io.pushflow.bench.admin.EventsBench;
import io.pushflow.bench.admin.ImportBench;
import io.pushflow.bench.jobs.DeliveryBench;
import io.pushflow.bench.jobs.SignalsBench;
import io.pushflow.bench.jobs.StatsBench;
import io.pushflow.bench.jobs.SuppressionSize;
import io.pushflow.bench.pipeline.BanditBench;
import io.pushflow.bench.pipeline.ClusterComparison;
import io.pushflow.bench.pipeline.EndToEndBench;
import io.pushflow.bench.pipeline.ScaleReport;
import io.pushflow.bench.provider.DeviceSenderBench;
import io.pushflow.simulator.SrmSimulation;
import io.pushflow.store.ClickHouse;
import io.pushflow.tools.Cli;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code bin/pushflow bench [SCENARIO] [ARGS]}: a benchmark with what it needs around it (the services, an admin
 * service of its own, a Flink cluster of its own, fresh databases), its own arguments passed through; alone, the list.
 */
@Command(name = "bench", description = "run a benchmark scenario (alone: list them); its arguments go to the benchmark")
final class BenchCommand implements Callable<Integer> {

    /** The jobs' settings for the throughput benchmarks: waves every second of up to 100,000 users. */
    private static final String E2E_JOB_SETTINGS = "DISPATCH_WAVE_INTERVAL_MS=1000 DISPATCH_MAX_WAVE=100000";
    /** For the bandit benchmark: waves every 5 s, feedback every 2 s, trials settled after the simulator's mean delays (~11 s). */
    private static final String BANDIT_JOB_SETTINGS =
            "DISPATCH_WAVE_INTERVAL_MS=5000 FEEDBACK_INTERVAL_MS=2000 FEEDBACK_CLICK_DELAY_MS=11000";

    private static final String REPORT = "docs/measurements.md";

    @Parameters(index = "0", arity = "0..1", paramLabel = "SCENARIO")
    private String scenario;

    @Parameters(index = "1..*", paramLabel = "ARG")
    private List<String> args = new ArrayList<>();

    private final BenchHost host = new BenchHost();

    @Override
    public Integer call() throws Exception {
        if (scenario == null) {
            Scenario.list(System.out);
            return 0;
        }
        Scenario s = Scenario.of(scenario).orElse(null);
        if (s == null) {
            Scenario.list(System.err);
            System.err.println("bench: unknown benchmark scenario: " + scenario);
            return 1;
        }
        boolean help = args.contains("-h") || args.contains("--help");
        return switch (s) {
            case IMPORT ->
                help
                        ? help(ImportBench.class)
                        : withAdmin(ImportBench.class, "pushflow_bench_import", "pushflow_bench");
            case COHORTS ->
                help ? help(CohortBench.class) : withAdmin(CohortBench.class, "pushflow_bench", "pushflow_bench");
            case STATS -> help ? help(StatsBench.class) : stats();
            case ADMIN -> help ? help(AdminBench.class) : admin();
            case EVENTS -> help ? help(EventsBench.class) : events();
            case DELIVERY -> program(DeliveryBench.class, List.of(), !help);
            case SIGNALS -> program(SignalsBench.class, List.of("--database", "pushflow_bench_signals"), !help);
            case SENDERS -> program(DeviceSenderBench.class, List.of(), false);
            case SUPPRESSION -> program(SuppressionSize.class, List.of(), false);
            case SRM -> program(SrmSimulation.class, List.of(), false);
            case E2E -> help ? help(EndToEndBench.class) : e2e();
            case SCALE -> help ? help(EndToEndBench.class) : scale();
            case BANDIT -> help ? help(BanditBench.class) : bandit();
            case FUZZ -> help ? describe(s) : fuzz();
            case CHAOS -> ChaosCommand.run(host, withFirst(List.of("--rounds", "100"), args));
            case ALL -> help ? describe(s) : all();
        };
    }

    private int help(Class<?> program) throws Exception {
        return host.runJava(program.getName(), List.of("--help"));
    }

    private int describe(Scenario s) {
        s.describe(System.out);
        return 0;
    }

    private int program(Class<?> program, List<String> first, boolean servicesUp) throws Exception {
        if (servicesUp) {
            host.servicesUp();
        }
        return host.runJava(program.getName(), withFirst(first, args));
    }

    private static List<String> withFirst(List<String> first, List<String> rest) {
        List<String> all = new ArrayList<>(first);
        all.addAll(rest);
        return all;
    }

    /** A benchmark of the admin service against one of its own on a free port from 18080, with the processes to watch. */
    private int withAdmin(Class<?> program, String clickHouseDatabase, String mysqlDatabase) throws Exception {
        host.servicesUp();
        try (HelperAdmin admin = helperAdmin(18080, mysqlDatabase, clickHouseDatabase, "bench.")) {
            List<String> first = new ArrayList<>(List.of("--url", admin.url, "--database", clickHouseDatabase));
            first.addAll(credentials());
            first.addAll(watch(host.watched(admin.pid(), false, false)));
            return host.runJava(program.getName(), withFirst(first, args));
        }
    }

    /** An admin service of the benchmark's own on a free port from {@code fromPort}; it logs to bench-admin.log. */
    private HelperAdmin helperAdmin(int fromPort, String mysqlDatabase, String clickHouseDatabase, String queuePrefix)
            throws Exception {
        return new HelperAdmin(
                host,
                "benchmark",
                host.freePort(fromPort),
                mysqlDatabase,
                clickHouseDatabase,
                queuePrefix,
                host.stateDir("bench-admin.log"));
    }

    private static List<String> credentials() {
        return List.of("--user", BenchHost.USER, "--password", BenchHost.PASSWORD);
    }

    private static List<String> watch(Map<String, Long> pids) {
        List<String> args = new ArrayList<>();
        pids.forEach((name, pid) -> args.addAll(List.of("--watch", name + "=" + pid)));
        return args;
    }

    /** Each run loads its own 10M rows: from an empty database; the jobs' benchmark takes no --watch. */
    private int stats() throws Exception {
        String database = "pushflow_bench_stats";
        host.servicesUp();
        try (ClickHouse ch = new ClickHouse(ClickHouse.Config.fromEnvironment().withDatabase(database))) {
            ch.dropDatabase();
        }
        try (HelperAdmin admin = helperAdmin(18080, "pushflow_bench", database, "bench.")) {
            List<String> first = new ArrayList<>(List.of("--url", admin.url, "--database", database));
            first.addAll(credentials());
            return host.runJava(StatsBench.class.getName(), withFirst(first, args));
        }
    }

    /** wrk is the load generator; each run seeds the same configuration afresh. */
    private int admin() throws Exception {
        String mysqlDatabase = "pushflow_bench_admin";
        host.servicesUp();
        Wrk.require(host);
        host.mysqlExecute("DROP DATABASE IF EXISTS " + BenchHost.mysqlIdentifier(mysqlDatabase));
        try (HelperAdmin admin = helperAdmin(18080, mysqlDatabase, "pushflow_bench", "bench.")) {
            List<String> first = new ArrayList<>(List.of("--url", admin.url, "--mysql-database", mysqlDatabase));
            first.addAll(credentials());
            first.addAll(watch(host.watched(admin.pid(), true, false)));
            return host.runJava(AdminBench.class.getName(), withFirst(first, args));
        }
    }

    /** Its own queues (emptied and deleted by the benchmark), a fresh configuration, a port away from the other benchmarks'. */
    private int events() throws Exception {
        String mysqlDatabase = "pushflow_bench_events";
        String prefix = "bench.events." + System.currentTimeMillis() / 1000 + ".";
        host.servicesUp();
        host.mysqlExecute("DROP DATABASE IF EXISTS " + BenchHost.mysqlIdentifier(mysqlDatabase));
        try (HelperAdmin admin = helperAdmin(18380, mysqlDatabase, "pushflow_bench", prefix)) {
            List<String> first = new ArrayList<>(List.of("--url", admin.url, "--queue-prefix", prefix));
            first.addAll(credentials());
            first.addAll(watch(host.watched(admin.pid(), false, true)));
            return host.runJava(EventsBench.class.getName(), withFirst(first, args));
        }
    }

    /** NAME=VALUE settings for the jobs: these, then BENCH_JOB_ENV's. */
    private static Map<String, String> settings(String defaults) {
        Map<String, String> settings = new LinkedHashMap<>();
        for (String pair :
                (defaults + " " + Cli.env("BENCH_JOB_ENV", "")).trim().split("\\s+")) {
            int eq = pair.indexOf('=');
            if (eq < 1) {
                throw new IllegalArgumentException("a job setting is NAME=value, not '" + pair + "' (BENCH_JOB_ENV)");
            }
            settings.put(pair.substring(0, eq), pair.substring(eq + 1));
        }
        return settings;
    }

    private static String option(List<String> args, String name, String fallback) {
        int i = args.lastIndexOf(name);
        return i >= 0 && i + 1 < args.size() ? args.get(i + 1) : fallback;
    }

    /**
     * One run of a whole-pipeline benchmark with a fresh admin service, Flink cluster ({@code --cluster}, standalone by
     * default) and queues.
     */
    private int pipeline(Class<?> program, String database, Map<String, String> jobSettings, List<String> benchArgs)
            throws Exception {
        String kind = option(benchArgs, "--cluster", "standalone");
        if (!kind.equals("standalone") && !kind.equals("local")) {
            throw new IllegalArgumentException("--cluster takes standalone or local, not '" + kind + "'");
        }
        String prefix = "bench." + database + "." + System.currentTimeMillis() / 1000 + ".";
        try (HelperAdmin admin = new HelperAdmin(
                host,
                "benchmark",
                host.freePort(18080),
                "pushflow_bench",
                database,
                prefix,
                host.stateDir("bench-admin-" + database + ".log"))) {
            int simulatorPort = host.freePort(14010);
            try (BenchCluster cluster =
                    new BenchCluster(host, kind, host.freePort(18181), prefix, database, simulatorPort, jobSettings)) {
                List<String> first = new ArrayList<>(List.of(
                        "--url",
                        admin.url,
                        "--database",
                        database,
                        "--queue-prefix",
                        prefix,
                        "--flink-url",
                        cluster.restUrl,
                        "--flink-pids",
                        cluster.pids.stream().map(String::valueOf).collect(Collectors.joining(",")),
                        "--cluster",
                        kind,
                        "--simulator-port",
                        Integer.toString(simulatorPort),
                        "--app-id",
                        "pushflow-bench",
                        "--app-key",
                        "bench-key",
                        "--watch",
                        host.watched(admin.pid(), false, true).entrySet().stream()
                                .map(e -> e.getKey() + "=" + e.getValue())
                                .collect(Collectors.joining(","))));
                first.addAll(credentials());
                return host.runJava(program.getName(), withFirst(first, benchArgs));
            }
        }
    }

    private int bandit() throws Exception {
        host.servicesUp();
        return pipeline(BanditBench.class, "pushflow_bench_bandit", settings(BANDIT_JOB_SETTINGS), args);
    }

    private int e2e() throws Exception {
        host.servicesUp();
        Map<String, String> jobSettings = settings(E2E_JOB_SETTINGS);
        List<String> e2eArgs = new ArrayList<>(args);
        if (option(args, "--provider", "onesignal").equals("direct")) {
            // the jobs read the simulator's APNs and FCM settings from the file it writes once it runs
            Path direct = host.stateDir("bench-direct");
            BenchCluster.deleteTree(direct);
            jobSettings.put("DIRECT_SETTINGS_FILE", direct.resolve("direct.env").toString());
            e2eArgs.addAll(List.of("--direct-dir", direct.toString()));
        }
        if (args.contains("--cluster")) {
            return pipeline(EndToEndBench.class, "pushflow_bench_e2e", jobSettings, e2eArgs);
        }
        return e2eOnBothClusters(jobSettings, e2eArgs);
    }

    /**
     * e2e without --cluster: the one-JVM cluster, then the standalone cluster (with the raw rates), each with a fresh
     * admin service and cluster, then both side by side in the result (--out, bench-results/e2e.json).
     */
    private int e2eOnBothClusters(Map<String, String> jobSettings, List<String> e2eArgs) throws Exception {
        String out = option(e2eArgs, "--out", "bench-results/e2e.json");
        String base = out.replaceAll("\\.json$", "");
        Path local = Path.of(base + "-local.json");
        Path standalone = Path.of(base + "-standalone.json");
        host.say("==> e2e on the one-JVM cluster");
        int rc = pipeline(
                EndToEndBench.class,
                "pushflow_bench_e2e",
                jobSettings,
                withFirst(e2eArgs, List.of("--cluster", "local", "--raw", "false", "--out", local.toString())));
        if (!Files.isRegularFile(host.root.resolve(local))) {
            throw new IllegalStateException("the run on the one-JVM cluster wrote no result (" + local + ")");
        }
        host.say("==> e2e on the standalone cluster");
        rc = Math.max(
                rc,
                pipeline(
                        EndToEndBench.class,
                        "pushflow_bench_e2e",
                        jobSettings,
                        withFirst(e2eArgs, List.of("--cluster", "standalone", "--out", standalone.toString()))));
        if (!Files.isRegularFile(host.root.resolve(standalone))) {
            throw new IllegalStateException("the run on the standalone cluster wrote no result (" + standalone + ")");
        }
        return Math.max(
                rc,
                host.runJava(
                        ClusterComparison.class.getName(),
                        List.of("--out", out, "--local", local.toString(), "--standalone", standalone.toString())));
    }

    private int scale() throws Exception {
        host.servicesUp();
        List<String> files = new ArrayList<>(List.of("--out", "bench-results/scale.json"));
        for (String users : Cli.env("BENCH_SCALE_SIZES", "100000 1000000 5000000")
                .replace(',', ' ')
                .trim()
                .split("\\s+")) {
            host.say("==> scale: " + users + " users");
            String out = "bench-results/scale/e2e-" + users + ".json";
            if (pipeline(
                            EndToEndBench.class,
                            "pushflow_bench_e2e",
                            settings(E2E_JOB_SETTINGS),
                            List.of("--users", users, "--runs", "1", "--raw", "false", "--out", out))
                    != 0) {
                throw new IllegalStateException("the scale run with " + users + " users failed");
            }
            files.add(out);
        }
        return host.runJava(ScaleReport.class.getName(), files);
    }

    /** The fuzz suites at full count, through Maven (they are tests of three modules). */
    private int fuzz() throws Exception {
        String count = option(args, "--count", "1000");
        host.servicesUp();
        Path tally = host.root.resolve("bench-results/fuzz.json");
        Files.createDirectories(tally.getParent());
        Files.deleteIfExists(tally);
        int rc = new ProcessBuilder(
                        "mvn",
                        "-B",
                        "-q",
                        "-fae",
                        "-pl",
                        "admin-service,flink-jobs,demo",
                        "-am",
                        "verify",
                        "-Dtest=AdminFuzzTest,JobsFuzzTest,RestFuzzBesideCampaignTest",
                        "-Dsurefire.failIfNoSpecifiedTests=false",
                        "-Dfuzz.count=" + count,
                        "-Dfuzz.out=" + tally)
                .directory(host.root.toFile())
                .inheritIO()
                .start()
                .waitFor();
        if (rc != 0) {
            System.err.println("bench: the fuzz suites failed (their output is above)");
            return rc;
        }
        host.say("fuzz tally: bench-results/fuzz.json");
        return 0;
    }

    /** Every scenario of {@link Scenario#ALL_RUNS} in a JVM of its own, then the table between the report's markers. */
    private int all() throws Exception {
        Path report = host.root.resolve(REPORT);
        List<String> lines = Files.isRegularFile(report) ? Files.readAllLines(report) : List.of();
        if (!lines.contains(BenchReport.BEGIN) || !lines.contains(BenchReport.END)) {
            throw new IllegalStateException(REPORT + " lacks the line " + BenchReport.BEGIN + " or " + BenchReport.END
                    + ": bench all writes its table between them");
        }
        long start = System.nanoTime();
        List<String> failed = new ArrayList<>();
        for (Scenario s : Scenario.ALL_RUNS) {
            host.say("==> bench " + s.label());
            if (host.runJava(Launcher.class.getName(), List.of("bench", s.label())) != 0) {
                failed.add(s.label());
            }
        }
        int rc = host.runJava(BenchReport.class.getName(), List.of("--results", "bench-results", "--markdown", REPORT));
        host.say("bench all took " + (System.nanoTime() - start) / 60_000_000_000L + " min");
        if (!failed.isEmpty()) {
            System.err.println(
                    "bench: these scenarios failed: " + String.join(" ", failed) + " (their output is above)");
            return 1;
        }
        return rc;
    }
}
