package io.pushflow.bench.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import io.pushflow.core.json.Json;
import io.pushflow.core.messaging.ChannelDeclarer;
import io.pushflow.core.messaging.Queues;
import io.pushflow.core.user.User;
import io.pushflow.flink.rabbit.RabbitSettings;
import io.pushflow.store.ClickHouse;
import io.pushflow.store.ClickHouseSchema;
import io.pushflow.store.UserStore;
import io.pushflow.tools.AdminApi;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongFunction;

/**
 * What the whole-pipeline benchmarks share: the admin service a marketer talks to, the Flink cluster that runs the
 * three jobs (started by {@code bin/pushflow bench}, configured through its environment: Flink's standalone cluster,
 * a JobManager and TaskManager processes, or {@code --cluster local}, one JVM), the ClickHouse database and the
 * queues they use. Memory and CPU of the Flink processes are read from {@code /proc}, checkpoint sizes from Flink's
 * REST API.
 */
final class Pipeline implements AutoCloseable {

    static final List<String> OPTIONS = List.of(
            "url",
            "user",
            "password",
            "database",
            "queue-prefix",
            "flink-url",
            "flink-pids",
            "cluster",
            "simulator-port",
            "app-id",
            "app-key");
    /** Optional: name=pid,name=pid of further processes whose CPU a run reports (admin, clickhouse, rabbitmq). */
    static final String WATCH = "watch";

    private static final Duration CALL = Duration.ofSeconds(120);

    final AdminApi api;
    final ClickHouse.Config clickHouse;
    final Queues queues;
    final RabbitSettings rabbit = RabbitSettings.fromEnvironment();
    final URI flink;
    /** standalone (a JobManager and TaskManager processes) or local (one JVM) */
    final String cluster;
    /** The Flink cluster's processes: their memory and CPU add up to what Flink costs. */
    final List<Long> flinkPids;

    final int simulatorPort;
    final String appId;
    final String appKey;
    private final Map<String, Long> watched = new LinkedHashMap<>();
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    Pipeline(Map<String, String> opts) {
        api = new AdminApi(opts.get("url"), opts.get("user"), opts.get("password"));
        clickHouse = ClickHouse.Config.fromEnvironment().withDatabase(opts.get("database"));
        queues = new Queues(opts.get("queue-prefix"));
        flink = URI.create(opts.get("flink-url").replaceAll("/?$", "/"));
        cluster = opts.get("cluster");
        flinkPids = opts.containsKey("flink-pids")
                ? Arrays.stream(opts.get("flink-pids").split(","))
                        .map(Long::parseLong)
                        .toList()
                : List.of();
        simulatorPort = Integer.parseInt(opts.get("simulator-port"));
        appId = opts.get("app-id");
        appKey = opts.get("app-key");
        for (String entry : opts.getOrDefault(WATCH, "").split(",")) {
            if (entry.contains("=")) {
                watched.put(
                        entry.substring(0, entry.indexOf('=')),
                        Long.parseLong(entry.substring(entry.indexOf('=') + 1)));
            }
        }
        api.requireHealthy();
    }

    /** A fresh users table with {@code n} users made by {@code user} (ids 1..n); returns the seconds the load took. */
    double loadUsers(long n, LongFunction<List<User>> chunk) {
        long start = System.nanoTime();
        try (ClickHouse ch = new ClickHouse(clickHouse)) {
            ch.dropDatabase();
            ClickHouseSchema.apply(ch);
            UserStore store = new UserStore(ch);
            for (long from = 1; from <= n; from += 100_000) {
                store.insert(chunk.apply(from));
            }
            ch.execute("OPTIMIZE TABLE " + ch.table("users") + " FINAL");
        }
        return (System.nanoTime() - start) / 1e9;
    }

    /** Every queue of the prefix exists and is empty (the admin service and the jobs declared them already). */
    void emptyQueues() throws Exception {
        try (Connection connection = rabbit.connectionFactory().newConnection("pushflow-bench");
                Channel channel = connection.createChannel()) {
            new ChannelDeclarer(channel).declareEmpty(queues);
        }
    }

