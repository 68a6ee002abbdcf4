package io.pushflow.bench.pipeline;

import io.pushflow.bench.BenchArgs;
import io.pushflow.bench.Machine;
import io.pushflow.core.filter.FilterChain;
import io.pushflow.core.user.User;
import io.pushflow.core.user.UserGenerator;
import io.pushflow.simulator.provider.ProviderSimulator;
import io.pushflow.simulator.provider.SimulatorConfig;
import io.pushflow.store.ClickHouse;
import io.pushflow.store.UserStore;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The end-to-end benchmark ({@code bin/pushflow bench e2e}, and each size of {@code bench scale}): N synthetic users
 * in ClickHouse, one campaign over all of them created and launched through the admin service with pace ASAP (the
 * window is no limit), the three jobs running at parallelism 2 on a Flink cluster of their own (Flink's standalone
 * cluster, a JobManager and two TaskManager processes, or with {@code --cluster local} one JVM), the provider
 * simulator with zero delivery latency in this process; measured from the launch call to the last outcome row in
 * ClickHouse, after warm-up campaigns to a million users (the JIT compiler's first minute is not what a running
 * cluster pays). The Flink processes' peak resident memory comes from {@code /proc}. Beside it, in the same run, the
 * raw rates of the parts beneath: RabbitMQ moving the same outbox batches, ClickHouse taking the same outcome rows.
 */
public final class EndToEndBench {

    private static final Map<String, Object> EVERYONE =
            Map.of("all", List.of(Map.of("field", "platform", "op", "in", "values", List.of("ios", "android"))));
    /**
     * How many pushes warm a fresh cluster up before a measured campaign: its batch-at-a-time code runs a thousand
     * users per call, so the JIT compilers see it hot only after about a million of them (a campaign of 80,000 left
     * them compiling through the whole measured campaign, a third of the Flink process's CPU).
     */
    static final long WARM_UP_USERS = 1_000_000;
    /** The warm-up cohort when the audience is larger than that (about 9% of the generated users). */
    private static final Map<String, Object> WARM_UP_LARGE =
            Map.of("all", List.of(Map.of("field", "country", "op", "in", "values", List.of("DE"))));

    private EndToEndBench() {}

    public static void main(String[] args) throws Exception {
        List<String> known = new ArrayList<>(Pipeline.OPTIONS);
        known.addAll(List.of("users", "runs", "raw", "warmup", "out", "provider", "direct-dir", Pipeline.WATCH));
        Map<String, String> opts = BenchArgs.parse(
                args,
                "bench e2e [--users N (1000000)] [--runs N (3)] [--raw true|false (true)] [--warmup true|false (true)] "
                        + "[--cluster standalone|local (standalone)] [--provider onesignal|direct (onesignal)] [--out FILE (bench-results/e2e.json)]; "
                        + "bin/pushflow passes the services' options (with --provider direct, the jobs' DIRECT_SETTINGS_FILE in --direct-dir), and "
                        + "without --cluster runs local, then standalone, and compares them",
                known,
                Pipeline.OPTIONS);
        long users = Long.parseLong(opts.getOrDefault("users", "1000000"));
        boolean raw = Boolean.parseBoolean(opts.getOrDefault("raw", "true"));
        boolean warmup = Boolean.parseBoolean(opts.getOrDefault("warmup", "true"));
        int runs = Integer.parseInt(opts.getOrDefault("runs", "3"));
        Path out = Path.of(opts.getOrDefault("out", "bench-results/e2e.json"));
        Map<String, Object> result;
        boolean direct = "direct".equals(opts.getOrDefault("provider", "onesignal"));
        if (!direct && !"onesignal".equals(opts.getOrDefault("provider", "onesignal"))) {
            throw new IllegalArgumentException("--provider takes onesignal or direct");
        }
        try (Pipeline pipeline = new Pipeline(opts)) {
            result = run(pipeline, users, runs, raw, warmup, direct ? Path.of(opts.get("direct-dir")) : null);
        }
        Pipeline.writeJson(out, result);
        System.exit(Boolean.TRUE.equals(result.get("everyoneOnce")) ? 0 : 1);
    }

