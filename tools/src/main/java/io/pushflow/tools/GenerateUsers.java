package io.pushflow.tools;

import io.pushflow.core.user.UserGenerator;
import io.pushflow.store.ClickHouse;
import io.pushflow.store.ClickHouseSchema;
import io.pushflow.store.UserStore;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Loads synthetic users (UserGenerator) straight into ClickHouse {@code users}. */
@Command(
        name = "generate-users",
        sortOptions = false,
        usageHelpAutoWidth = true,
        description = {
            "Generates deterministic synthetic users and loads them straight into ClickHouse users (schema applied first).",
            "The same seed, ids and --now give the same rows; a later --now replaces them (its millis are the row version).",
            "ClickHouse comes from CLICKHOUSE_URL, CLICKHOUSE_USER, CLICKHOUSE_PASSWORD."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:done", "1:failed (ClickHouse error, ...)", "2:bad arguments"})
public final class GenerateUsers implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(
            names = {"-h", "--help"},
            usageHelp = true,
            description = "show this help and exit")
    boolean help;

    @Option(names = "--count", paramLabel = "N", description = "users to generate (default: ${DEFAULT-VALUE})")
    long count = 100_000;

    @Option(names = "--seed", paramLabel = "S", description = "generator seed (default: ${DEFAULT-VALUE})")
    long seed = 1;

    @Option(
            names = "--first-id",
            paramLabel = "F",
            description = "first user id; ids F .. F+N-1 (default: ${DEFAULT-VALUE})")
    long firstId = 1;

    @Option(
            names = "--database",
            paramLabel = "D",
            description = "ClickHouse database (default: env CLICKHOUSE_DATABASE or pushflow)")
    String database = Cli.env("CLICKHOUSE_DATABASE", "pushflow");

    @Option(
            names = "--now",
            paramLabel = "INSTANT",
            description = "the generator's reference time, e.g. 2026-11-24T00:00:00Z "
                    + "(default: the start of the current UTC day, so runs on one day give the same rows)")
    Instant now = Instant.now().truncatedTo(ChronoUnit.DAYS);

    @Option(names = "--batch-size", paramLabel = "ROWS", description = "users per INSERT (default: ${DEFAULT-VALUE})")
    int batchSize = 200_000;

    @Option(
            names = "--threads",
            paramLabel = "T",
            description =
                    "threads generating and encoding batches while one is inserted " + "(default: ${DEFAULT-VALUE})")
    int threads = 1;

    public static void main(String[] args) {
        Cli.main(new GenerateUsers(), args);
    }

    @Override
    public Integer call() {
        check(spec, count, firstId, batchSize, threads);
        PrintWriter out = spec.commandLine().getOut();
        try (ClickHouse clickHouse = Cli.clickHouse(database, Duration.ofMinutes(5))) {
            ClickHouseSchema.apply(clickHouse);
            UserStore store = new UserStore(clickHouse);
            out.printf(
                    Locale.ROOT,
                    "generating %,d users (seed %d, ids %d..%d, now %s) into %s, %,d per insert, %d encoder thread(s)%n",
                    count,
                    seed,
                    firstId,
                    firstId + count - 1,
                    now,
                    clickHouse.table("users"),
                    batchSize,
                    threads);
            UserLoad.Report report = new UserLoad(store, batchSize, threads)
                    .load(new UserGenerator(seed, now), firstId, count, UserLoad.Progress.printing(out));
            out.printf(
                    Locale.ROOT,
                    "loaded %,d users in %.2f s: %,.0f users/s (%.2f s of it waiting on %d insert(s))%n",
                    report.users(),
                    report.seconds(),
                    report.usersPerSecond(),
                    report.insertSeconds(),
                    report.batches());
            Map<String, Object> table = clickHouse
                    .select("SELECT count() AS rows, uniqExact(user_id) AS users FROM " + clickHouse.table("users"))
                    .get(0);
            // a user loaded twice has two rows until ClickHouse merges them (ReplacingMergeTree)
            out.printf(
                    Locale.ROOT,
                    "%s: %,d rows, %,d distinct users%n",
                    clickHouse.table("users"),
                    Long.parseLong(table.get("rows").toString()),
                    Long.parseLong(table.get("users").toString()));
        }
        return 0;
    }

    static void check(CommandSpec spec, long count, long firstId, int batchSize, int threads) {
        if (count < 1) {
            throw Cli.invalid(spec, "--count must be at least 1, got " + count);
        }
        if (firstId < 1 || firstId > Long.MAX_VALUE - count) {
            throw Cli.invalid(
                    spec,
                    "--first-id must be at least 1 (user ids are positive) and leave room for --count, got " + firstId);
        }
        if (batchSize < 1) {
            throw Cli.invalid(spec, "--batch-size must be at least 1, got " + batchSize);
        }
        if (threads < 1 || threads > 16) {
            throw Cli.invalid(spec, "--threads must be 1..16, got " + threads);
        }
    }
}
