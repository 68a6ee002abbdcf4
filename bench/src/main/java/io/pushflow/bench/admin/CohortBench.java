package io.pushflow.bench.admin;

import com.fasterxml.jackson.databind.JsonNode;
import io.pushflow.bench.Machine;
import io.pushflow.bench.Spread;
import io.pushflow.core.filter.ClickHouseFilterSql;
import io.pushflow.core.json.Json;
import io.pushflow.core.user.UserGenerator;
import io.pushflow.store.ClickHouse;
import io.pushflow.store.ClickHouseSchema;
import io.pushflow.store.UserStore;
import io.pushflow.tools.AdminApi;
import io.pushflow.tools.Cli;
import io.pushflow.tools.UserLoad;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The cohort preview benchmark: typical filter chains against N users, each K times, timed end to end through
 * {@code POST /api/v1/cohorts/preview} (exact=false and exact=true) and, beside it, as the raw ClickHouse queries
 * the preview runs ({@code UserStore.count}, then {@code UserStore.sampleIds}).
 */
@Command(
        name = "cohort-bench",
        sortOptions = false,
        usageHelpAutoWidth = true,
        description = {
            "Times POST {url}/api/v1/cohorts/preview of a running admin service for 8 typical filter chains "
                    + "(exact=false and exact=true), each --iterations times, beside the raw ClickHouse count of the same compiled "
                    + "SQL (UserStore.count) and the sample query the preview also runs (UserStore.sampleIds).",
            "--database must be the admin service's CLICKHOUSE_DATABASE. Its users table is filled with --users generated "
                    + "users when it holds fewer (appending ids, or reloading when its ids are not 1..n) and reused when it holds "
                    + "enough; either way it is merged into one part (OPTIMIZE FINAL) before measuring.",
            "Writes the results as JSON to --out."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:done", "1:failed (service down, a preview failed, ...)", "2:bad arguments"})
public final class CohortBench implements Callable<Integer> {

    private static final int SAMPLE_SIZE = 20;

    @Spec
    CommandSpec spec;

    @Option(
            names = {"-h", "--help"},
            usageHelp = true,
            description = "show this help and exit")
    boolean help;

    @Mixin
    AdminTarget admin;

    @Option(names = "--users", paramLabel = "N", description = "users the table must hold (default: ${DEFAULT-VALUE})")
    long users = 18_000_000;

    // not taken from CLICKHOUSE_DATABASE: that names the database people keep their data in, and this one may be
    // reloaded
    @Option(
            names = "--database",
            paramLabel = "D",
            description = "ClickHouse database the admin service reads (its "
                    + "CLICKHOUSE_DATABASE) (default: ${DEFAULT-VALUE})")
    String database = "pushflow_bench";

    @Option(
            names = "--iterations",
            paramLabel = "K",
            description = "timed rounds over every chain and mode (default: ${DEFAULT-VALUE})")
    int iterations = 20;

    @Option(names = "--warmup", paramLabel = "W", description = "untimed rounds first (default: ${DEFAULT-VALUE})")
    int warmup = 1;

    @Option(names = "--seed", paramLabel = "S", description = "generator seed for a load (default: ${DEFAULT-VALUE})")
    long seed = 1;

    @Option(
            names = "--batch-size",
            paramLabel = "ROWS",
            description = "users per INSERT when loading (default: ${DEFAULT-VALUE})")
    int batchSize = 200_000;

    @Option(
            names = "--threads",
            paramLabel = "T",
            description = "encoder threads when loading (default: ${DEFAULT-VALUE})")
    int threads = 1;

    @Option(
            names = "--watch",
            paramLabel = "NAME=PID",
            description = "a local process whose CPU time to report, e.g. admin=1234 (repeatable)")
    Map<String, Long> watch = new LinkedHashMap<>();

    @Option(
            names = "--timeout",
            paramLabel = "SECONDS",
            description = "longest one preview request may take (default: ${DEFAULT-VALUE})")
    int timeoutSeconds = 60;

    @Option(names = "--out", paramLabel = "FILE", description = "results file (default: ${DEFAULT-VALUE})")
    Path out = Path.of("bench-results", "cohorts.json");

    /** The table the previews ran on. */
    record Table(
            String database,
            long rows,
            long maxUserId,
            int activeParts,
            Instant generatedAsOf,
            double loadSeconds,
            double optimizeSeconds) {}

    /** Milliseconds of one kind of measurement. */
    record Millis(double p50, double p90, double p99, double max, double min, double mean, int n) {
        static Millis of(List<Double> values) {
            Spread s = Spread.of(values);
            return new Millis(r1(s.p50()), r1(s.p90()), r1(s.p99()), r1(s.max()), r1(s.min()), r1(s.mean()), s.n());
        }
    }

    /** One mode (exact or not), for a chain or overall. */
    record Mode(
            boolean exact,
            Millis preview,
            Millis serverTook,
            Millis rawCount,
            Millis rawSample,
            double previewOverRawCount,
            double previewOverRawCountPlusSample) {}

    record ChainResult(
            String name,
            String description,
            int conditions,
            Map<String, Object> filter,
            String where,
            long previewCount,
            long rawCount,
            long exactCount,
            Mode fast,
            Mode exact) {}

    record Target(String goal, double fastP50Millis, double fastP90Millis, boolean met) {}

    record Result(
            String benchmark,
            Instant startedAt,
            String url,
            Machine machine,
            Table table,
            int iterations,
            int warmup,
            Mode fast,
            Mode exact,
            Target target,
            Map<String, Double> cpuSeconds,
            double seconds,
            List<ChainResult> chains) {}

    /** Measurements of one chain in one mode. */
    private static final class Series {
        final List<Double> preview = new ArrayList<>();
        final List<Double> serverTook = new ArrayList<>();
        final List<Double> rawCount = new ArrayList<>();
        final List<Double> rawSample = new ArrayList<>();
        long previewCount;
        long rawCountValue;

        Mode mode(boolean exact) {
            Millis p = Millis.of(preview);
            Millis c = Millis.of(rawCount);
            List<Double> both = new ArrayList<>();
            for (int i = 0; i < rawCount.size(); i++) {
                both.add(rawCount.get(i) + rawSample.get(i));
            }
            return new Mode(
                    exact,
                    p,
                    Millis.of(serverTook),
                    c,
                    Millis.of(rawSample),
                    r2(p.p50() / c.p50()),
                    r2(p.p50() / Millis.of(both).p50()));
        }

        void addAll(Series other) {
            preview.addAll(other.preview);
            serverTook.addAll(other.serverTook);
            rawCount.addAll(other.rawCount);
            rawSample.addAll(other.rawSample);
        }
    }

    public static void main(String[] args) {
        Cli.main(new CohortBench(), args);
    }

    @Override
    public Integer call() throws IOException {
        if (users < 1 || iterations < 1 || warmup < 0 || batchSize < 1 || threads < 1 || timeoutSeconds < 1) {
            throw Cli.invalid(
                    spec,
                    "--users, --iterations, --batch-size, --threads and --timeout must be at least 1, --warmup at least 0");
        }
        PrintWriter log = spec.commandLine().getOut();
        AdminApi api = admin.api();
        api.requireHealthy();
        Instant startedAt = Instant.now();
        List<TypicalChains.Chain> chains = TypicalChains.all();
        try (ClickHouse clickHouse = Cli.clickHouse(database, Duration.ofMinutes(10))) {
            Machine machine = Machine.describe(clickHouse);
            log.printf(
                    "cohort preview benchmark -> %s (ClickHouse database %s)%n  machine: %s%n",
                    api.url(), database, machine);
            UserStore store = new UserStore(clickHouse);
            Table table = ensureUsers(clickHouse, store, log);
            log.printf(
                    Locale.ROOT,
                    "  table: %,d rows, %d active parts, generated as of %s%n",
                    table.rows(),
                    table.activeParts(),
                    table.generatedAsOf());

            ProcessCpu cpu = new ProcessCpu(watch);
            Map<String, Series> fast = new LinkedHashMap<>();
            Map<String, Series> exact = new LinkedHashMap<>();
            chains.forEach(c -> {
                fast.put(c.name(), new Series());
                exact.put(c.name(), new Series());
            });
            log.printf("  warming up (%d round(s))%n", warmup);
            for (int round = 0; round < warmup; round++) {
                for (TypicalChains.Chain c : chains) {
                    measure(api, store, c, false, new Series());
                    measure(api, store, c, true, new Series());
                }
            }
            Map<String, Double> cpuBefore = cpu.now();
            long measuring = System.nanoTime();
            for (int round = 1; round <= iterations; round++) {
                for (TypicalChains.Chain c : chains) {
                    measure(api, store, c, false, fast.get(c.name()));
                    measure(api, store, c, true, exact.get(c.name()));
                }
                if (round == 1 || round % 5 == 0 || round == iterations) {
                    log.printf(
                            Locale.ROOT,
                            "  round %d/%d done (%.0f s)%n",
                            round,
                            iterations,
                            (System.nanoTime() - measuring) / 1e9);
                }
            }
            double seconds = (System.nanoTime() - measuring) / 1e9;
            Map<String, Double> cpuSeconds = ProcessCpu.since(cpuBefore, cpu.now());

            Instant now = Instant.now();
            List<ChainResult> results = new ArrayList<>();
            Series allFast = new Series();
            Series allExact = new Series();
            for (TypicalChains.Chain c : chains) {
                Series f = fast.get(c.name());
                Series e = exact.get(c.name());
                allFast.addAll(f);
                allExact.addAll(e);
                results.add(new ChainResult(
                        c.name(),
                        c.description(),
                        c.chain().conditionCount(),
                        c.filter(),
                        ClickHouseFilterSql.where(c.chain(), now),
                        f.previewCount,
                        f.rawCountValue,
                        e.rawCountValue,
                        f.mode(false),
                        e.mode(true)));
            }
            Mode fastAll = allFast.mode(false);
            Mode exactAll = allExact.mode(true);
            Target target = new Target(
                    "a typical 3-5 condition preview under 1 s at 18M users (exact=false, p90 over all chains)",
                    fastAll.preview().p50(),
                    fastAll.preview().p90(),
                    fastAll.preview().p90() < 1000 && table.rows() >= 18_000_000);
            Result result = new Result(
                    "cohorts",
                    startedAt,
                    admin.url(),
                    machine,
                    table,
                    iterations,
                    warmup,
                    fastAll,
                    exactAll,
                    target,
                    cpuSeconds,
                    r1(seconds),
                    results);
            Files.createDirectories(out.toAbsolutePath().getParent());
            Json.MAPPER.writerWithDefaultPrettyPrinter().writeValue(out.toFile(), result);
            print(log, result);
            return 0;
        }
    }

    /** One preview over HTTP, then the raw queries it runs, timed separately. */
    private void measure(AdminApi api, UserStore store, TypicalChains.Chain c, boolean exact, Series into) {
        long started = System.nanoTime();
        AdminApi.Reply reply = api.postJson(
                "api/v1/cohorts/preview?exact=" + exact,
                AdminApi.previewRequest(c.filter()),
                Duration.ofSeconds(timeoutSeconds));
        double previewMillis = (System.nanoTime() - started) / 1e6;
        JsonNode body = reply.body();
        if (reply.status() != 200 || body == null) {
            throw new IllegalStateException("preview of " + c.name() + " (exact=" + exact + ") answered "
                    + reply.status() + ": " + reply.text());
        }
        Instant now = Instant.now();
        started = System.nanoTime();
        long count = store.count(c.chain(), now, exact);
        double countMillis = (System.nanoTime() - started) / 1e6;
        started = System.nanoTime();
        if (count > 0) {
            store.sampleIds(c.chain(), now, SAMPLE_SIZE, exact);
        }
        double sampleMillis = (System.nanoTime() - started) / 1e6;
        into.preview.add(previewMillis);
        into.serverTook.add(body.path("tookMillis").asDouble());
        into.rawCount.add(countMillis);
        into.rawSample.add(sampleMillis);
        into.previewCount = body.path("count").asLong();
        into.rawCountValue = count;
    }

    /** Makes the table hold at least {@code users} rows: reuse, append the missing ids, or reload. */
    private Table ensureUsers(ClickHouse clickHouse, UserStore store, PrintWriter log) {
        ClickHouseSchema.apply(clickHouse);
        Map<String, Object> stats = clickHouse
                .select("SELECT count() AS n, max(user_id) AS m, max(version) AS v FROM " + clickHouse.table("users"))
                .get(0);
        long rows = number(stats.get("n"));
        long maxId = number(stats.get("m"));
        long version = number(stats.get("v"));
        double loadSeconds = 0;
        double optimizeSeconds;
        if (rows < users) {
            long firstId;
            Instant asOf;
            if (rows > 0 && rows == maxId) {
                firstId = maxId + 1;
                // appended users get the same reference time (and row version) as the ones already there
                asOf = Instant.ofEpochMilli(version);
                log.printf(
                        Locale.ROOT,
                        "  %s holds users 1..%,d: appending %,d..%,d%n",
                        clickHouse.table("users"),
                        maxId,
                        firstId,
                        users);
            } else {
                if (rows > 0) {
                    log.printf(
                            Locale.ROOT,
                            "  %s holds %,d rows that are not users 1..n: reloading%n",
                            clickHouse.table("users"),
                            rows);
                    clickHouse.execute("DROP TABLE IF EXISTS " + clickHouse.table("users"));
                    ClickHouseSchema.apply(clickHouse);
                }
                firstId = 1;
                asOf = Instant.now().truncatedTo(ChronoUnit.DAYS);
            }
            log.printf(Locale.ROOT, "  loading %,d users (seed %d, as of %s)%n", users - firstId + 1, seed, asOf);
            UserLoad.Report report = new UserLoad(store, batchSize, threads)
                    .load(new UserGenerator(seed, asOf), firstId, users - firstId + 1, UserLoad.Progress.printing(log));
            loadSeconds = r1(report.seconds());
            log.printf(Locale.ROOT, "  loaded in %.1f s (%,.0f users/s)%n", report.seconds(), report.usersPerSecond());
        } else {
            log.printf(
                    Locale.ROOT,
                    "  %s holds %,d rows (>= %,d): reusing them%n",
                    clickHouse.table("users"),
                    rows,
                    users);
        }
        optimizeSeconds = mergeToOnePart(clickHouse, store, log);
        Map<String, Object> after = clickHouse
                .select("SELECT count() AS n, max(user_id) AS m, max(version) AS v FROM " + clickHouse.table("users"))
                .get(0);
        return new Table(
                database,
                number(after.get("n")),
                number(after.get("m")),
                (int) activeParts(clickHouse),
                Instant.ofEpochMilli(number(after.get("v"))),
                loadSeconds,
                optimizeSeconds);
    }

    /**
     * Merges the table into one part, the state a settled production table is in, so every run measures the same
     * thing (FINAL costs more the more parts there are). OPTIMIZE ... FINAL does nothing, silently, while a
     * background merge holds some of the parts, so wait for those first.
     */
    private double mergeToOnePart(ClickHouse clickHouse, UserStore store, PrintWriter log) {
        long started = System.nanoTime();
        for (int attempt = 1; activeParts(clickHouse) > 1; attempt++) {
            if (attempt > 10) {
                throw new IllegalStateException(clickHouse.table("users") + " still has " + activeParts(clickHouse)
                        + " parts after 10 OPTIMIZE FINAL");
            }
            log.printf("  merging %d parts into one (OPTIMIZE TABLE ... FINAL)%n", activeParts(clickHouse));
            while (clickHouse.selectLong("SELECT count() AS n FROM system.merges WHERE database = "
                            + ClickHouseFilterSql.quote(database) + " AND table = 'users'")
                    > 0) {
                sleep(500);
            }
            store.optimize();
        }
        double seconds = r1((System.nanoTime() - started) / 1e9);
        if (seconds >= 0.1) {
            log.printf(Locale.ROOT, "  merged in %.1f s%n", seconds);
        }
        return seconds;
    }

    private long activeParts(ClickHouse clickHouse) {
        return clickHouse.selectLong("SELECT count() AS n FROM system.parts WHERE active AND database = "
                + ClickHouseFilterSql.quote(database) + " AND table = 'users'");
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private void print(PrintWriter log, Result r) {
        log.printf(
                Locale.ROOT,
                "%n%-28s %12s %12s | %-31s | %-31s%n",
                "chain (conditions)",
                "count",
                "exact count",
                "exact=false: preview / raw count",
                "exact=true: preview / raw count");
        for (ChainResult c : r.chains()) {
            log.printf(
                    Locale.ROOT,
                    "%-28s %12s %12s | p50 %7.1f / %7.1f ms (x%.2f) | p50 %7.1f / %7.1f ms (x%.2f)%s%n",
                    c.name() + " (" + c.conditions() + ")",
                    String.format(Locale.ROOT, "%,d", c.previewCount()),
                    String.format(Locale.ROOT, "%,d", c.exactCount()),
                    c.fast().preview().p50(),
                    c.fast().rawCount().p50(),
                    c.fast().previewOverRawCount(),
                    c.exact().preview().p50(),
                    c.exact().rawCount().p50(),
                    c.exact().previewOverRawCount(),
                    c.previewCount() == c.rawCount() ? "" : "  (raw count " + c.rawCount() + ")");
        }
        for (Mode m : List.of(r.fast(), r.exact())) {
            log.printf(
                    Locale.ROOT,
                    "%nexact=%s over all chains (n=%d):%n",
                    m.exact(),
                    m.preview().n());
            line(log, "preview (HTTP, end to end)", m.preview());
            line(log, "  server tookMillis", m.serverTook());
            line(log, "raw count (UserStore.count)", m.rawCount());
            line(log, "raw sample (sampleIds 20)", m.rawSample());
            log.printf(
                    Locale.ROOT,
                    "  preview/raw count (p50): %.2f; preview/(raw count + sample) (p50): %.2f%n",
                    m.previewOverRawCount(),
                    m.previewOverRawCountPlusSample());
        }
        log.printf(
                Locale.ROOT,
                "%ntarget: %s -> p50 %.0f ms, p90 %.0f ms: %s%n",
                r.target().goal(),
                r.target().fastP50Millis(),
                r.target().fastP90Millis(),
                r.target().met() ? "met" : "MISSED");
        log.printf("CPU seconds while measuring (%.0f s wall): %s%n", r.seconds(), r.cpuSeconds());
        log.printf("results: %s%n", out.toAbsolutePath());
    }

    private static void line(PrintWriter log, String what, Millis m) {
        log.printf(
                Locale.ROOT,
                "  %-28s p50 %7.1f  p90 %7.1f  p99 %7.1f  max %7.1f ms%n",
                what,
                m.p50(),
                m.p90(),
                m.p99(),
                m.max());
    }

    private static long number(Object value) {
        return value instanceof Number n ? n.longValue() : Long.parseUnsignedLong(value.toString());
    }

    private static double r1(double v) {
        return Math.round(v * 10) / 10.0;
    }

    private static double r2(double v) {
        return Math.round(v * 100) / 100.0;
    }
}