    /** {@code direct}: where the jobs read the simulator's APNs and FCM settings (a DIRECT campaign), or null for OneSignal. */
    static Map<String, Object> run(Pipeline p, long users, int runs, boolean raw, boolean warmup, Path direct)
            throws Exception {
        String provider = direct == null ? "ONESIGNAL" : "DIRECT";
        Machine machine;
        try (ClickHouse ch = new ClickHouse(p.clickHouse)) {
            machine = Machine.describe(ch);
        }
        System.out.printf(
                Locale.ROOT,
                "end-to-end benchmark: one campaign to %,d users, pace ASAP, zero-latency provider simulator (%s), "
                        + "%s Flink cluster (%d processes)%n  on %s%n",
                users,
                direct == null ? "OneSignal's API" : "APNs and FCM, one request per device",
                p.cluster,
                p.flinkPids.size(),
                machine);
        UserGenerator generator = new UserGenerator(23, Instant.now());
        double loadSeconds = p.loadUsers(
                users,
                from -> generator
                        .users(from, (int) Math.min(100_000, users - from + 1))
                        .toList());
        System.out.printf(Locale.ROOT, "  %,d users loaded into ClickHouse in %.1f s%n", users, loadSeconds);
        p.emptyQueues();

        SimulatorConfig config = new SimulatorConfig(
                1, 0, 3_000, 2_000, 0.0, 0.0, 0.0, new SimulatorConfig.Engagement(0.10, 0.02), List.of());
        Map<String, Object> json = new LinkedHashMap<>();
        try (ProviderSimulator simulator = new ProviderSimulator(
                        config,
                        p.appId,
                        p.appKey,
                        new InetSocketAddress("127.0.0.1", p.simulatorPort),
                        p.rabbit.connectionFactory(),
                        p.queues);
                ClickHouse ch = new ClickHouse(p.clickHouse)) {
            if (direct != null) {
                simulator.startDirect(direct);
            }
            String tag = Long.toString(System.currentTimeMillis(), 36);
            List<Long> pushes = List.of(
                    p.createPush("wind " + tag, "Wind alert", "Gusts up to 25 knots at your spot tomorrow"),
                    p.createPush("spot " + tag, "Your spot, tomorrow", "Side-shore 18 knots from 10:00"));
            Run cold = null;
            if (warmup) {
                // the cohort of the warm-up: everyone while that is at most a million users, else a country's
                Map<String, Object> cohort = users <= WARM_UP_USERS ? EVERYONE : WARM_UP_LARGE;
                long cohortUsers = new UserStore(ch).count(FilterChain.parse(cohort), Instant.now(), true);
                long warmed = 0;
                for (int i = 1; warmed < WARM_UP_USERS; i++) {
                    Run r = campaign(
                            p,
                            simulator,
                            ch,
                            "warm-up " + tag + "-" + i,
                            p.createCohort("warm-up " + tag + "-" + i, cohort),
                            cohortUsers,
                            pushes,
                            provider);
                    cold = cold == null ? r : cold;
                    warmed += r.outcomes;
                }
                System.out.printf(
                        Locale.ROOT,
                        "  warm-up: %,d users in campaigns of %,d; the first, on the fresh cluster (JIT compilation included): "
                                + "%.1f s, %,.0f users/s, first push after %.1f s; Flink %.0f µs of CPU per user%n",
                        warmed,
                        cohortUsers,
                        cold.seconds,
                        cold.outcomes / cold.seconds,
                        cold.firstPush,
                        cold.cpu.get("flink") / cold.outcomes * 1e6);
            }
            double quiet = warmup ? p.awaitQuiet(ch, Duration.ofSeconds(120)) : 0;
            if (warmup) {
                System.out.printf(
                        Locale.ROOT,
                        "  waited %.0f s after the warm-up for the JIT compilers and ClickHouse's merges to finish%n",
                        quiet);
            }
            List<Map<String, Object>> measured = new ArrayList<>();
            for (int i = 1; i <= runs; i++) {
                if (i > 1) {
                    double waited = p.awaitQuiet(ch, Duration.ofSeconds(120));
                    System.out.printf(
                            Locale.ROOT,
                            "  waited %.0f s for the JIT compilers and ClickHouse's merges to finish%n",
                            waited);
                }
                measured.add(measure(p, simulator, ch, machine, users, pushes, tag + "-" + i, i, provider));
            }
            List<Double> rates = measured.stream()
                    .map(m -> (Double) m.get("pushesPerSecond"))
                    .sorted()
                    .toList();
            Map<String, Object> median = measured.stream()
                    .filter(m -> m.get("pushesPerSecond").equals(rates.get(rates.size() / 2)))
                    .findFirst()
                    .orElseThrow();
            boolean once = measured.stream().allMatch(m -> Boolean.TRUE.equals(m.get("everyoneOnce")));
            System.out.printf(
                    Locale.ROOT,
                    "  %d measured campaigns: median %,.0f pushes/s (%,.0f to %,.0f), %,.0f users/s%n",
                    runs,
                    rates.get(rates.size() / 2),
                    rates.get(0),
                    rates.get(rates.size() - 1),
                    (Double) median.get("usersPerSecond"));
            json.put("scenario", "e2e");
            json.put("cluster", p.cluster);
            json.put("provider", provider);
            json.put("flinkProcesses", p.flinkPids.size());
            json.put("machine", machine);
            json.put("users", users);
            if (cold != null) {
                json.put("warmupUsers", cold.outcomes);
                json.put("warmupSeconds", cold.seconds);
                json.put("warmupUsersPerSecond", cold.outcomes / cold.seconds);
                json.put("warmupFirstPushSeconds", cold.firstPush);
                json.put("warmupCpuSeconds", cold.cpu);
                json.put("waitedForQuietSeconds", quiet);
            }
            json.put("loadSeconds", loadSeconds);
            json.put("runs", runs);
            json.putAll(median); // the median run's numbers, as the report reads them
            json.put("everyoneOnce", once);
            json.put(
                    "pushesPerSecondSpread",
                    Map.of(
                            "min",
                            rates.get(0),
                            "median",
                            rates.get(rates.size() / 2),
                            "max",
                            rates.get(rates.size() - 1)));
            json.put("measuredRuns", measured);
            if (!once) {
                System.out.println(
                        "  NOT every measured campaign gave every user exactly one outcome without failures: see the runs above");
            }
        }
        if (raw) {
            List<User> sample = generator.users(1, 1_000).toList();
            byte[] batch = RawRates.outboxBatch(sample);
            int messages = (int) Math.max(100, Math.min(2_000, users / 1_000));
            RawRates.Rate rabbit = RawRates.rabbit(p.rabbit, p.queues.name("raw.bench"), batch, 1_000, messages, 200);
            RawRates.Rate clickHouse = RawRates.clickHouse(p.clickHouse, users, 10_000, 2);
            double e2e = (double) json.get("usersPerSecond");
            System.out.printf(
                    Locale.ROOT,
                    "  raw RabbitMQ: %,d outbox batches of 1,000 users (%,d bytes) published with confirms and consumed with acks: "
                            + "%,.0f users/s (end to end / raw: %.2f)%n",
                    messages,
                    batch.length,
                    rabbit.perSecond(),
                    e2e / rabbit.perSecond());
            System.out.printf(
                    Locale.ROOT,
                    "  raw ClickHouse: %,d outcome rows in inserts of 10,000 from 2 writers: %,.0f rows/s (end to end / raw: %.2f)%n",
                    users,
                    clickHouse.perSecond(),
                    e2e / clickHouse.perSecond());
            json.put("rawRabbitUsersPerSecond", rabbit);
            json.put("rawClickHouseRowsPerSecond", clickHouse);
            json.put("ratioToRabbit", e2e / rabbit.perSecond());
            json.put("ratioToClickHouse", e2e / clickHouse.perSecond());
        }
        return json;
    }

