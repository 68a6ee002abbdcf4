package io.pushflow.bench.pipeline;

import io.pushflow.bench.BenchArgs;
import io.pushflow.cluster.ClusterSettings;
import io.pushflow.core.json.Json;
import io.pushflow.core.user.UserGenerator;
import io.pushflow.demo.StandaloneJobs;
import io.pushflow.simulator.provider.ProviderSimulator;
import io.pushflow.simulator.provider.SimulatorConfig;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * {@code bin/pushflow chaos --rounds N --seed S [--users U] [--faults kinds]} (and {@code bench chaos}, the 100-round
 * run): rounds of a real bandit campaign end to end, the admin service (started by bin/pushflow), Flink's standalone
 * cluster of a JobManager and two TaskManager processes running the three jobs, the provider simulator, MariaDB,
 * RabbitMQ and ClickHouse, with one or two randomized faults injected mid-campaign ({@link ChaosFault}), each round
 * checked from outside the jobs ({@link ChaosRound}). Prints a table per fault kind and writes the rounds as JSON; a
 * failed round keeps the logs and names the seed that plays it again ({@code --rounds 1 --seed SEED}).
 */
public final class ChaosBench {

    static final List<String> REQUIRED = List.of(
            "url",
            "user",
            "password",
            "database",
            "queue-prefix",
            "simulator-port",
            "app-id",
            "app-key",
            "cluster-classpath",
            "job-jar",
            "flink-port",
            "work-dir");
    static final List<String> OPTIONAL = List.of(
            "rounds", "seed", "users", "window", "faults", "plan", "out", "services", "admin-log", "merge", "provider");
    /** Three creatives whose simulated click rates differ, as in the demo. */
    static final List<String[]> CREATIVES = List.of(
            new String[] {"Wind alert", "Gusts up to 25 knots at your spot tomorrow", "0.02"},
            new String[] {"Your spot, tomorrow", "Side-shore 18 knots from 10:00", "0.03"},
            new String[] {"Go kiting", "Best session of the week: 10:00-14:00", "0.045"});

    private static final Map<String, Object> EVERYONE =
            Map.of("all", List.of(Map.of("field", "platform", "op", "in", "values", List.of("ios", "android"))));

    private ChaosBench() {}

    public static void main(String[] args) throws Exception {
        List<String> known = new ArrayList<>(REQUIRED);
        known.addAll(OPTIONAL);
        Map<String, String> opts = BenchArgs.parse(
                args,
                "chaos [--rounds N (10)] [--seed S (now)] [--users U (20000)] [--window SECONDS (90)] "
                        + "[--faults all|no-services|KIND,... (all)] [--plan KIND+KIND;KIND;... (drawn from the seed)] [--out FILE (bench-results/chaos.json)] "
                        + "[--merge EARLIER.json (its rounds join this run's table and file)] [--provider onesignal|direct (onesignal)]; "
                        + "the kinds: " + ChaosFault.labels(List.of(ChaosFault.values()))
                        + "; bin/pushflow passes the services' options",
                known,
                REQUIRED);
        Map<String, Object> result = run(opts, System.out);
        System.exit(Boolean.TRUE.equals(result.get("allPassed")) ? 0 : 1);
    }

