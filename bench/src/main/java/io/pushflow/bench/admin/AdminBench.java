package io.pushflow.bench.admin;

import io.pushflow.bench.Machine;
import io.pushflow.bench.Spread;
import io.pushflow.core.json.Json;
import io.pushflow.store.ClickHouse;
import io.pushflow.tools.AdminApi;
import io.pushflow.tools.Cli;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The config API under load: a realistic configuration seeded through the API, then wrk (a separate process) with
 * Basic auth at single endpoints, a write mix and a weighted mix, at several connection counts, beside the raw limits
 * of the parts beneath: the HTTP stack alone ({@code /health/liveness}, anonymous, no database) and the campaign
 * list's SQL in a JDBC loop.
 */
@Command(
        name = "admin-bench",
        sortOptions = false,
        usageHelpAutoWidth = true,
        description = {
            "Seeds a running admin service through its API (cohorts, pushes with several locales, draft campaigns), "
                    + "then drives wrk at it with Basic auth: each load alone (campaigns-list, campaign, cohorts-list, push, "
                    + "cohort-fields, writes) and a weighted mix, at each --connections for --duration seconds, --runs times, "
                    + "beside wrk at /health/liveness (the HTTP stack without auth or database) and the campaign list's three "
                    + "SQL statements in a JDBC loop on --raw-threads connections (MYSQL_HOST, _PORT, _USER, _PASSWORD).",
            "--mysql-database must be the admin service's MYSQL_DATABASE and should be empty: the writes add pushes.",
            "Writes the results as JSON to --out."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:done", "1:failed (service down, wrk missing, seeding failed, ...)", "2:bad arguments"})
public final class AdminBench implements Callable<Integer> {

    /** The loads, in the order they run; health is the raw HTTP limit, mix the weighted whole. */
    static final List<String> LOADS =
            List.of("health", "campaigns-list", "campaign", "cohorts-list", "push", "cohort-fields", "writes", "mix");

    private static final List<String> LOCALES = List.of("pt", "es", "de", "fr", "it", "nl", "pl", "ja", "zh-Hans");
    private static final List<String> APPS = List.of("windy-ios", "windy-android", "kiteboard-ios");

    @Spec
    CommandSpec spec;

    @Option(
            names = {"-h", "--help"},
            usageHelp = true,
            description = "show this help and exit")
    boolean help;

    @Mixin
    AdminTarget admin;

    @Option(
            names = "--mysql-database",
            paramLabel = "D",
            description = "MySQL database the admin service uses (its "
                    + "MYSQL_DATABASE), for the raw JDBC loop (default: ${DEFAULT-VALUE})")
    String mysqlDatabase = "pushflow_bench_admin";

    @Option(
            names = "--connections",
            paramLabel = "C",
            split = ",",
            description = "wrk connection counts (default: ${DEFAULT-VALUE})")
    List<Integer> connections = new ArrayList<>(List.of(8, 32, 128));

    @Option(
            names = "--loads",
            paramLabel = "NAME",
            split = ",",
            description = "loads to run, of " + "health, campaigns-list, "
                    + "campaign, cohorts-list, push, cohort-fields, writes, mix (default: all)")
    List<String> loads = new ArrayList<>(LOADS);

    @Option(
            names = "--duration",
            paramLabel = "SECONDS",
            description = "one measured wrk run (default: ${DEFAULT-VALUE})")
    int durationSeconds = 10;

    @Option(
            names = "--warmup",
            paramLabel = "SECONDS",
            description = "an unmeasured wrk run per load first, at the middle "
                    + "connection count (default: ${DEFAULT-VALUE})")
    int warmupSeconds = 5;

    @Option(
            names = "--runs",
            paramLabel = "R",
            description = "rounds over every load and connection count (default: ${DEFAULT-VALUE})")
    int runs = 3;

    @Option(
            names = "--threads",
            paramLabel = "T",
            description = "wrk threads (at most the connections) (default: ${DEFAULT-VALUE})")
    int threads = 2;

    @Option(
            names = "--raw-threads",
            paramLabel = "T",
            description =
                    "JDBC connections of the raw loop: the admin service's " + "pool size (default: ${DEFAULT-VALUE})")
    int rawThreads = 10;

    @Option(names = "--cohorts", paramLabel = "N", description = "cohorts to seed (default: ${DEFAULT-VALUE})")
    int cohorts = 40;

    @Option(names = "--pushes", paramLabel = "N", description = "pushes to seed (default: ${DEFAULT-VALUE})")
    int pushes = 120;

    @Option(
            names = "--campaigns",
            paramLabel = "N",
            description = "draft campaigns to seed (default: ${DEFAULT-VALUE})")
    int campaigns = 60;

    @Option(
            names = "--seed",
            paramLabel = "S",
            description = "seed of the generated configuration (default: ${DEFAULT-VALUE})")
    long seed = 1;

    @Option(names = "--wrk", paramLabel = "PATH", description = "the wrk program (default: ${DEFAULT-VALUE})")
    String wrk = "wrk";

    @Option(
            names = "--watch",
            paramLabel = "NAME=PID",
            description = "a local process whose CPU to report, e.g. admin=1234 (repeatable)")
    Map<String, Long> watch = new LinkedHashMap<>();

    @Option(names = "--out", paramLabel = "FILE", description = "results file (default: ${DEFAULT-VALUE})")
    Path out = Path.of("bench-results", "admin.json");

    /** What the seeding made, by id. */
    record Seeded(
            List<Long> cohortIds,
            List<Long> pushIds,
            Map<Long, String> pushBodies,
            Map<Long, String> campaignBodies,
            double seconds) {
        List<Long> campaignIds() {
            return List.copyOf(campaignBodies.keySet());
        }
    }

    /** One kind of request of a load: weight, method, and the path (and body) of each target. */
    record Kind(String name, int weight, String method, boolean unique, List<String[]> targets) {}

    record Raw(
            String what,
            int threads,
            LoadRuns.Summary perSecond,
            double p50Millis,
            double p99Millis,
            long iterations,
            List<Map<String, Double>> cpuSecondsPerRun) {}

    /** req/s medians over those of /health/liveness and cohort-fields (HTTP, auth and JSON without a database) at the same connections. */
    record Ratio(String load, int connections, Double overHealth, Double overCohortFields, Double overRawList) {}

    public static void main(String[] args) {
        Cli.main(new AdminBench(), args);
    }

    @Override
    public Integer call() throws Exception {
        if (durationSeconds < 1
                || warmupSeconds < 0
                || runs < 1
                || threads < 1
                || rawThreads < 1
                || cohorts < 1
                || pushes < 4
                || campaigns < 1
                || connections.isEmpty()
                || connections.stream().anyMatch(c -> c < 1)) {
            throw Cli.invalid(
                    spec,
                    "--duration, --runs, --threads, --raw-threads, --cohorts, --campaigns and every --connections "
                            + "must be at least 1, --pushes at least 4, --warmup at least 0");
        }
        List<String> unknown = loads.stream().filter(l -> !LOADS.contains(l)).toList();
        if (!unknown.isEmpty() || loads.isEmpty()) {
            throw Cli.invalid(spec, "unknown --loads " + unknown + "; choose from " + String.join(", ", LOADS));
        }
        PrintWriter log = spec.commandLine().getOut();
        requireWrk();
        AdminApi api = admin.api();
        api.requireHealthy();
        Instant startedAt = Instant.now();
        Machine machine;
        try (ClickHouse clickHouse = Cli.clickHouse("default", Duration.ofSeconds(30))) {
            machine = Machine.describe(clickHouse);
        }
        String mysqlVersion;
        try (Connection c = jdbc()) {
            mysqlVersion = c.getMetaData().getDatabaseProductVersion();
        }
        log.printf(
                "admin API benchmark -> %s (MySQL %s, database %s)%n  machine: %s%n  wrk: %s, %d thread(s), sharing the "
                        + "machine's %d cores with the admin service, MySQL and this program%n",
                api.url(), mysqlVersion, mysqlDatabase, machine, wrkVersion(), threads, machine.cores());

        Seeded seeded = seed(api, log);
        Map<String, List<Kind>> kinds = kinds(seeded);
        String template = template();
        Path scripts = Files.createTempDirectory("admin-bench");
        Map<String, Path> scriptOf = new LinkedHashMap<>();
        for (String load : loads) {
            scriptOf.put(load, writeScript(scripts, load, kinds.get(load), template));
        }

        List<Integer> conns = connections.stream().distinct().sorted().toList();
        int warmConnections = conns.get(conns.size() / 2);
        if (warmupSeconds > 0) {
            log.printf("  warming up: each load %d s at %d connections%n", warmupSeconds, warmConnections);
            for (String load : loads) {
                wrk(scriptOf.get(load), warmConnections, warmupSeconds);
            }
            rawListLoop(warmupSeconds);
        }
        ProcessCpu cpu = new ProcessCpu(watch);
        Map<String, List<LoadRuns.Run>> measured = new LinkedHashMap<>();
        List<Double> rawRates = new ArrayList<>();
        List<Double> rawLatencies = new ArrayList<>();
        long rawIterations = 0;
        List<Map<String, Double>> rawCores = new ArrayList<>();
        for (int run = 1; run <= runs; run++) {
            for (String load : loads) {
                for (int c : conns) {
                    Map<String, Double> before = cpu.now();
                    double childrenBefore = ProcessCpu.endedChildren();
                    WrkReport report = wrk(scriptOf.get(load), c, durationSeconds);
                    Map<String, Double> used = new LinkedHashMap<>(ProcessCpu.since(before, cpu.now()));
                    used.put("wrk", LoadRuns.r2(ProcessCpu.endedChildren() - childrenBefore));
                    measured.computeIfAbsent(load + "@" + c, k -> new ArrayList<>())
                            .add(new LoadRuns.Run(report, used));
                    log.printf(
                            Locale.ROOT,
                            "  run %d %-15s %4d conn: %,9.0f req/s  p50 %7.2f ms  p99 %8.2f ms  non-2xx %d%s  CPU %s%n",
                            run,
                            load,
                            c,
                            report.requestsPerSecond(),
                            report.p50Micros() / 1000,
                            report.p99Micros() / 1000,
                            report.non2xx(),
                            report.socketErrors() > 0 ? "  socket errors " + report.socketErrors() : "",
                            used);
                }
            }
            Map<String, Double> before = cpu.now();
            RawLoop.Result raw = rawListLoop(durationSeconds);
            rawCores.add(ProcessCpu.since(before, cpu.now()));
            rawRates.add(raw.perSecond());
            rawLatencies.addAll(raw.millis());
            rawIterations += raw.millis().size();
            log.printf(
                    Locale.ROOT,
                    "  run %d raw campaign-list SQL, %d JDBC connections: %,9.0f lists/s  CPU %s%n",
                    run,
                    rawThreads,
                    raw.perSecond(),
                    rawCores.get(rawCores.size() - 1));
        }

        List<LoadRuns.Result> results = new ArrayList<>();
        for (String load : loads) {
            for (int c : conns) {
                results.add(LoadRuns.summarize(load, c, measured.get(load + "@" + c)));
            }
        }
        Spread rawSpread = Spread.of(rawLatencies);
        Raw raw = new Raw(
                "SELECT page + COUNT(*) + variants IN (...) of GET /api/v1/campaigns?page=0&size=20, JDBC, "
                        + rawThreads + " connections",
                rawThreads,
                LoadRuns.Summary.of(rawRates),
                LoadRuns.r2(rawSpread.p50()),
                LoadRuns.r2(rawSpread.p99()),
                rawIterations,
                rawCores);
        List<Ratio> ratios = ratios(results, raw);

        Map<String, Object> json = new LinkedHashMap<>();
        json.put("scenario", "admin");
        json.put("machine", machine);
        json.put("mysql", mysqlVersion);
        json.put("startedAt", startedAt);
        json.put("url", admin.url());
        json.put(
                "wrk",
                Map.of(
                        "version",
                        wrkVersion(),
                        "threads",
                        threads,
                        "durationSeconds",
                        durationSeconds,
                        "warmupSeconds",
                        warmupSeconds,
                        "note",
                        "wrk runs on the same 2 cores as the service; latencies are wrk's "
                                + "(not corrected for coordinated omission)"));
        json.put("runs", runs);
        json.put(
                "seeded",
                Map.of(
                        "cohorts",
                        seeded.cohortIds().size(),
                        "pushes",
                        seeded.pushIds().size(),
                        "campaigns",
                        seeded.campaignIds().size(),
                        "seconds",
                        LoadRuns.r2(seeded.seconds())));
        json.put("loads", describe(kinds));
        json.put("results", results);
        json.put("rawListSql", raw);
        json.put("ratios", ratios);
        Files.createDirectories(out.toAbsolutePath().getParent());
        Json.MAPPER.writerWithDefaultPrettyPrinter().writeValue(out.toFile(), json);
        print(log, results, raw, ratios);
        return 0;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // seeding

    private Seeded seed(AdminApi api, PrintWriter log) {
        long started = System.nanoTime();
        Random random = new Random(seed);
        List<TypicalChains.Chain> chains = TypicalChains.all();
        List<Long> cohortIds = new ArrayList<>();
        for (int i = 0; i < cohorts; i++) {
            TypicalChains.Chain c = chains.get(i % chains.size());
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("name", c.name() + " #" + (i + 1));
            body.put("description", c.description());
            body.put("filter", c.filter());
            cohortIds.add(created(api, "api/v1/cohorts", body));
        }
        List<Long> pushIds = new ArrayList<>();
        Map<Long, String> pushBodies = new LinkedHashMap<>();
        for (int i = 0; i < pushes; i++) {
            Map<String, Object> body = push("Wind alert " + (i + 1), i, random);
            long id = created(api, "api/v1/pushes", body);
            pushIds.add(id);
            body.put("texts", edited(body));
            pushBodies.put(id, Json.write(body));
        }
        Map<Long, String> campaignBodies = new LinkedHashMap<>();
        for (int i = 0; i < campaigns; i++) {
            Map<String, Object> body = campaign(i, cohortIds.get(random.nextInt(cohortIds.size())), pushIds, random);
            long id = created(api, "api/v1/campaigns", body);
            body.put("sendRateLimit", 500 + random.nextInt(5000));
            campaignBodies.put(id, Json.write(body));
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        log.printf(
                Locale.ROOT,
                "  seeded %d cohorts, %d pushes (1-%d locales each), %d draft campaigns in %.1f s through the API%n",
                cohortIds.size(),
                pushIds.size(),
                1 + Math.min(7, LOCALES.size()),
                campaignBodies.size(),
                seconds);
        return new Seeded(cohortIds, pushIds, pushBodies, campaignBodies, seconds);
    }

    /** A push with English and 0-7 other locales, a deep link, sometimes an image and data. */
    static Map<String, Object> push(String name, int i, Random random) {
        Map<String, Object> texts = new LinkedHashMap<>();
        int knots = 15 + random.nextInt(25);
        texts.put(
                "en",
                text(
                        "Wind is on at spot " + (i + 1),
                        knots + " knots at your spot tomorrow from 10:00, gusts to " + (knots + 8)));
        List<String> others = new ArrayList<>(LOCALES);
        Collections.shuffle(others, random);
        for (String locale : others.subList(0, random.nextInt(8))) {
            texts.put(
                    locale,
                    text(
                            "[" + locale + "] Wind " + knots + " kn",
                            "[" + locale + "] " + knots + " knots tomorrow, gusts " + (knots + 8)
                                    + "; tide low at 13:40"));
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", name);
        body.put("defaultLocale", "en");
        body.put("texts", texts);
        body.put("deepLink", "windy://spot/" + (1000 + i));
        if (random.nextBoolean()) {
            body.put("imageUrl", "https://cdn.example.com/forecast/" + (1000 + i) + ".png");
        }
        if (random.nextInt(3) > 0) {
            body.put("data", Map.of("spot", 1000 + i, "model", "ecmwf", "knots", knots));
        }
        return body;
    }

    private static Map<String, String> text(String title, String body) {
        Map<String, String> t = new LinkedHashMap<>();
        t.put("title", title);
        t.put("body", body);
        return t;
    }

    /** The same texts with an edited English body: what an update sends. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> edited(Map<String, Object> push) {
        Map<String, Object> texts = new LinkedHashMap<>((Map<String, Object>) push.get("texts"));
        Map<String, String> en = (Map<String, String>) texts.get("en");
        texts.put("en", text(en.get("title"), en.get("body") + " (updated forecast)"));
        return texts;
    }

    /** A draft campaign of 2-4 variants under one of the three split types, with the limits marketers set. */
    static Map<String, Object> campaign(int i, long cohortId, List<Long> pushIds, Random random) {
        List<Long> shuffled = new ArrayList<>(pushIds);
        Collections.shuffle(shuffled, random);
        String type = List.of("BANDIT", "AB_FIXED", "AB_WINNER").get(i % 3);
        List<Map<String, Object>> variants = new ArrayList<>();
        for (long pushId : shuffled.subList(0, 2 + random.nextInt(3))) {
            Map<String, Object> v = new LinkedHashMap<>();
            v.put("pushId", pushId);
            if (type.equals("AB_FIXED")) {
                v.put("weight", 1 + random.nextInt(3));
            }
            variants.add(v);
        }
        Map<String, Object> split = new LinkedHashMap<>();
        split.put("type", type);
        split.put("metric", random.nextInt(4) == 0 ? "OPENS" : "CLICKS");
        if (type.equals("AB_WINNER")) {
            split.put("testShare", 0.2);
            split.put("testDuration", "PT30M");
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", "Campaign " + (i + 1) + ": wind alert, " + type.toLowerCase(Locale.ROOT));
        body.put("app", APPS.get(i % APPS.size()));
        body.put("cohortId", cohortId);
        body.put("variants", variants);
        body.put("split", split);
        body.put("holdoutShare", 0.05);
        body.put("duration", List.of("PT2H", "PT4H", "P1D").get(random.nextInt(3)));
        if (random.nextBoolean()) {
            body.put("sendRateLimit", 2000);
        }
        if (random.nextBoolean()) {
            body.put("quietHours", Map.of("start", "22:00", "end", "08:00"));
        }
        if (random.nextBoolean()) {
            body.put("frequencyCap", Map.of("count", 2, "period", "P1D"));
        }
        return body;
    }

    private static long created(AdminApi api, String path, Object body) {
        AdminApi.Reply reply = api.postJson(path, body, Duration.ofSeconds(30));
        if (reply.status() != 201 || reply.body() == null) {
            throw new IllegalStateException("POST " + path + " answered " + reply.status() + ": " + reply.text());
        }
        return reply.body().path("id").asLong();
    }

    // ---------------------------------------------------------------------------------------------------------------
    // loads and wrk

    /** The kinds of request of every load; the mix weighs them as an admin console's users might. */
    Map<String, List<Kind>> kinds(Seeded s) {
        List<String[]> campaignPages = new ArrayList<>();
        int lastPage = (s.campaignIds().size() - 1) / 20;
        for (int page = 0; page <= lastPage; page++) {
            // newer pages are looked at more: page 0 as often as all the others together
            for (int k = 0; k < Math.max(1, lastPage - page + (page == 0 ? lastPage : 0)); k++) {
                campaignPages.add(new String[] {"/api/v1/campaigns?page=" + page + "&size=20", null});
            }
        }
        List<String[]> cohortPages = Collections.singletonList(new String[] {"/api/v1/cohorts?page=0&size=20", null});
        List<String[]> campaign = s.campaignIds().stream()
                .map(id -> new String[] {"/api/v1/campaigns/" + id, null})
                .toList();
        List<String[]> push = s.pushIds().stream()
                .map(id -> new String[] {"/api/v1/pushes/" + id, null})
                .toList();
        List<String[]> fields = Collections.singletonList(new String[] {"/api/v1/cohort-fields", null});
        List<String[]> pushCreate = new ArrayList<>();
        Random random = new Random(seed + 1);
        for (int i = 0; i < 8; i++) {
            pushCreate.add(new String[] {"/api/v1/pushes", Json.write(push("@@NAME@@", i, random))});
        }
        List<String[]> pushUpdate = s.pushBodies().entrySet().stream()
                .map(e -> new String[] {"/api/v1/pushes/" + e.getKey(), e.getValue()})
                .toList();
        List<String[]> campaignUpdate = s.campaignBodies().entrySet().stream()
                .map(e -> new String[] {"/api/v1/campaigns/" + e.getKey(), e.getValue()})
                .toList();

        Kind listCampaigns = new Kind("campaigns-list", 30, "GET", false, campaignPages);
        Kind oneCampaign = new Kind("campaign", 25, "GET", false, campaign);
        Kind listCohorts = new Kind("cohorts-list", 10, "GET", false, cohortPages);
        Kind onePush = new Kind("push", 15, "GET", false, push);
        Kind cohortFields = new Kind("cohort-fields", 10, "GET", false, fields);
        Kind createPush = new Kind("push-create", 4, "POST", true, pushCreate);
        Kind updatePush = new Kind("push-update", 3, "PUT", false, pushUpdate);
        Kind updateCampaign = new Kind("campaign-update", 3, "PUT", false, campaignUpdate);

        Map<String, List<Kind>> out = new LinkedHashMap<>();
        out.put("health", List.of(new Kind("health", 1, "GET", false, Collections.singletonList(new String[] {
            "/health/liveness", null
        }))));
        out.put("campaigns-list", List.of(listCampaigns));
        out.put("campaign", List.of(oneCampaign));
        out.put("cohorts-list", List.of(listCohorts));
        out.put("push", List.of(onePush));
        out.put("cohort-fields", List.of(cohortFields));
        out.put("writes", List.of(createPush, updatePush, updateCampaign));
        out.put(
                "mix",
                List.of(
                        listCampaigns,
                        oneCampaign,
                        listCohorts,
                        onePush,
                        cohortFields,
                        createPush,
                        updatePush,
                        updateCampaign));
        return out;
    }

    private static Map<String, Object> describe(Map<String, List<Kind>> kinds) {
        Map<String, Object> out = new LinkedHashMap<>();
        kinds.forEach((load, ks) -> out.put(
                load,
                ks.stream()
                        .collect(Collectors.toMap(
                                Kind::name,
                                k -> k.method() + " " + k.targets().get(0)[0]
                                        + (k.targets().size() > 1
                                                ? " (1 of " + k.targets().size() + ")"
                                                : "") + (ks.size() > 1 ? ", weight " + k.weight() : ""),
                                (a, b) -> a,
                                LinkedHashMap::new))));
        return out;
    }

    private Path writeScript(Path dir, String load, List<Kind> kinds, String template) throws IOException {
        StringBuilder lua = new StringBuilder("kinds = {\n");
        for (Kind k : kinds) {
            lua.append("  { name = ")
                    .append(luaString(k.name()))
                    .append(", weight = ")
                    .append(k.weight())
                    .append(", method = ")
                    .append(luaString(k.method()))
                    .append(", unique = ")
                    .append(k.unique())
                    .append(", targets = {\n");
            for (String[] t : k.targets()) {
                lua.append("    { ")
                        .append(luaString(t[0]))
                        .append(", ")
                        .append(t[1] == null ? "false" : luaString(t[1]))
                        .append(" },\n");
            }
            lua.append("  } },\n");
        }
        lua.append("}\nheaders = { [\"Accept\"] = \"application/json\"");
        if (!load.equals("health")) { // the raw HTTP limit is measured without authentication
            String basic = Base64.getEncoder()
                    .encodeToString((admin.user + ":" + admin.password).getBytes(StandardCharsets.UTF_8));
            lua.append(", [\"Authorization\"] = ").append(luaString("Basic " + basic));
        }
        if (kinds.stream().anyMatch(k -> !k.method().equals("GET"))) {
            lua.append(", [\"Content-Type\"] = \"application/json\"");
        }
        lua.append(" }\n\n").append(template);
        Path script = dir.resolve(load + ".lua");
        Files.writeString(script, lua.toString());
        return script;
    }

    /** A Lua string literal of any text. */
    static String luaString(String s) {
        StringBuilder out = new StringBuilder("\"");
        for (char ch : s.toCharArray()) {
            switch (ch) {
                case '\\' -> out.append("\\\\");
                case '"' -> out.append("\\\"");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                default -> out.append(ch);
            }
        }
        return out.append('"').toString();
    }

    private static String template() throws IOException {
        try (InputStream in = AdminBench.class.getResourceAsStream("admin-load.lua")) {
            if (in == null) {
                throw new IllegalStateException("admin-load.lua is missing from the tools jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private WrkReport wrk(Path script, int connections, int seconds) throws IOException, InterruptedException {
        List<String> command = List.of(
                wrk,
                "-t",
                String.valueOf(Math.min(threads, connections)),
                "-c",
                String.valueOf(connections),
                "-d",
                seconds + "s",
                "--timeout",
                "10s",
                "-s",
                script.toString(),
                admin.url().replaceAll("/+$", ""));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int exit = p.waitFor();
        if (exit != 0) {
            throw new IllegalStateException(String.join(" ", command) + " exited with " + exit + ": " + output);
        }
        return WrkReport.parse(output);
    }

    private void requireWrk() {
        try {
            wrkVersion();
        } catch (IllegalStateException e) {
            throw new IllegalStateException(
                    "cannot run wrk (" + wrk + "): install it (Debian: apt-get install wrk) or pass --wrk PATH", e);
        }
    }

    private String wrkVersion() {
        try {
            Process p = new ProcessBuilder(wrk, "-v").redirectErrorStream(true).start();
            String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor();
            return text.lines().findFirst().orElse("?").trim();
        } catch (IOException e) {
            throw new IllegalStateException(e.toString(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // the raw database limit

    private Connection jdbc() throws SQLException {
        // the admin service's URL parameters (application.yml), so the driver behaves the same
        String url = "jdbc:mysql://" + Cli.env("MYSQL_HOST", "127.0.0.1") + ":" + Cli.env("MYSQL_PORT", "3306") + "/"
                + mysqlDatabase
                + "?rewriteBatchedStatements=true&connectionTimeZone=UTC&forceConnectionTimeZoneToSession=true&connectTimeout=5000"
                + "&socketTimeout=30000";
        return DriverManager.getConnection(
                url, Cli.env("MYSQL_USER", "pushflow"), Cli.env("MYSQL_PASSWORD", "pushflow"));
    }

    /** The three statements behind {@code GET /api/v1/campaigns?page=0&size=20}, as Micronaut Data sends them. */
    static final class RawLoop {
        static final String PAGE =
                "SELECT campaign_.`id`,campaign_.`version`,campaign_.`name`,campaign_.`app`,campaign_.`cohort_id`,"
                        + "campaign_.`status`,campaign_.`split_type`,campaign_.`metric`,campaign_.`test_share`,campaign_.`test_duration_seconds`,"
                        + "campaign_.`min_share`,campaign_.`burn_in`,campaign_.`holdout_share`,campaign_.`start_at`,campaign_.`duration_seconds`,"
                        + "campaign_.`send_rate_limit`,campaign_.`quiet_start`,campaign_.`quiet_end`,campaign_.`frequency_cap_count`,"
                        + "campaign_.`frequency_cap_period_seconds`,campaign_.`provider`,campaign_.`launched_at`,campaign_.`ended_at`,"
                        + "campaign_.`created_at`,campaign_.`created_by`,campaign_.`updated_at`,campaign_.`updated_by` "
                        + "FROM `campaigns` campaign_ ORDER BY campaign_.id DESC LIMIT 20";
        static final String COUNT = "SELECT COUNT(*) FROM `campaigns` campaign_";
        static final String VARIANTS =
                "SELECT campaign_variant_.`id`,campaign_variant_.`campaign_id`,campaign_variant_.`variant_key`,"
                        + "campaign_variant_.`push_id`,campaign_variant_.`weight` FROM `campaign_variants` campaign_variant_ "
                        + "WHERE (campaign_variant_.`campaign_id` IN (%s)) ORDER BY campaign_variant_.`variant_key` ASC";

        record Result(double perSecond, List<Double> millis) {}
    }

    private RawLoop.Result rawListLoop(int seconds) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(rawThreads);
        try {
            long deadline = System.nanoTime() + seconds * 1_000_000_000L;
            List<Future<List<Double>>> futures = new ArrayList<>();
            long started = System.nanoTime();
            for (int t = 0; t < rawThreads; t++) {
                futures.add(pool.submit(() -> {
                    List<Double> millis = new ArrayList<>();
                    try (Connection c = jdbc()) {
                        while (System.nanoTime() < deadline) {
                            long s = System.nanoTime();
                            listOnce(c);
                            millis.add((System.nanoTime() - s) / 1e6);
                        }
                    }
                    return millis;
                }));
            }
            List<Double> all = new ArrayList<>();
            for (Future<List<Double>> f : futures) {
                all.addAll(f.get());
            }
            return new RawLoop.Result(all.size() / ((System.nanoTime() - started) / 1e9), all);
        } finally {
            pool.shutdownNow();
        }
    }

    private static void listOnce(Connection c) throws SQLException {
        List<Long> ids = new ArrayList<>();
        try (PreparedStatement page = c.prepareStatement(RawLoop.PAGE);
                ResultSet rs = page.executeQuery()) {
            while (rs.next()) {
                ids.add(rs.getLong(1));
                for (int col = 2; col <= 27; col++) {
                    rs.getObject(col);
                }
            }
        }
        try (PreparedStatement count = c.prepareStatement(RawLoop.COUNT);
                ResultSet rs = count.executeQuery()) {
            rs.next();
            rs.getLong(1);
        }
        if (ids.isEmpty()) {
            return;
        }
        String marks = String.join(",", Collections.nCopies(ids.size(), "?"));
        try (PreparedStatement variants = c.prepareStatement(String.format(RawLoop.VARIANTS, marks))) {
            for (int i = 0; i < ids.size(); i++) {
                variants.setLong(i + 1, ids.get(i));
            }
            try (ResultSet rs = variants.executeQuery()) {
                while (rs.next()) {
                    for (int col = 1; col <= 5; col++) {
                        rs.getObject(col);
                    }
                }
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // report

    static List<Ratio> ratios(List<LoadRuns.Result> results, Raw raw) {
        Map<Integer, Double> health = medians(results, "health");
        Map<Integer, Double> fields = medians(results, "cohort-fields");
        List<Ratio> out = new ArrayList<>();
        for (LoadRuns.Result r : results) {
            if (r.load().equals("health")) {
                continue;
            }
            double median = r.requestsPerSecond().median();
            out.add(new Ratio(
                    r.load(),
                    r.connections(),
                    over(median, health.get(r.connections())),
                    r.load().equals("cohort-fields") ? null : over(median, fields.get(r.connections())),
                    r.load().equals("campaigns-list")
                            ? over(median, raw.perSecond().median())
                            : null));
        }
        return out;
    }

    private static Map<Integer, Double> medians(List<LoadRuns.Result> results, String load) {
        Map<Integer, Double> out = new LinkedHashMap<>();
        results.stream()
                .filter(r -> r.load().equals(load))
                .forEach(r -> out.put(r.connections(), r.requestsPerSecond().median()));
        return out;
    }

    private static Double over(double value, Double base) {
        return base == null || base == 0 ? null : LoadRuns.r2(value / base);
    }

    private static String ratio(String label, Double value) {
        return value == null ? "" : String.format(Locale.ROOT, "%s %.2f", label, value);
    }

    private void print(PrintWriter log, List<LoadRuns.Result> results, Raw raw, List<Ratio> ratios) {
        log.printf(
                Locale.ROOT,
                "%n%-15s %5s | %-30s | %9s %9s %9s %9s | %7s %6s | %-17s%n",
                "load",
                "conn",
                "req/s median (min-max)",
                "p50 ms",
                "p90 ms",
                "p99 ms",
                "max ms",
                "non-2xx",
                "errors",
                "cores admin / wrk");
        for (LoadRuns.Result r : results) {
            LoadRuns.Summary admin = r.cores().get("admin");
            LoadRuns.Summary wrkCores = r.cores().get("wrk");
            log.printf(
                    Locale.ROOT,
                    "%-15s %5d | %9.0f (%7.0f-%7.0f) %3.0f%% | %9.2f %9.2f %9.2f %9.2f | %7d %6d | %5s / %5s%n",
                    r.load(),
                    r.connections(),
                    r.requestsPerSecond().median(),
                    r.requestsPerSecond().min(),
                    r.requestsPerSecond().max(),
                    r.requestsPerSecond().spreadPercent(),
                    r.p50Millis().median(),
                    r.p90Millis().median(),
                    r.p99Millis().median(),
                    r.maxMillis(),
                    r.non2xx(),
                    r.socketErrors(),
                    admin == null ? "?" : String.format(Locale.ROOT, "%.2f", admin.median()),
                    wrkCores == null ? "?" : String.format(Locale.ROOT, "%.2f", wrkCores.median()));
        }
        log.printf(
                Locale.ROOT,
                "(%d runs each; latencies are the median run's; max over all runs; spread = (max-min)/median)%n",
                runs);
        results.stream()
                .filter(r -> r.non2xx() > 0)
                .forEach(r -> log.printf(
                        "non-2xx in %s at %d connections: statuses %s of requests sent %s%n",
                        r.load(), r.connections(), r.statuses(), r.sent()));
        log.printf(
                Locale.ROOT,
                "%nraw: %s: median %,.0f lists/s (%,.0f-%,.0f), p50 %.2f ms, p99 %.2f ms per list%n",
                raw.what(),
                raw.perSecond().median(),
                raw.perSecond().min(),
                raw.perSecond().max(),
                raw.p50Millis(),
                raw.p99Millis());
        log.println(
                "ratios of req/s medians at the same connections: over /health/liveness, over cohort-fields (HTTP + auth + JSON, "
                        + "no database); campaigns-list over the raw list SQL");
        for (Ratio r : ratios) {
            log.printf(
                    Locale.ROOT,
                    "  %-15s %5d  %s%s%s%n",
                    r.load(),
                    r.connections(),
                    ratio("/ health", r.overHealth()),
                    ratio("   / cohort-fields", r.overCohortFields()),
                    ratio("   / raw SQL", r.overRawList()));
        }
        log.printf("results: %s%n", out.toAbsolutePath());
    }
}