    void removeQueues() throws Exception {
        try (Connection connection = rabbit.connectionFactory().newConnection("pushflow-bench");
                Channel channel = connection.createChannel()) {
            new ChannelDeclarer(channel).removeAll(queues);
        }
    }

    long createCohort(String name, Map<String, Object> filter) {
        return ok(
                        api.postJson(
                                "api/v1/cohorts",
                                Map.of("name", name, "description", "benchmark", "filter", filter),
                                CALL),
                        201)
                .path("id")
                .asLong();
    }

    long createPush(String name, String title, String body) {
        return ok(
                        api.postJson(
                                "api/v1/pushes",
                                Map.of(
                                        "name",
                                        name,
                                        "defaultLocale",
                                        "en",
                                        "texts",
                                        Map.of("en", Map.of("title", title, "body", body))),
                                CALL),
                        201)
                .path("id")
                .asLong();
    }

    /** A campaign over {@code pushes} (variants A, B, ... in this order), created and launched; returns its id. */
    long launch(
            String name,
            String app,
            long cohort,
            List<Long> pushes,
            Map<String, Object> split,
            Duration window,
            String pace) {
        return launch(name, app, cohort, pushes, split, window, pace, "ONESIGNAL");
    }

    /** As above, sent through {@code provider} (ONESIGNAL, or DIRECT: APNs and FCM). */
    long launch(
            String name,
            String app,
            long cohort,
            List<Long> pushes,
            Map<String, Object> split,
            Duration window,
            String pace,
            String provider) {
        List<Map<String, Object>> variants = new ArrayList<>();
        pushes.forEach(p -> variants.add(Map.of("pushId", p)));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", name);
        body.put("app", app);
        body.put("cohortId", cohort);
        body.put("variants", variants);
        body.put("split", split);
        body.put("duration", window.toString());
        body.put("pace", pace);
        body.put("provider", provider);
        long id =
                ok(api.postJson("api/v1/campaigns", body, CALL), 201).path("id").asLong();
        ok(api.postJson("api/v1/campaigns/" + id + "/launch", Map.of(), CALL), 200);
        return id;
    }

    JsonNode stats(long campaign) {
        return ok(api.get("api/v1/campaigns/" + campaign + "/stats", CALL), 200);
    }

    String campaignStatus(long campaign) {
        return ok(api.get("api/v1/campaigns/" + campaign, CALL), 200)
                .path("status")
                .asText();
    }

    /** One outcome row per audience member so far (replays and duplicates counted once). */
    static long outcomes(ClickHouse ch, long campaign) {
        return ch.selectLong(
                "SELECT uniqExact(user_id) AS n FROM " + ch.table("push_sends") + " WHERE campaign_id = " + campaign);
    }

    /**
     * A {@code /proc/PID/status} field in bytes summed over the Flink processes (VmHWM: the sum of each one's peak
     * resident set, an upper bound of their peak together).
     */
    long flinkMemory(String field) {
        long total = 0;
        for (long pid : flinkPids) {
            total += memory(pid, field);
        }
        return total;
    }