    /** The whole run (also the CI test's entry); returns what it wrote as JSON. */
    public static Map<String, Object> run(Map<String, String> opts, PrintStream console) throws Exception {
        int rounds = Integer.parseInt(opts.getOrDefault("rounds", "10"));
        long seed = Long.parseLong(opts.getOrDefault("seed", Long.toString(System.currentTimeMillis() % 1_000_000)));
        long users = Long.parseLong(opts.getOrDefault("users", "20000"));
        Duration window = Duration.ofSeconds(Long.parseLong(opts.getOrDefault("window", "90")));
        List<ChaosFault> allowed = ChaosFault.parse(opts.getOrDefault("faults", "all"));
        List<List<ChaosFault>> plan = opts.containsKey("plan")
                ? Arrays.stream(opts.get("plan").split(";"))
                        .map(r -> Arrays.stream(r.split("\\+"))
                                .map(ChaosFault::of)
                                .toList())
                        .toList()
                : null;
        if (plan != null) {
            rounds = plan.size();
        }
        Path out = Path.of(opts.getOrDefault("out", "bench-results/chaos.json"));
        Path work = Path.of(opts.get("work-dir")).toAbsolutePath();
        Files.createDirectories(work);
        RoundLog log = new RoundLog(console);
        PrintStream printer = new PrintStream(log, true, StandardCharsets.UTF_8);
        printer.printf(
                Locale.ROOT,
                "chaos: %d rounds, seed %d, %,d users, window %d s, faults %s, through %s%n",
                rounds,
                seed,
                users,
                window.toSeconds(),
                plan == null ? ChaosFault.labels(allowed) : opts.get("plan"),
                opts.getOrDefault("provider", "onesignal"));

        Map<String, String> pipelineOpts = new LinkedHashMap<>(opts);
        pipelineOpts.put("flink-url", "http://127.0.0.1:" + opts.get("flink-port"));
        pipelineOpts.put("cluster", "standalone");
        List<ChaosRound.Result> results = new ArrayList<>();
        if (opts.containsKey("merge")) {
            var earlier =
                    Json.MAPPER.readTree(Path.of(opts.get("merge")).toFile()).path("roundResults");
            results.addAll(List.of(Json.MAPPER.treeToValue(earlier, ChaosRound.Result[].class)));
            printer.printf(Locale.ROOT, "  %d rounds of %s join this run's table%n", results.size(), opts.get("merge"));
        }
        String faultsText = plan == null ? ChaosFault.labels(allowed) : opts.get("plan");
        boolean direct = switch (opts.getOrDefault("provider", "onesignal")) {
            case "onesignal" -> false;
            case "direct" -> true;
            default ->
                throw new IllegalArgumentException("--provider takes onesignal or direct, not " + opts.get("provider"));
        };
        boolean services =
                (plan == null ? allowed.stream() : plan.stream().flatMap(List::stream)).anyMatch(f -> f.service);
        try (Pipeline pipeline = new Pipeline(pipelineOpts)) {
            UserGenerator generator = new UserGenerator(seed, Instant.now());
            double loaded = pipeline.loadUsers(
                    users,
                    from -> generator
                            .users(from, (int) Math.min(100_000, users - from + 1))
                            .toList());
            printer.printf(
                    Locale.ROOT,
                    "  %,d users loaded into ClickHouse %s in %.1f s%n",
                    users,
                    pipeline.clickHouse.database(),
                    loaded);
            pipeline.emptyQueues();
            List<SimulatorConfig.Rule> rules = CREATIVES.stream()
                    .map(c -> new SimulatorConfig.Rule(
                            null,
                            null,
                            null,
                            c[1],
                            Math.min(1, 3 * Double.parseDouble(c[2]) + 0.05),
                            Double.parseDouble(c[2])))
                    .toList();
            SimulatorConfig config = new SimulatorConfig(seed, 500, 2_000, 1_500, 0.01, 0, 0, null, rules);
            try (ProviderSimulator simulator = new ProviderSimulator(
                            config,
                            pipeline.appId,
                            pipeline.appKey,
                            new InetSocketAddress("127.0.0.1", pipeline.simulatorPort),
                            pipeline.rabbit.connectionFactory(),
                            pipeline.queues);
                    ChaosStage stage = new ChaosStage(
                            clusterSettings(
                                    opts,
                                    work,
                                    simulator,
                                    direct ? simulator.startDirect(work.resolve("direct")) : Map.of()),
                            Path.of(opts.get("job-jar")),
                            List.of(opts.getOrDefault("services", "bin/pushflow services")
                                    .split(" ")),
                            simulator,
                            printer)) {
                // Ctrl-C or a TERM mid-round: the services an outage stopped are started again, the cluster is stopped
                Thread interrupted = new Thread(
                        () -> {
                            if (services) {
                                stage.restoreServices();
                            }
                            stage.close();
                        },
                        "chaos-interrupted");
                Runtime.getRuntime().addShutdownHook(interrupted);
                try {
                    stage.start();
                    List<Long> pushes = new ArrayList<>();
                    String tag = Long.toString(System.currentTimeMillis(), 36);
                    for (String[] c : CREATIVES) {
                        pushes.add(pipeline.createPush(c[0] + " " + tag, c[0], c[1]));
                    }
                    long cohort = pipeline.createCohort("everyone " + tag, EVERYONE);
                    ChaosRound round = new ChaosRound(
                            stage, pipeline, users, window, cohort, pushes, printer, direct ? "DIRECT" : "ONESIGNAL");
                    for (int i = 1; i <= rounds; i++) {
                        long roundSeed = seed + i - 1;
                        List<ChaosFault> faults = plan != null ? plan.get(i - 1) : ChaosRound.draw(roundSeed, allowed);
                        Path roundLog = work.resolve("round-" + i + ".log");
                        log.to(roundLog);
                        ChaosRound.Result r;
                        try {
                            r = round.run(i, roundSeed, faults);
                        } finally {
                            log.to(null);
                        }
                        results.add(r);
                        Pipeline.writeJson(
                                out,
                                summary(results, seed, users, window, faultsText)); // a run cut short keeps its rounds
                        if (!r.passed()) {
                            Path kept = keepLogs(work, stage, roundLog, opts.get("admin-log"), r);
                            printer.printf(
                                    Locale.ROOT,
                                    "  round %d FAILED: logs kept in %s; play it again with --seed %d --plan %s%n",
                                    i,
                                    kept,
                                    roundSeed,
                                    String.join(
                                            "+",
                                            faults.stream().map(f -> f.label).toList()));
                        }
                        if (!stage.jobStates().healthy()) {
                            printer.println(
                                    "  the jobs are not all running after the round: the cluster is started again and the jobs resumed");
                            stage.recover();
                        }
                    }
                } finally {
                    if (services) {
                        stage.restoreServices();
                    }
                    Runtime.getRuntime().removeShutdownHook(interrupted);
                }
            }
        }
        Map<String, Object> json = summary(results, seed, users, window, faultsText);
        printTable(printer, results);
        Pipeline.writeJson(out, json);
        return json;
    }

