package io.pushflow.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.pushflow.core.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code bin/pushflow bench all}'s summary: every scenario's result in {@code bench-results/} as one table, each
 * number beside the raw limit of the part beneath it, printed and written into a Markdown page written by hand
 * (docs/measurements.md) between the lines {@link #BEGIN} and {@link #END}, the rest of the page left as it is.
 */
public final class BenchReport {

    /** The lines of the Markdown page between which the report goes. */
    static final String BEGIN = "<!-- bench all: begin -->";

    static final String END = "<!-- bench all: end -->";

    /** One line of the table: what was measured, the number, the raw part's number, their ratio, runs and spread. */
    record Row(String scenario, String measured, String value, String raw, String ratio, String runs) {}

    private BenchReport() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 4 || !args[0].equals("--results") || !args[2].equals("--markdown")) {
            System.err.println("usage: BenchReport --results DIR --markdown FILE (a page with the lines " + BEGIN
                    + " and " + END + ")");
            System.exit(2);
        }
        Path dir = Path.of(args[1]);
        List<Row> rows = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        JsonNode machine = null;
        for (String scenario : List.of("e2e", "scale", "delivery", "stats", "cohorts", "import", "admin", "bandit")) {
            JsonNode r = read(dir.resolve(scenario + ".json"));
            if (r == null) {
                missing.add(scenario);
                continue;
            }
            machine = machine != null ? machine : r.get("machine");
            rows.addAll(rows(scenario, r));
        }
        StringBuilder table = new StringBuilder();
        table.append(
                "| scenario | measured | value | raw part beneath | ratio | runs (spread) |\n|---|---|---|---|---|---|\n");
        for (Row row : rows) {
            table.append(String.format(
                    Locale.ROOT,
                    "| %s | %s | %s | %s | %s | %s |%n",
                    row.scenario,
                    row.measured,
                    row.value,
                    row.raw,
                    row.ratio,
                    row.runs));
        }
        System.out.println();
        System.out.print(table);
        if (!missing.isEmpty()) {
            System.out.println("not run: " + String.join(", ", missing));
        }
        String md = "The latest `bin/pushflow bench all`, written by it ("
                + Instant.now().truncatedTo(ChronoUnit.MINUTES) + "). "
                + "Every service local, on one machine:\n\n"
                + "> " + describe(machine) + "\n\n"
                + "Each number stands beside the raw limit of the part beneath it, measured in the same run. "
                + "The JSON of each scenario (every run, the spread) is in `bench-results/`; [the design decisions](architecture.md#design-decisions) "
                + "say what the numbers decided.\n\n"
                + table
                + (missing.isEmpty() ? "" : "\nNot run this time: " + String.join(", ", missing) + ".\n")
                + "\nReproduce: `bin/pushflow bench all` (about 45 minutes here), or one scenario: `bin/pushflow bench <scenario>`.\n";
        Path markdown = Path.of(args[3]);
        String page;
        try {
            if (!Files.isRegularFile(markdown)) {
                throw new IllegalArgumentException("does not exist");
            }
            page = replaceBetweenMarkers(Files.readString(markdown), md);
        } catch (IllegalArgumentException e) {
            System.err.println("pushflow: error: " + markdown + " " + e.getMessage()
                    + ": the report was not written (it goes between the lines " + BEGIN + " and " + END
                    + " of that page, written by hand; the results are still in " + dir + ")");
            System.exit(1);
            return;
        }
        Files.writeString(markdown, page);
        System.out.println("written " + args[3] + ", between its markers");
    }

    /**
     * {@code page} with what lies between its lines {@link #BEGIN} and {@link #END} replaced by {@code report}, the rest as it was.
     *
     * @throws IllegalArgumentException saying what is wrong when a marker is missing, there twice, or the end comes first
     */
    static String replaceBetweenMarkers(String page, String report) {
        int begin = page.indexOf(BEGIN);
        int end = page.indexOf(END);
        if (begin < 0 || end < 0) {
            throw new IllegalArgumentException("has no line " + (begin < 0 ? BEGIN : END));
        }
        if (page.indexOf(BEGIN, begin + 1) >= 0 || page.indexOf(END, end + 1) >= 0 || end < begin) {
            throw new IllegalArgumentException("must have one line " + BEGIN + " and after it one line " + END);
        }
        return page.substring(0, begin + BEGIN.length()) + "\n\n" + report + "\n" + page.substring(end);
    }

    static List<Row> rows(String scenario, JsonNode r) {
        List<Row> out = new ArrayList<>();
        switch (scenario) {
            case "e2e" -> {
                double e2e = r.path("usersPerSecond").asDouble();
                JsonNode spread = r.path("pushesPerSecondSpread");
                String runs = spread.isMissingNode()
                        ? "1"
                        : String.format(
                                Locale.ROOT,
                                "%d (%s–%s pushes/s)",
                                r.path("runs").asInt(),
                                num(spread.path("min").asDouble()),
                                num(spread.path("max").asDouble()));
                String cluster = r.path("cluster").asText("");
                out.add(new Row(
                        "e2e",
                        String.format(
                                Locale.ROOT,
                                "campaign to %s users%s, launch to last outcome row: users/s (pushes/s), median",
                                people(r.path("users").asLong()),
                                cluster.isEmpty() ? "" : " on the " + cluster + " cluster"),
                        String.format(
                                Locale.ROOT,
                                "%s (%s)",
                                num(e2e),
                                num(r.path("pushesPerSecond").asDouble())),
                        "RabbitMQ "
                                + num(r.path("rawRabbitUsersPerSecond")
                                        .path("perSecond")
                                        .asDouble()) + " users/s in outbox batches",
                        ratio(r.path("ratioToRabbit").asDouble()),
                        runs));
                out.add(new Row(
                        "e2e",
                        "",
                        "",
                        "ClickHouse "
                                + num(r.path("rawClickHouseRowsPerSecond")
                                        .path("perSecond")
                                        .asDouble()) + " outcome rows/s",
                        ratio(r.path("ratioToClickHouse").asDouble()),
                        ""));
                if (r.has("clusters")) {
                    JsonNode local = r.path("clusters").path("local");
                    JsonNode localSpread = local.path("pushesPerSecondSpread");
                    out.add(new Row(
                            "e2e",
                            "the same on the one-JVM cluster, earlier in the same run: users/s (pushes/s), median",
                            String.format(
                                    Locale.ROOT,
                                    "%s (%s)",
                                    num(local.path("usersPerSecond").asDouble()),
                                    num(local.path("pushesPerSecond").asDouble())),
                            "",
                            "standalone / one JVM "
                                    + ratio(r.path("clusters")
                                            .path("standaloneToLocalPushes")
                                            .asDouble()),
                            String.format(
                                    Locale.ROOT,
                                    "%d (%s–%s pushes/s)",
                                    r.path("runs").asInt(),
                                    num(localSpread.path("min").asDouble()),
                                    num(localSpread.path("max").asDouble()))));
                }
                out.add(new Row(
                        "e2e",
                        "time to first push; Flink process peak memory",
                        String.format(
                                Locale.ROOT,
                                "%.1f s; %,d MB",
                                r.path("firstPushSeconds").asDouble(),
                                r.path("flinkPeakRssBytes").asLong() >> 20),
                        "",
                        "",
                        "1"));
                if (r.has("warmupUsers")) {
                    out.add(new Row(
                            "e2e",
                            String.format(
                                    Locale.ROOT,
                                    "before them, the first warm-up campaign on the fresh cluster (%s users, JIT compiling)",
                                    people(r.path("warmupUsers").asLong())),
                            String.format(
                                    Locale.ROOT,
                                    "%s users/s; first push %.1f s",
                                    num(r.path("warmupUsersPerSecond").asDouble()),
                                    r.path("warmupFirstPushSeconds").asDouble()),
                            "",
                            "",
                            "1"));
                }
                double pushes = r.path("pushesPerSecond").asDouble();
                double slowest =
                        spread.isMissingNode() ? pushes : spread.path("min").asDouble();
                out.add(new Row(
                        "e2e",
                        "goal: at least 50,000 pushes/s end to end",
                        pushes >= 50_000
                                ? String.format(
                                        Locale.ROOT,
                                        "met by the median (%.0f%% of the goal), %s by the slowest run",
                                        100 * pushes / 50_000,
                                        slowest >= 50_000 ? "and" : "not")
                                : String.format(Locale.ROOT, "not met (%.0f%% of it)", 100 * pushes / 50_000),
                        "",
                        "",
                        ""));
                StringBuilder cpu = new StringBuilder();
                double busy = 0;
                for (var e : (Iterable<Map.Entry<String, JsonNode>>)
                        () -> r.path("cpuSeconds").fields()) {
                    if (e.getValue().isNumber()) {
                        cpu.append(cpu.length() == 0 ? "" : ", ")
                                .append(e.getKey())
                                .append(' ')
                                .append(Math.round(e.getValue().asDouble()
                                        / r.path("users").asDouble()
                                        * 1e6))
                                .append(" µs");
                        busy += e.getValue().asDouble();
                    }
                }
                out.add(new Row(
                        "e2e",
                        "where the CPU went, per user",
                        cpu.toString(),
                        String.format(
                                Locale.ROOT,
                                "%.2f of %d cores busy",
                                busy / r.path("seconds").asDouble(),
                                r.path("machine").path("cores").asInt()),
                        "",
                        "1"));
            }
            case "scale" -> {
                for (JsonNode run : r.path("runs")) {
                    out.add(new Row(
                            "scale",
                            String.format(
                                    Locale.ROOT,
                                    "%s users: seconds, users/s, Flink peak memory",
                                    people(run.path("users").asLong())),
                            String.format(
                                    Locale.ROOT,
                                    "%.1f s, %s/s, %,d MB",
                                    run.path("seconds").asDouble(),
                                    num(run.path("usersPerSecond").asDouble()),
                                    run.path("flinkPeakRssBytes").asLong() >> 20),
                            "",
                            "",
                            "1"));
                }
                if (r.has("secondsPerAddedUser")) {
                    out.add(new Row(
                            "scale",
                            "per added user",
                            String.format(
                                    Locale.ROOT,
                                    "%.1f µs, %.0f B peak memory, %.0f B checkpointed state",
                                    r.path("secondsPerAddedUser").asDouble() * 1e6,
                                    r.path("peakBytesPerAddedUser").asDouble(),
                                    r.path("stateBytesPerAddedUser").asDouble()),
                            "",
                            "",
                            ""));
                }
            }
            case "delivery" ->
                out.add(new Row(
                        "delivery",
                        String.format(
                                Locale.ROOT,
                                "%s users on push.outbox through the delivery job: users/s",
                                people(r.path("users").asLong())),
                        num(r.path("jobUsersPerSecond").path("p50").asDouble()),
                        "OneSignal client → fake "
                                + num(r.path("rawProviderPushesPerSecond")
                                        .path("p50")
                                        .asDouble()) + " pushes/s",
                        ratio(r.path("ratio").asDouble()),
                        spread(r.path("jobUsersPerSecond"))));
            case "stats" -> {
                out.add(new Row(
                        "stats",
                        String.format(
                                Locale.ROOT,
                                "GET /stats with %s event rows: p50 / p99",
                                people(r.path("eventRows").asLong())),
                        ms(r.path("statsCallMillis").path("p50")) + " / "
                                + ms(r.path("statsCallMillis").path("p99")),
                        "its ClickHouse queries p50 "
                                + ms(r.path("rawClickHouseMillis").path("p50")),
                        ratio(r.path("statsCallMillis").path("p50").asDouble()
                                / r.path("rawClickHouseMillis").path("p50").asDouble()),
                        spread(r.path("statsCallMillis"))));
                out.add(new Row(
                        "stats",
                        "click on push.events → counted by GET /stats: p50 / max",
                        ms(r.path("freshnessMillis").path("p50")) + " / "
                                + ms(r.path("freshnessMillis").path("max")),
                        "",
                        "",
                        spread(r.path("freshnessMillis"))));
            }
            case "cohorts" -> {
                JsonNode fast = r.path("fast");
                out.add(new Row(
                        "cohorts",
                        String.format(
                                Locale.ROOT,
                                "preview on %s users (8 chains): p50 / p99",
                                people(r.path("table").path("rows").asLong())),
                        ms(fast.path("preview").path("p50")) + " / "
                                + ms(fast.path("preview").path("p99")),
                        "raw ClickHouse count p50 " + ms(fast.path("rawCount").path("p50")),
                        ratio(fast.path("previewOverRawCount").asDouble()),
                        fast.path("preview").path("n").asInt() + " calls"));
            }
            case "import" ->
                out.add(new Row(
                        "import",
                        String.format(
                                Locale.ROOT,
                                "%s users through POST /users/import: users/s",
                                people(r.path("users").asLong())),
                        num(r.path("httpImport").path("median").asDouble()),
                        "raw ClickHouse insert "
                                + num(r.path("rawInsert").path("median").asDouble()) + " users/s",
                        ratio(r.path("ratio").path("median").asDouble()),
                        r.path("runs").asInt() + " ("
                                + Math.round(r.path("httpImport")
                                        .path("spreadPercent")
                                        .asDouble()) + "%)"));
            case "bandit" -> {
                for (String policy : List.of("BANDIT", "AB_WINNER", "EVEN")) {
                    JsonNode p = r.path("pipeline").path(policy);
                    JsonNode offline = r.path("offline").path(policy);
                    out.add(new Row(
                            "bandit",
                            policy + ": clicks as a share of the oracle's (expected from its allocation)",
                            String.format(
                                    Locale.ROOT,
                                    "%.1f%% (%.1f%%)",
                                    100 * p.path("clicksShareOfOracle").asDouble(),
                                    100 * p.path("expectedShareOfOracle").asDouble()),
                            String.format(
                                    Locale.ROOT,
                                    "offline replay median %.1f%%",
                                    100 * offline.path("p50").asDouble()),
                            "",
                            String.format(
                                    Locale.ROOT,
                                    "1 pipeline run; offline %d (%.1f–%.1f%%)",
                                    offline.path("n").asInt(),
                                    100 * offline.path("min").asDouble(),
                                    100 * offline.path("max").asDouble())));
                }
            }
            case "admin" -> {
                for (String load : List.of("campaigns-list", "push", "mix", "writes", "cohort-fields")) {
                    StringBuilder rates = new StringBuilder();
                    String latency = "";
                    String spreads = "";
                    long non2xx = 0;
                    for (JsonNode res : r.path("results")) {
                        if (!res.path("load").asText().equals(load)) {
                            continue;
                        }
                        rates.append(rates.length() == 0 ? "" : " / ")
                                .append(num(res.path("requestsPerSecond")
                                        .path("median")
                                        .asDouble()));
                        spreads += (spreads.isEmpty() ? "" : ", ")
                                + Math.round(res.path("requestsPerSecond")
                                        .path("spreadPercent")
                                        .asDouble()) + "%";
                        non2xx += res.path("non2xx").asLong();
                        if (res.path("connections").asInt() == 32) {
                            latency = String.format(
                                    Locale.ROOT,
                                    "; at 32: p50 %.1f ms, p99 %.0f ms",
                                    res.path("p50Millis").path("median").asDouble(),
                                    res.path("p99Millis").path("median").asDouble());
                        }
                    }
                    String raw = "";
                    String ratio = "";
                    if (load.equals("campaigns-list")) {
                        raw = "its SQL over JDBC "
                                + num(r.path("rawListSql")
                                        .path("perSecond")
                                        .path("median")
                                        .asDouble()) + " lists/s";
                        StringBuilder ratios = new StringBuilder();
                        for (JsonNode x : r.path("ratios")) {
                            if (x.path("load").asText().equals(load)) {
                                ratios.append(ratios.length() == 0 ? "" : " / ")
                                        .append(ratio(x.path("overRawList").asDouble()));
                            }
                        }
                        ratio = ratios.toString();
                    }
                    out.add(new Row(
                            "admin",
                            load + " under wrk, Basic auth, 8 / 32 / 128 connections: req/s"
                                    + (non2xx > 0 ? " (" + non2xx + " non-2xx)" : ""),
                            rates + latency,
                            raw,
                            ratio,
                            r.path("runs").asInt() + " each (" + spreads + ")"));
                }
            }
            default -> out.add(new Row(scenario, "see bench-results/" + scenario + ".json", "", "", "", ""));
        }
        return out;
    }

    private static JsonNode read(Path file) throws IOException {
        return Files.exists(file) ? Json.MAPPER.readTree(Files.readString(file)) : null;
    }

    private static String describe(JsonNode machine) {
        if (machine == null) {
            return "no results";
        }
        return String.format(
                Locale.ROOT,
                "%d cores (%s), %.1f GiB RAM, %s, %s, ClickHouse %s",
                machine.path("cores").asInt(),
                machine.path("cpu").asText(),
                machine.path("ramGiB").asDouble(),
                machine.path("os").asText(),
                machine.path("java").asText(),
                machine.path("clickHouse").asText());
    }

    static String num(double v) {
        return v >= 10_000 ? String.format(Locale.ROOT, "%.1fk", v / 1e3) : String.format(Locale.ROOT, "%,.0f", v);
    }

    static String people(long n) {
        return n >= 1_000_000
                ? String.format(Locale.ROOT, "%.0fM", n / 1e6)
                : n >= 1_000 ? String.format(Locale.ROOT, "%.0fk", n / 1e3) : Long.toString(n);
    }

    private static String ms(JsonNode v) {
        double x = v.asDouble();
        return x >= 1_000 ? String.format(Locale.ROOT, "%.1f s", x / 1e3) : String.format(Locale.ROOT, "%.0f ms", x);
    }

    private static String ratio(double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }

    private static String spread(JsonNode s) {
        return s.path("n").asInt() + " (" + num(s.path("min").asDouble()) + "–"
                + num(s.path("max").asDouble()) + ")";
    }
}