    /** One measured campaign to everyone: its rate, correctness and where the CPU went. */
    static Map<String, Object> measure(
            Pipeline p,
            ProviderSimulator simulator,
            ClickHouse ch,
            Machine machine,
            long users,
            List<Long> pushes,
            String tag,
            int number,
            String provider)
            throws Exception {
        Run run = campaign(
                p,
                simulator,
                ch,
                "e2e " + users + " " + tag,
                p.createCohort("everyone " + tag, EVERYONE),
                users,
                pushes,
                provider);
        long campaign = run.campaign;
        long outcomes = run.outcomes;
        double seconds = run.seconds;
        Map<String, Double> cpu = run.cpu;
        long peak = p.flinkMemory("VmHWM");
        Map<String, Long> checkpoints = p.checkpointSizes();
        long sent = ch.selectLong("SELECT count() AS n FROM " + ch.table("push_sends") + " FINAL WHERE campaign_id = "
                + campaign + " AND outcome = 'sent'");
        long failed = ch.selectLong("SELECT count() AS n FROM " + ch.table("push_sends") + " FINAL WHERE campaign_id = "
                + campaign + " AND outcome = 'failed'");
        long reached = delivered(simulator, campaign, "A") + delivered(simulator, campaign, "B");
        long duplicates = simulator.duplicates(campaign);
        boolean once = outcomes == users && duplicates == 0 && failed == 0;
        System.out.printf(
                Locale.ROOT,
                "  run %d: %,d outcome rows (%,d sent, %,d failed, %,d pushes at the provider, %,d reached twice) in %.1f s "
                        + "from the launch call: %,.0f users/s, %,.0f pushes/s; first push after %.1f s, first outcome row after %.1f s%n",
                number,
                outcomes,
                sent,
                failed,
                reached,
                duplicates,
                seconds,
                outcomes / seconds,
                sent / seconds,
                run.firstPush,
                run.firstOutcome);
        System.out.printf(
                Locale.ROOT,
                "    Flink (%d processes): peak resident %,d MB (each process's peak, summed), %.0f CPU seconds (%.2f cores); "
                        + "last checkpoints %s%n",
                p.flinkPids.size(),
                peak >> 20,
                cpu.get("flink"),
                cpu.get("flink") / seconds,
                megabytes(checkpoints));
        StringBuilder where = new StringBuilder();
        cpu.forEach((name, s) -> where.append(String.format(Locale.ROOT, "%s %.0f µs, ", name, s / users * 1e6)));
        System.out.printf(
                Locale.ROOT,
                "    CPU per user: %s(%.2f of the machine's %d cores busy with these)%n",
                where,
                cpu.values().stream()
                                .filter(v -> !v.isNaN())
                                .mapToDouble(Double::doubleValue)
                                .sum()
                        / seconds,
                machine.cores());
        if (!once) {
            System.out.println("    NOT every user exactly one outcome without failures: see the numbers above");
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("outcomes", outcomes);
        json.put("sent", sent);
        json.put("failed", failed);
        json.put("providerPushes", reached);
        json.put("reachedTwice", duplicates);
        json.put("everyoneOnce", once);
        json.put("seconds", seconds);
        json.put("usersPerSecond", outcomes / seconds);
        json.put("pushesPerSecond", sent / seconds);
        json.put("firstPushSeconds", run.firstPush);
        json.put("firstOutcomeSeconds", run.firstOutcome);
        json.put("flinkPeakRssBytes", peak);
        json.put("flinkPeakRssSampledBytes", run.rssPeakSampled);
        json.put("cpuSeconds", cpu);
        json.put("checkpointBytes", checkpoints);
        json.put(
                "progress",
                Map.of("columns", List.of("seconds", "outcomeRows", "pushesAtProvider"), "rows", run.progress));
        return json;
    }

    /** One campaign from its launch call to its last outcome row, and what it cost. */
    record Run(
            long campaign,
            long outcomes,
            double seconds,
            double firstPush,
            double firstOutcome,
            long rssPeakSampled,
            Map<String, Double> cpu,
            List<double[]> progress) {}

    static Run campaign(
            Pipeline p,
            ProviderSimulator simulator,
            ClickHouse ch,
            String name,
            long cohort,
            long audience,
            List<Long> pushes,
            String provider)
            throws Exception {
        Map<String, Double> cpuBefore = p.cpuSeconds();
        long launched = System.nanoTime();
        long campaign = p.launch(
                name, "windy-ios", cohort, pushes, Map.of("type", "AB_FIXED"), Duration.ofHours(1), "ASAP", provider);
        double firstPush = -1;
        double firstOutcome = -1;
        long outcomes = 0;
        long rssPeakSampled = 0;
        long deadline = System.nanoTime() + Duration.ofMinutes(30).toNanos();
        // watched cheaply, so that the watching does not load ClickHouse: the simulator's count every 100 ms for the
        // first push, a plain row count (on the table's key) every 250 ms (replayed rows could only make it early), the
        // exact count of distinct users only once the plain one has reached the audience
        long lastCount = 0;
        List<double[]> progress = new ArrayList<>();
        while (outcomes < audience && System.nanoTime() < deadline) {
            Thread.sleep(100);
            double now = (System.nanoTime() - launched) / 1e9;
            if (firstPush < 0 && (delivered(simulator, campaign, "A") + delivered(simulator, campaign, "B")) > 0) {
                firstPush = now;
            }
            if (System.nanoTime() - lastCount < 250_000_000L && firstOutcome >= 0) {
                continue;
            }
            lastCount = System.nanoTime();
            long rows = ch.selectLong(
                    "SELECT count() AS n FROM " + ch.table("push_sends") + " WHERE campaign_id = " + campaign);
            if (firstOutcome < 0 && rows > 0) {
                firstOutcome = now;
            }
            outcomes = rows >= audience ? Pipeline.outcomes(ch, campaign) : rows;
            progress.add(new double[] {
                Math.round(now * 100) / 100.0,
                rows,
                delivered(simulator, campaign, "A") + delivered(simulator, campaign, "B")
            });
            rssPeakSampled = Math.max(rssPeakSampled, p.flinkMemory("VmRSS"));
        }
        double seconds = (System.nanoTime() - launched) / 1e9;
        return new Run(
                campaign,
                outcomes,
                seconds,
                firstPush,
                firstOutcome,
                rssPeakSampled,
                Pipeline.minus(p.cpuSeconds(), cpuBefore),
                progress);
    }

    private static long delivered(ProviderSimulator simulator, long campaign, String variant) {
        ProviderSimulator.Tally t = simulator.tally(campaign, variant);
        return t == null ? 0 : t.recipients.get();
    }

    private static Map<String, String> megabytes(Map<String, Long> bytes) {
        Map<String, String> out = new LinkedHashMap<>();
        bytes.forEach((k, v) -> out.put(k, String.format(Locale.ROOT, "%.1f MB", v / 1e6)));
        return out;
    }
}