    private static ClusterSettings clusterSettings(
            Map<String, String> opts, Path work, ProviderSimulator simulator, Map<String, String> direct) {
        Map<String, String> env = new LinkedHashMap<>(direct);
        env.put("PUSHFLOW_QUEUE_PREFIX", opts.get("queue-prefix"));
        env.put("CLICKHOUSE_DATABASE", opts.get("database"));
        env.put("ONESIGNAL_API_URL", simulator.baseUrl().toString());
        env.put("ONESIGNAL_APP_ID", opts.get("app-id"));
        env.put("ONESIGNAL_REST_API_KEY", opts.get("app-key"));
        env.put("STATE_BACKEND", "rocksdb");
        env.put("CHECKPOINT_INTERVAL_MS", "2000");
        env.put("DISPATCH_WAVE_INTERVAL_MS", "2000");
        env.put("FEEDBACK_INTERVAL_MS", "2000");
        env.put("FEEDBACK_CLICK_DELAY_MS", "5000");
        // the poller looks at a notification for the clicks' window: the simulated users click within seconds, and a
        // window of an hour kept every earlier round's notifications polled (one blocking call each)
        env.put("STATUS_CLICK_WINDOW_MS", "180000");
        return StandaloneJobs.settings(
                work, Integer.parseInt(opts.get("flink-port")), opts.get("cluster-classpath"), env);
    }