    private static long memory(long pid, String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith(field + ":")) {
                    return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException(
                    "cannot read /proc/" + pid + "/status: is the Flink cluster process gone?", e);
        }
        throw new IllegalStateException("no " + field + " in /proc/" + pid + "/status");
    }

    /**
     * CPU seconds used so far (user + system, from {@code /proc/PID/stat}) by each process that takes part: the
     * Flink cluster (its processes together), this program (the provider simulator), the admin service, ClickHouse
     * and RabbitMQ when their pids are known. Two readings subtracted say where a run's CPU went.
     */
    Map<String, Double> cpuSeconds() {
        Map<String, Double> out = new LinkedHashMap<>();
        out.put("flink", flinkPids.stream().mapToDouble(Pipeline::cpuSeconds).sum());
        out.put("benchmark and simulator", cpuSeconds(ProcessHandle.current().pid()));
        watched.forEach((name, pid) -> out.put(name, cpuSeconds(pid)));
        return out;
    }

    static Map<String, Double> minus(Map<String, Double> after, Map<String, Double> before) {
        Map<String, Double> out = new LinkedHashMap<>();
        after.forEach((k, v) -> out.put(k, v - before.getOrDefault(k, 0.0)));
        return out;
    }

    private static double cpuSeconds(long pid) {
        return cpuSeconds(Path.of("/proc/" + pid + "/stat"));
    }

    private static double cpuSeconds(Path statFile) {
        try {
            String stat = Files.readString(statFile);
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0; // utime, stime in clock ticks (USER_HZ 100)
        } catch (IOException | RuntimeException e) {
            return Double.NaN; // a process that is gone or not ours to read
        }
    }

    /**
     * Waits, at most {@code limit}, until the JIT compilers of the Flink processes and of this one have been idle for
     * a second and ClickHouse merges nothing; returns the seconds waited. On a busy 2-core machine the compilers fall
     * behind during a fresh cluster's first campaign and keep compiling through the next one, and ClickHouse merges
     * the rows a campaign wrote for a while after it: a cluster that has run for a while has compiled its hot code,
     * and a campaign starting there finds the merges of the last one done.
     */
    double awaitQuiet(ClickHouse ch, Duration limit) throws InterruptedException {
        long start = System.nanoTime();
        double before = compilerSeconds();
        while (System.nanoTime() - start < limit.toNanos()) {
            Thread.sleep(1_000);
            double now = compilerSeconds();
            if (now - before < 0.02 && ch.selectLong("SELECT count() AS n FROM system.merges") == 0) {
                break;
            }
            before = now;
        }
        return (System.nanoTime() - start) / 1e9;
    }

    /** CPU seconds of the JIT compiler threads (C1, C2) of the Flink processes and of this one. */
    private double compilerSeconds() {
        double total = 0;
        List<Long> pids = new ArrayList<>(flinkPids);
        pids.add(ProcessHandle.current().pid());
        for (long pid : pids) {
            try (var tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
                for (Path task : tasks.toList()) {
                    String name = Files.readString(task.resolve("comm"));
                    if (name.startsWith("C") && name.contains("CompilerThre")) {
                        total += cpuSeconds(task.resolve("stat"));
                    }
                }
            } catch (IOException e) {
                return Double.NaN; // a process that is gone: nothing to wait for
            }
        }
        return total;
    }

    /** Each running job's name and the size of its latest completed checkpoint in bytes. */
    Map<String, Long> checkpointSizes() {
        Map<String, Long> out = new LinkedHashMap<>();
        for (JsonNode job : flinkGet("jobs/overview").path("jobs")) {
            if (!"RUNNING".equals(job.path("state").asText())) {
                continue;
            }
            JsonNode latest = flinkGet("jobs/" + job.path("jid").asText() + "/checkpoints")
                    .path("latest")
                    .path("completed");
            out.put(
                    job.path("name").asText(),
                    latest.path("state_size")
                            .asLong(latest.path("checkpointed_size").asLong()));
        }
        return out;
    }

    private JsonNode flinkGet(String path) {
        try {
            HttpResponse<String> r = http.send(
                    HttpRequest.newBuilder(flink.resolve(path))
                            .timeout(Duration.ofSeconds(10))
                            .GET()
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            return Json.MAPPER.readTree(r.body());
        } catch (IOException e) {
            throw new IllegalStateException("GET " + flink.resolve(path) + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static JsonNode ok(AdminApi.Reply r, int expected) {
        if (r.status() != expected) {
            throw new IllegalStateException("the admin service answered " + r.status() + ": " + r.text());
        }
        return r.body();
    }

    static void writeJson(Path out, Object value) throws IOException {
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(value));
        System.out.println("written " + out);
    }

    @Override
    public void close() throws Exception {
        removeQueues();
    }
}
