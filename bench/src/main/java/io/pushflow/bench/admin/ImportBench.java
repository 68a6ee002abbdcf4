package io.pushflow.bench.admin;

import com.fasterxml.jackson.databind.JsonNode;
import io.pushflow.bench.Machine;
import io.pushflow.bench.Spread;
import io.pushflow.core.json.Json;
import io.pushflow.core.user.UserGenerator;
import io.pushflow.store.ClickHouse;
import io.pushflow.store.ClickHouseSchema;
import io.pushflow.store.UserRows;
import io.pushflow.store.UserStore;
import io.pushflow.tools.AdminApi;
import io.pushflow.tools.Cli;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.http.HttpRequest;
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
 * The user import benchmark: N generated users streamed as NDJSON to {@code POST /api/v1/users/import}, end to end,
 * beside the limit of the part beneath it (the same users, already encoded, inserted with
 * {@code UserStore.insertEncoded} in the import's batch size), R runs, each into a freshly created database.
 */
@Command(
        name = "import-bench",
        sortOptions = false,
        usageHelpAutoWidth = true,
        description = {
            "Streams N generated users as NDJSON to POST {url}/api/v1/users/import of a running admin service and "
                    + "measures users/s end to end; in the same run inserts the same users straight into ClickHouse with "
                    + "UserStore.insertEncoded (the raw limit beneath the import) and reports the ratio.",
            "Each run drops and re-creates --database, which must be the admin service's CLICKHOUSE_DATABASE: "
                    + "point this at a database of its own, never at one with data you keep.",
            "Writes the results as JSON to --out."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:done", "1:failed (service down, import rejected users, ...)", "2:bad arguments"})
public final class ImportBench implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(
            names = {"-h", "--help"},
            usageHelp = true,
            description = "show this help and exit")
    boolean help;

    @Mixin
    AdminTarget admin;

    @Option(names = "--users", paramLabel = "N", description = "users per run (default: ${DEFAULT-VALUE})")
    long users = 1_000_000;

    @Option(names = "--runs", paramLabel = "R", description = "runs (default: ${DEFAULT-VALUE})")
    int runs = 3;

    @Option(names = "--seed", paramLabel = "S", description = "generator seed (default: ${DEFAULT-VALUE})")
    long seed = 1;

    @Option(
            names = "--batch-size",
            paramLabel = "ROWS",
            description = "rows per raw insert: the admin service's "
                    + "pushflow.users.import-batch-size (default: ${DEFAULT-VALUE})")
    int batchSize = 100_000;

    // not taken from CLICKHOUSE_DATABASE: that names the database people keep their data in, and this one is dropped
    @Option(
            names = "--database",
            paramLabel = "D",
            description = "ClickHouse database the admin service writes to (its "
                    + "CLICKHOUSE_DATABASE); dropped and re-created every run (default: ${DEFAULT-VALUE})")
    String database = "pushflow_bench_import";

    @Option(names = "--keep", description = "keep the database after the last run (default: drop it)")
    boolean keep;

    @Option(
            names = "--watch",
            paramLabel = "NAME=PID",
            description = "a local process whose CPU time to report per phase, "
                    + "e.g. admin=1234 clickhouse=99 (repeatable)")
    Map<String, Long> watch = new LinkedHashMap<>();

    @Option(
            names = "--timeout",
            paramLabel = "SECONDS",
            description = "longest one import request may take (default: ${DEFAULT-VALUE})")
    int timeoutSeconds = 600;

    @Option(names = "--out", paramLabel = "FILE", description = "results file (default: ${DEFAULT-VALUE})")
    Path out = Path.of("bench-results", "import.json");

    /** One run's measurements. */
    record Run(
            int run,
            double httpSeconds,
            double httpUsersPerSecond,
            long serverMillis,
            double bodyMiB,
            double generatorCpuSeconds,
            Map<String, Double> httpCpuSeconds,
            double encodeSeconds,
            double rawSeconds,
            double rawUsersPerSecond,
            Map<String, Double> rawCpuSeconds,
            double ratio) {}

    record Result(
            String benchmark,
            Instant startedAt,
            String url,
            String database,
            long users,
            int runs,
            int batchSize,
            long seed,
            Machine machine,
            Summary httpImport,
            Summary httpImportSeconds,
            Summary rawInsert,
            Summary ratio,
            Target target,
            List<Run> runsDetail) {}

    record Summary(double min, double median, double max, double spreadPercent, String unit) {
        static Summary of(List<Double> values, String unit) {
            Spread s = Spread.of(values);
            return new Summary(round(s.min()), round(s.p50()), round(s.max()), round(s.spreadPercent()), unit);
        }
    }

    record Target(String goal, double medianSeconds, boolean met) {}

    public static void main(String[] args) {
        Cli.main(new ImportBench(), args);
    }

    @Override
    public Integer call() throws IOException {
        if (users < 1 || runs < 1 || batchSize < 1 || timeoutSeconds < 1) {
            throw Cli.invalid(spec, "--users, --runs, --batch-size and --timeout must be at least 1");
        }
        PrintWriter log = spec.commandLine().getOut();
        AdminApi api = admin.api();
        api.requireHealthy();
        Instant startedAt = Instant.now();
        // one reference time for every run, so every run sends the very same users
        UserGenerator generator = new UserGenerator(seed, startedAt.truncatedTo(ChronoUnit.SECONDS));
        ProcessCpu cpu = new ProcessCpu(watch);
        List<Run> done = new ArrayList<>();
        try (ClickHouse clickHouse = Cli.clickHouse(database, Duration.ofMinutes(5))) {
            Machine machine = Machine.describe(clickHouse);
            log.printf(
                    Locale.ROOT,
                    "import benchmark: %,d users x %d runs -> %s (ClickHouse database %s)%n  machine: %s%n",
                    users,
                    runs,
                    api.url(),
                    database,
                    machine);
            UserStore store = new UserStore(clickHouse);
            for (int run = 1; run <= runs; run++) {
                done.add(run(run, api, clickHouse, store, generator, cpu, log));
            }
            if (!keep) {
                clickHouse.dropDatabase();
            }
            Result result = result(startedAt, machine, done);
            Files.createDirectories(out.toAbsolutePath().getParent());
            Json.MAPPER.writerWithDefaultPrettyPrinter().writeValue(out.toFile(), result);
            print(log, result);
            return 0;
        }
    }

    private Run run(
            int run,
            AdminApi api,
            ClickHouse clickHouse,
            UserStore store,
            UserGenerator generator,
            ProcessCpu cpu,
            PrintWriter log) {
        fresh(clickHouse);
        GeneratedBody body = new GeneratedBody(() -> generator.users(1, users));
        Map<String, Double> cpuBefore = cpu.now();
        long started = System.nanoTime();
        AdminApi.Reply reply = api.post(
                "api/v1/users/import",
                HttpRequest.BodyPublishers.fromPublisher(body),
                "application/x-ndjson",
                Duration.ofSeconds(timeoutSeconds));
        double httpSeconds = (System.nanoTime() - started) / 1e9;
        Map<String, Double> httpCpu = ProcessCpu.since(cpuBefore, cpu.now());
        if (body.failure() != null) {
            throw new IllegalStateException("generating the body failed: " + body.failure(), body.failure());
        }
        JsonNode report = reply.body();
        if (reply.status() != 200 || report == null) {
            throw new IllegalStateException("the import answered " + reply.status() + ": " + abbreviate(reply.text()));
        }
        if (report.path("accepted").asLong() != users || report.path("rejected").asLong() != 0) {
            throw new IllegalStateException("the import did not take every user: " + abbreviate(reply.text()));
        }
        requireRows(store, "the import");

        fresh(clickHouse);
        long encodeStarted = System.nanoTime();
        List<byte[]> batches = new ArrayList<>();
        for (long first = 1; first <= users; first += batchSize) {
            batches.add(UserRows.jsonEachRow(generator.users(first, Math.min(batchSize, users - first + 1))::iterator));
        }
        double encodeSeconds = (System.nanoTime() - encodeStarted) / 1e9;
        cpuBefore = cpu.now();
        long rawStarted = System.nanoTime();
        for (byte[] rows : batches) {
            store.insertEncoded(rows);
        }
        double rawSeconds = (System.nanoTime() - rawStarted) / 1e9;
        Map<String, Double> rawCpu = ProcessCpu.since(cpuBefore, cpu.now());
        requireRows(store, "the raw insert");

        double httpRate = users / httpSeconds;
        double rawRate = users / rawSeconds;
        Run result = new Run(
                run,
                round(httpSeconds),
                Math.round(httpRate),
                report.path("millis").asLong(),
                round(body.bytes() / (1024.0 * 1024)),
                round(body.generatorCpuSeconds()),
                httpCpu,
                round(encodeSeconds),
                round(rawSeconds),
                Math.round(rawRate),
                rawCpu,
                round(httpRate / rawRate));
        log.printf(
                Locale.ROOT,
                "  run %d: import %.2f s = %,.0f users/s (server %d ms, %.0f MiB NDJSON, client generator %.1f s CPU, CPU %s)%n"
                        + "         raw insert %.2f s = %,.0f users/s (CPU %s; encoding beforehand %.2f s); import/raw = %.2f%n",
                run,
                httpSeconds,
                httpRate,
                result.serverMillis(),
                result.bodyMiB(),
                result.generatorCpuSeconds(),
                httpCpu,
                rawSeconds,
                rawRate,
                rawCpu,
                encodeSeconds,
                result.ratio());
        return result;
    }

    private void fresh(ClickHouse clickHouse) {
        clickHouse.dropDatabase();
        ClickHouseSchema.apply(clickHouse);
    }

    private void requireRows(UserStore store, String what) {
        long rows = store.countAll();
        if (rows != users) {
            throw new IllegalStateException(what + " left " + rows + " rows in users, expected " + users);
        }
    }

    private Result result(Instant startedAt, Machine machine, List<Run> done) {
        Summary http = Summary.of(done.stream().map(Run::httpUsersPerSecond).toList(), "users/s");
        Summary httpSeconds = Summary.of(done.stream().map(Run::httpSeconds).toList(), "s");
        Summary raw = Summary.of(done.stream().map(Run::rawUsersPerSecond).toList(), "users/s");
        Summary ratio = Summary.of(done.stream().map(Run::ratio).toList(), "import users/s / raw users/s");
        // the issue's goal is about a million users; other sizes are scaled to it
        double millionSeconds = httpSeconds.median() * 1_000_000 / users;
        return new Result(
                "import",
                startedAt,
                admin.url(),
                database,
                users,
                runs,
                batchSize,
                seed,
                machine,
                http,
                httpSeconds,
                raw,
                ratio,
                new Target("1,000,000 users imported in under 30 s", round(millionSeconds), millionSeconds < 30),
                done);
    }

    private void print(PrintWriter log, Result r) {
        log.printf(
                Locale.ROOT,
                "import (HTTP, end to end): min %,.0f / median %,.0f / max %,.0f users/s (spread %.1f%%); %.2f / %.2f / %.2f s%n",
                r.httpImport().min(),
                r.httpImport().median(),
                r.httpImport().max(),
                r.httpImport().spreadPercent(),
                r.httpImportSeconds().min(),
                r.httpImportSeconds().median(),
                r.httpImportSeconds().max());
        log.printf(
                Locale.ROOT,
                "raw insert (UserStore):    min %,.0f / median %,.0f / max %,.0f users/s (spread %.1f%%)%n",
                r.rawInsert().min(),
                r.rawInsert().median(),
                r.rawInsert().max(),
                r.rawInsert().spreadPercent());
        log.printf(
                Locale.ROOT,
                "import / raw: median %.2f (min %.2f, max %.2f)%n",
                r.ratio().median(),
                r.ratio().min(),
                r.ratio().max());
        log.printf(
                Locale.ROOT,
                "target: %s -> median %.2f s per million: %s%n",
                r.target().goal(),
                r.target().medianSeconds(),
                r.target().met() ? "met" : "MISSED");
        log.printf("results: %s%n", out.toAbsolutePath());
    }

    static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }

    private static String abbreviate(String s) {
        return s.length() > 500 ? s.substring(0, 500) + "..." : s;
    }
}