    /** The round's log, the cluster's logs and the admin service's log, copied to a directory named for the round and its seed. */
    private static Path keepLogs(Path work, ChaosStage stage, Path roundLog, String adminLog, ChaosRound.Result r)
            throws IOException {
        Path dir = work.resolve("failed").resolve("round-" + r.round() + "-seed-" + r.seed());
        Files.createDirectories(dir);
        Files.copy(roundLog, dir.resolve("round.log"), StandardCopyOption.REPLACE_EXISTING);
        Path logs = work.resolve("cluster").resolve("log");
        if (Files.isDirectory(logs)) {
            try (Stream<Path> files = Files.list(logs)) {
                for (Path f : files.toList()) {
                    Files.copy(f, dir.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        if (adminLog != null && Files.isRegularFile(Path.of(adminLog))) {
            Files.copy(Path.of(adminLog), dir.resolve("admin.log"), StandardCopyOption.REPLACE_EXISTING);
        }
        return dir;
    }

    /** Per fault kind: rounds, passed, duplicates, missing, recovery times (median and worst). */
    static Map<String, Map<String, Object>> perKind(List<ChaosRound.Result> results) {
        Map<String, Map<String, Object>> table = new LinkedHashMap<>();
        for (ChaosFault kind : ChaosFault.values()) {
            List<ChaosRound.Result> mine = results.stream()
                    .filter(r -> r.faults().stream().anyMatch(f -> f.kind() == kind)
                            || (kind == ChaosFault.PAUSE && r.paused()))
                    .toList();
            if (mine.isEmpty()) {
                continue;
            }
            List<Long> recovery = new ArrayList<>();
            int unrecovered = 0;
            for (ChaosRound.Result r : mine) {
                for (int i = 0; i < r.faults().size(); i++) {
                    if (r.faults().get(i).kind() == kind) {
                        Long ms = r.recoveryMs().get(i);
                        if (ms == null) {
                            unrecovered++;
                        } else {
                            recovery.add(ms);
                        }
                    }
                }
            }
            recovery.sort(null);
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("rounds", mine.size());
            row.put("passed", mine.stream().filter(ChaosRound.Result::passed).count());
            row.put(
                    "duplicates",
                    mine.stream().mapToLong(ChaosRound.Result::duplicates).sum());
            row.put(
                    "missing",
                    mine.stream().mapToLong(ChaosRound.Result::missing).sum());
            row.put(
                    "failedOutcomes",
                    mine.stream().mapToLong(ChaosRound.Result::failedOutcomes).sum());
            row.put("recoveryMedianSeconds", recovery.isEmpty() ? null : recovery.get(recovery.size() / 2) / 1e3);
            row.put("recoveryMaxSeconds", recovery.isEmpty() ? null : recovery.get(recovery.size() - 1) / 1e3);
            row.put("recoveryNotMeasured", unrecovered);
            table.put(kind.label, row);
        }
        return table;
    }

    private static Map<String, Object> summary(
            List<ChaosRound.Result> results, long seed, long users, Duration window, String faults) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("scenario", "chaos");
        json.put("seed", seed);
        json.put("users", users);
        json.put("windowSeconds", window.toSeconds());
        json.put("faults", faults);
        json.put("rounds", results.size());
        json.put("passed", results.stream().filter(ChaosRound.Result::passed).count());
        json.put("allPassed", !results.isEmpty() && results.stream().allMatch(ChaosRound.Result::passed));
        json.put(
                "duplicates",
                results.stream().mapToLong(ChaosRound.Result::duplicates).sum());
        json.put(
                "missing",
                results.stream().mapToLong(ChaosRound.Result::missing).sum());
        json.put("perKind", perKind(results));
        json.put(
                "failedSeeds",
                results.stream()
                        .filter(r -> !r.passed())
                        .map(ChaosRound.Result::seed)
                        .toList());
        json.put("roundResults", results);
        return json;
    }

    static void printTable(PrintStream out, List<ChaosRound.Result> results) {
        out.printf(
                Locale.ROOT,
                "%n%-14s %6s %6s %10s %8s %8s %22s%n",
                "fault",
                "rounds",
                "passed",
                "duplicates",
                "missing",
                "failed",
                "recovery median / max");
        perKind(results)
                .forEach((kind, row) -> out.printf(
                        Locale.ROOT,
                        "%-14s %6d %6d %10d %8d %8d %22s%n",
                        kind,
                        row.get("rounds"),
                        row.get("passed"),
                        row.get("duplicates"),
                        row.get("missing"),
                        row.get("failedOutcomes"),
                        row.get("recoveryMedianSeconds") == null
                                ? "-"
                                : String.format(
                                        Locale.ROOT,
                                        "%.1f s / %.1f s",
                                        row.get("recoveryMedianSeconds"),
                                        row.get("recoveryMaxSeconds"))));
        out.printf(
                Locale.ROOT,
                "%-14s %6d %6d %10d %8d %8d%n",
                "all rounds",
                results.size(),
                results.stream().filter(ChaosRound.Result::passed).count(),
                results.stream().mapToLong(ChaosRound.Result::duplicates).sum(),
                results.stream().mapToLong(ChaosRound.Result::missing).sum(),
                results.stream().mapToLong(ChaosRound.Result::failedOutcomes).sum());
        results.stream()
                .filter(r -> !r.passed())
                .forEach(r -> out.printf(
                        Locale.ROOT,
                        "round %d FAILED, seed %d: %s%n",
                        r.round(),
                        r.seed(),
                        String.join("; ", r.problems())));
    }

    /** Everything printed goes to the console and, during a round, to that round's log file too. */
    static final class RoundLog extends OutputStream {
        private final PrintStream console;
        private OutputStream file;

        RoundLog(PrintStream console) {
            this.console = console;
        }

        synchronized void to(Path path) throws IOException {
            if (file != null) {
                file.close();
            }
            file = path == null ? null : Files.newOutputStream(path);
        }

        @Override
        public synchronized void write(int b) throws IOException {
            console.write(b);
            if (file != null) {
                file.write(b);
            }
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) throws IOException {
            console.write(b, off, len);
            if (file != null) {
                file.write(b, off, len);
            }
        }

        @Override
        public synchronized void flush() throws IOException {
            console.flush();
            if (file != null) {
                file.flush();
            }
        }
    }
}
