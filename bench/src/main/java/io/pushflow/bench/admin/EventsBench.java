package io.pushflow.bench.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import io.pushflow.bench.Machine;
import io.pushflow.bench.Spread;
import io.pushflow.core.campaign.PushEvent;
import io.pushflow.core.campaign.PushEvents;
import io.pushflow.core.json.Json;
import io.pushflow.core.messaging.ChannelDeclarer;
import io.pushflow.core.messaging.Queues;
import io.pushflow.store.ClickHouse;
import io.pushflow.tools.AdminApi;
import io.pushflow.tools.Cli;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The app's event intake under load: batches of engagement events posted to {@code POST /api/v1/events} with an app
 * key on several connections for a fixed time, beside the raw limit beneath it: the very same {@code PushEvents}
 * batches published straight to RabbitMQ with confirms, one message in flight per connection, in the same run.
 */
@Command(
        name = "events-bench",
        sortOptions = false,
        usageHelpAutoWidth = true,
        description = {
            "Seeds a running admin service through its API (a launched campaign with variants A and B, an app key), "
                    + "then posts --events-per-request events a request (opens, clicks, app opens of that campaign) on --connections "
                    + "connections for --duration seconds, --runs times, and in each run publishes the same PushEvents batches straight "
                    + "to RabbitMQ (RABBITMQ_HOST, _PORT, _USER, _PASSWORD, _VHOST) with confirms on as many channels for as long.",
            "--queue-prefix must be the admin service's PUSHFLOW_QUEUE_PREFIX: its push.events queue is emptied after every "
                    + "phase and every queue of the prefix is deleted at the end, so give it a prefix of its own.",
            "Writes the results as JSON to --out."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:done", "1:failed (service down, events refused, ...)", "2:bad arguments"})
public final class EventsBench implements Callable<Integer> {

    /** The issue's goal for the endpoint on the 2-core machine. */
    static final double GOAL_EVENTS_PER_SECOND = 20_000;

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
            names = "--queue-prefix",
            paramLabel = "P",
            required = true,
            description = "the admin service's PUSHFLOW_QUEUE_PREFIX "
                    + "(a prefix of this benchmark's own: its queues are emptied and deleted)")
    String queuePrefix;

    @Option(
            names = "--events-per-request",
            paramLabel = "N",
            description = "events a request and a raw message (default: ${DEFAULT-VALUE})")
    int eventsPerRequest = 1_000;

    @Option(
            names = "--connections",
            paramLabel = "C",
            description = "concurrent HTTP connections, and raw channels (default: ${DEFAULT-VALUE})")
    int connections = 4;

    @Option(
            names = "--duration",
            paramLabel = "SECONDS",
            description = "one measured phase (default: ${DEFAULT-VALUE})")
    int durationSeconds = 10;

    @Option(
            names = "--warmup-events",
            paramLabel = "N",
            description =
                    "unmeasured posting first, until this many events went through, "
                            + "for the JIT compilers (batch-at-a-time code is hot only after hundreds of thousands) (default: ${DEFAULT-VALUE})")
    long warmupEvents = 1_000_000;

    @Option(
            names = "--warmup",
            paramLabel = "SECONDS",
            description = "the longest the warm-up may take (default: ${DEFAULT-VALUE})")
    int warmupSeconds = 90;

    @Option(
            names = "--runs",
            paramLabel = "R",
            description = "runs, each the endpoint and then RabbitMQ raw (default: ${DEFAULT-VALUE})")
    int runs = 3;

    @Option(
            names = "--bodies",
            paramLabel = "B",
            description = "distinct request bodies, sent in turn (default: ${DEFAULT-VALUE})")
    int bodies = 64;

    @Option(
            names = "--seed",
            paramLabel = "S",
            description = "seed of the generated events (default: ${DEFAULT-VALUE})")
    long seed = 1;

    @Option(
            names = "--timeout",
            paramLabel = "SECONDS",
            description = "longest one request or confirm may take (default: ${DEFAULT-VALUE})")
    int timeoutSeconds = 30;

    @Option(
            names = "--watch",
            paramLabel = "NAME=PID",
            description = "a local process whose CPU to report, e.g. admin=1234 (repeatable)")
    Map<String, Long> watch = new LinkedHashMap<>();

    @Option(names = "--out", paramLabel = "FILE", description = "results file (default: ${DEFAULT-VALUE})")
    Path out = Path.of("bench-results", "events.json");

    /** One phase's load: what each connection did. */
    record Load(double seconds, long requests, long events, Map<String, Long> statuses, List<Double> latencyMillis) {
        double eventsPerSecond() {
            return events / seconds;
        }
    }

    record Phase(
            double eventsPerSecond,
            double requestsPerSecond,
            long requests,
            long events,
            Map<String, Long> statuses,
            double p50Millis,
            double p99Millis,
            double maxMillis,
            Map<String, Double> cpuSeconds,
            Map<String, Double> cores,
            Map<String, Double> cpuMicrosPerEvent,
            String loadAverage) {}

    record Run(int run, Phase endpoint, Phase raw, double ratio) {}

    record Summary(double min, double median, double max, double spreadPercent, String unit) {
        static Summary of(List<Double> values, String unit) {
            Spread s = Spread.of(values);
            return new Summary(r(s.min()), r(s.p50()), r(s.max()), r(s.spreadPercent()), unit);
        }
    }

    public static void main(String[] args) {
        Cli.main(new EventsBench(), args);
    }

    @Override
    public Integer call() throws Exception {
        if (eventsPerRequest < 1
                || connections < 1
                || durationSeconds < 1
                || warmupSeconds < 0
                || warmupEvents < 0
                || runs < 1
                || bodies < 1
                || timeoutSeconds < 1) {
            throw Cli.invalid(
                    spec,
                    "--events-per-request, --connections, --duration, --runs, --bodies and --timeout must be at least 1, "
                            + "--warmup and --warmup-events at least 0");
        }
        PrintWriter log = spec.commandLine().getOut();
        AdminApi api = admin.api();
        api.requireHealthy();
        Instant startedAt = Instant.now();
        Machine machine;
        try (ClickHouse clickHouse = Cli.clickHouse("default", Duration.ofSeconds(30))) {
            machine = Machine.describe(clickHouse);
        }
        Queues queues = new Queues(queuePrefix);
        ConnectionFactory rabbit = rabbit();
        try (Connection connection = rabbit.newConnection("pushflow-events-bench")) {
            String broker = String.valueOf(connection.getServerProperties().get("version"));
            log.printf(
                    "events benchmark -> %s (queue %s, RabbitMQ %s)%n  machine: %s, load average %s%n  %,d events a request, "
                            + "%d connections, %d s x %d runs after a warm-up of %,d events (at most %d s); this program shares the "
                            + "machine's %d cores with the service and RabbitMQ%n",
                    api.url(),
                    queues.name(Queues.PUSH_EVENTS),
                    broker,
                    machine,
                    loadAverage(),
                    eventsPerRequest,
                    connections,
                    durationSeconds,
                    runs,
                    warmupEvents,
                    warmupSeconds,
                    machine.cores());
            Channel control = connection.createChannel();
            queues.declare(Queues.PUSH_EVENTS, new ChannelDeclarer(control));

            long campaign = seedCampaign(api);
            String key = seedKey(api);
            Random random = new Random(seed);
            List<List<PushEvent>> batches = new ArrayList<>();
            for (int b = 0; b < bodies; b++) {
                batches.add(events(campaign, random));
            }
            List<byte[]> requestBodies =
                    batches.stream().map(EventsBench::requestBody).toList();
            List<byte[]> messages = batches.stream()
                    .map(e -> Json.bytes(
                            new PushEvents(PushEvents.VERSION, UUID.randomUUID().toString(), e)))
                    .toList();
            log.printf(
                    Locale.ROOT,
                    "  campaign %d launched, app key made; %d bodies of %,d bytes on average (the raw messages: %,d)%n",
                    campaign,
                    bodies,
                    requestBodies.stream().mapToLong(b -> b.length).sum() / bodies,
                    messages.stream().mapToLong(b -> b.length).sum() / bodies);

            HttpClient http = HttpClient.newBuilder()
                    .version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(5))
                    .build();
            URI events = URI.create(api.url()).resolve("api/v1/events");
            long warmStarted = System.nanoTime();
            long warmed = 0;
            while (warmed < warmupEvents && System.nanoTime() - warmStarted < warmupSeconds * 1_000_000_000L) {
                warmed += post(http, events, key, requestBodies, 5).events();
                control.queuePurge(queues.name(Queues.PUSH_EVENTS));
            }
            if (warmed > 0) {
                log.printf(
                        Locale.ROOT,
                        "  warm-up: %,d events in %.0f s%n",
                        warmed,
                        (System.nanoTime() - warmStarted) / 1e9);
            }
            ProcessCpu cpu = new ProcessCpu(watch);
            List<Run> done = new ArrayList<>();
            for (int run = 1; run <= runs; run++) {
                Map<String, Double> before = cpu.now();
                Load endpoint = post(http, events, key, requestBodies, durationSeconds);
                Phase e = phase(endpoint, ProcessCpu.since(before, cpu.now()));
                control.queuePurge(queues.name(Queues.PUSH_EVENTS));

                before = cpu.now();
                Load raw = publish(connection, queues.name(Queues.PUSH_EVENTS), messages, durationSeconds);
                Phase r = phase(raw, ProcessCpu.since(before, cpu.now()));
                control.queuePurge(queues.name(Queues.PUSH_EVENTS));

                Run result = new Run(run, e, r, r(e.eventsPerSecond() / r.eventsPerSecond()));
                done.add(result);
                log.printf(
                        Locale.ROOT,
                        "  run %d: endpoint %,.0f events/s (%,.1f req/s, p50 %.1f ms, p99 %.1f ms, statuses %s, cores %s, "
                                + "CPU µs/event %s, load %s)%n"
                                + "         RabbitMQ raw %,.0f events/s (%,.1f msg/s, p50 %.1f ms, cores %s, CPU µs/event %s, load %s); "
                                + "endpoint/raw %.2f%n",
                        run,
                        e.eventsPerSecond(),
                        e.requestsPerSecond(),
                        e.p50Millis(),
                        e.p99Millis(),
                        e.statuses(),
                        e.cores(),
                        e.cpuMicrosPerEvent(),
                        e.loadAverage(),
                        r.eventsPerSecond(),
                        r.requestsPerSecond(),
                        r.p50Millis(),
                        r.cores(),
                        r.cpuMicrosPerEvent(),
                        r.loadAverage(),
                        result.ratio());
            }
            new ChannelDeclarer(control).removeAll(queues);

            Map<String, Object> json = new LinkedHashMap<>();
            json.put("scenario", "events");
            json.put("machine", machine);
            json.put("rabbitmq", broker);
            json.put("startedAt", startedAt);
            json.put("url", admin.url());
            json.put("eventsPerRequest", eventsPerRequest);
            json.put("connections", connections);
            json.put("durationSeconds", durationSeconds);
            json.put("warmupEvents", warmupEvents);
            json.put("runs", runs);
            json.put(
                    "endpoint",
                    Summary.of(
                            done.stream()
                                    .map(x -> x.endpoint().eventsPerSecond())
                                    .toList(),
                            "events/s"));
            json.put(
                    "raw",
                    Summary.of(done.stream().map(x -> x.raw().eventsPerSecond()).toList(), "events/s"));
            json.put("ratio", Summary.of(done.stream().map(Run::ratio).toList(), "endpoint events/s / raw events/s"));
            double median = ((Summary) json.get("endpoint")).median();
            json.put(
                    "target",
                    Map.of(
                            "goal",
                            "at least 20,000 events/s through the endpoint",
                            "medianEventsPerSecond",
                            median,
                            "met",
                            median >= GOAL_EVENTS_PER_SECOND));
            json.put(
                    "note",
                    "the load generator, the admin service and RabbitMQ share the machine's cores (and, during this run, "
                            + "whatever else ran: see loadAverage per phase); raw = the same PushEvents batches published with confirms, one "
                            + "in flight per channel, as many channels as connections; cpuMicrosPerEvent = CPU seconds per process / events");
            json.put("runsDetail", done);
            Files.createDirectories(out.toAbsolutePath().getParent());
            Json.MAPPER.writerWithDefaultPrettyPrinter().writeValue(out.toFile(), json);
            print(log, json);
            return 0;
        }
    }

    private long seedCampaign(AdminApi api) {
        String tag = Long.toString(System.currentTimeMillis(), 36);
        Map<String, Object> cohort =
                Map.of("name", "events bench " + tag, "description", "everyone", "filter", Map.of("all", List.of()));
        long cohortId = created(api, "api/v1/cohorts", cohort);
        List<Map<String, Object>> variants = new ArrayList<>();
        for (String v : List.of("A", "B")) {
            variants.add(Map.of(
                    "pushId",
                    created(
                            api,
                            "api/v1/pushes",
                            AdminBench.push("events bench " + v + " " + tag, 0, new Random(seed)))));
        }
        Map<String, Object> campaign = new LinkedHashMap<>();
        campaign.put("name", "events bench " + tag);
        campaign.put("app", "windy-ios");
        campaign.put("cohortId", cohortId);
        campaign.put("variants", variants);
        campaign.put("split", Map.of("type", "BANDIT"));
        campaign.put("duration", "P1D");
        long id = created(api, "api/v1/campaigns", campaign);
        AdminApi.Reply launched = api.post(
                "api/v1/campaigns/" + id + "/launch",
                HttpRequest.BodyPublishers.noBody(),
                "application/json",
                Duration.ofSeconds(30));
        if (launched.status() != 200) {
            throw new IllegalStateException(
                    "launching campaign " + id + " answered " + launched.status() + ": " + launched.text());
        }
        return id;
    }

    private String seedKey(AdminApi api) {
        AdminApi.Reply key = api.postJson(
                "api/v1/app-keys",
                Map.of("name", "events-bench-" + Long.toString(System.currentTimeMillis(), 36)),
                Duration.ofSeconds(30));
        if (key.status() != 201 || key.body() == null) {
            throw new IllegalStateException("POST api/v1/app-keys answered " + key.status() + ": " + key.text()
                    + " (the benchmark's user needs the admin role)");
        }
        return key.body().path("key").asText();
    }

    private static long created(AdminApi api, String path, Object body) {
        AdminApi.Reply reply = api.postJson(path, body, Duration.ofSeconds(30));
        if (reply.status() != 201 || reply.body() == null) {
            throw new IllegalStateException("POST " + path + " answered " + reply.status() + ": " + reply.text());
        }
        return reply.body().path("id").asLong();
    }

    /** One request's events as an app's collector would send them: mostly opens, a quarter clicks, some app opens. */
    private List<PushEvent> events(long campaign, Random random) {
        Instant now = Instant.now();
        List<PushEvent> out = new ArrayList<>(eventsPerRequest);
        for (int i = 0; i < eventsPerRequest; i++) {
            double u = random.nextDouble();
            PushEvent.Type type =
                    u < 0.70 ? PushEvent.Type.OPENED : u < 0.95 ? PushEvent.Type.CLICKED : PushEvent.Type.APP_OPENED;
            boolean byPush = type != PushEvent.Type.APP_OPENED || random.nextBoolean();
            out.add(new PushEvent(
                    PushEvent.VERSION,
                    new UUID(random.nextLong(), random.nextLong()).toString(),
                    byPush ? campaign : 0,
                    byPush ? (random.nextBoolean() ? "A" : "B") : null,
                    new UUID(random.nextLong(), random.nextLong()).toString(),
                    type,
                    now.minusMillis(random.nextInt(600_000))));
        }
        return out;
    }

    /** The events in the endpoint's own shape (type open/click/app_open, no v). */
    private static byte[] requestBody(List<PushEvent> events) {
        List<Map<String, Object>> body = new ArrayList<>(events.size());
        for (PushEvent e : events) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("eventId", e.eventId());
            if (e.campaignId() != 0) {
                m.put("campaignId", e.campaignId());
                m.put("variant", e.variant());
            }
            m.put("subscriptionId", e.subscriptionId());
            m.put(
                    "type",
                    switch (e.type()) {
                        case OPENED -> "open";
                        case CLICKED -> "click";
                        case APP_OPENED -> "app_open";
                    });
            m.put("at", e.at().toString());
            body.add(m);
        }
        return Json.bytes(body);
    }

    /** {@code connections} threads posting the bodies in turn until {@code seconds} have passed; every event must be accepted. */
    private Load post(HttpClient http, URI events, String key, List<byte[]> requestBodies, int seconds)
            throws Exception {
        return load(seconds, (worker, deadline) -> {
            List<Double> latencies = new ArrayList<>();
            Map<String, Long> statuses = new TreeMap<>();
            long requests = 0;
            long accepted = 0;
            for (int i = worker; System.nanoTime() < deadline; i += connections) {
                HttpRequest request = HttpRequest.newBuilder(events)
                        .timeout(Duration.ofSeconds(timeoutSeconds))
                        .header("Content-Type", "application/json")
                        .header("X-Pushflow-App-Key", key)
                        .POST(HttpRequest.BodyPublishers.ofByteArray(requestBodies.get(i % requestBodies.size())))
                        .build();
                long started = System.nanoTime();
                HttpResponse<byte[]> r = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
                latencies.add((System.nanoTime() - started) / 1e6);
                requests++;
                statuses.merge(String.valueOf(r.statusCode()), 1L, Long::sum);
                JsonNode report = r.statusCode() == 200 ? Json.MAPPER.readTree(r.body()) : null;
                if (report == null || report.path("rejected").asInt() != 0) {
                    throw new IllegalStateException("the endpoint answered " + r.statusCode() + ": "
                            + new String(r.body(), 0, Math.min(r.body().length, 500), StandardCharsets.UTF_8));
                }
                accepted += report.path("accepted").asLong();
            }
            return new Load(0, requests, accepted, statuses, latencies);
        });
    }

    /** {@code connections} channels publishing the batches in turn with confirms, one message in flight each. */
    private Load publish(Connection connection, String queue, List<byte[]> messages, int seconds) throws Exception {
        return load(seconds, (worker, deadline) -> {
            List<Double> latencies = new ArrayList<>();
            long published = 0;
            try (Channel channel = connection.createChannel()) {
                channel.confirmSelect();
                for (int i = worker; System.nanoTime() < deadline; i += connections) {
                    String id = UUID.randomUUID().toString();
                    AMQP.BasicProperties props = new AMQP.BasicProperties.Builder()
                            .contentType("application/json")
                            .deliveryMode(2)
                            .messageId(id)
                            .correlationId(id)
                            .type("EVENTS")
                            .timestamp(new Date())
                            .build();
                    long started = System.nanoTime();
                    channel.basicPublish("", queue, props, messages.get(i % messages.size()));
                    channel.waitForConfirmsOrDie(timeoutSeconds * 1000L);
                    latencies.add((System.nanoTime() - started) / 1e6);
                    published++;
                }
            }
            return new Load(0, published, published * eventsPerRequest, Map.of("confirmed", published), latencies);
        });
    }

    private interface Worker {
        Load run(int worker, long deadlineNanos) throws Exception;
    }

    /** Runs {@code connections} workers until the deadline and sums them up over the wall time until the last one ended. */
    private Load load(int seconds, Worker worker) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(connections);
        try {
            long started = System.nanoTime();
            long deadline = started + seconds * 1_000_000_000L;
            List<Future<Load>> futures = new ArrayList<>();
            for (int w = 0; w < connections; w++) {
                int id = w;
                futures.add(pool.submit(() -> worker.run(id, deadline)));
            }
            long requests = 0;
            long events = 0;
            Map<String, Long> statuses = new TreeMap<>();
            List<Double> latencies = new ArrayList<>();
            for (Future<Load> f : futures) {
                Load l = f.get();
                requests += l.requests();
                events += l.events();
                l.statuses().forEach((k, v) -> statuses.merge(k, v, Long::sum));
                latencies.addAll(l.latencyMillis());
            }
            return new Load((System.nanoTime() - started) / 1e9, requests, events, statuses, latencies);
        } finally {
            pool.shutdownNow();
        }
    }

    private static Phase phase(Load load, Map<String, Double> cpuSeconds) {
        Spread latency = Spread.of(load.latencyMillis());
        Map<String, Double> cores = new LinkedHashMap<>();
        Map<String, Double> perEvent = new LinkedHashMap<>();
        cpuSeconds.forEach((k, v) -> {
            cores.put(k, r(v / load.seconds()));
            perEvent.put(k, r(v * 1e6 / Math.max(1, load.events())));
        });
        return new Phase(
                Math.round(load.eventsPerSecond()),
                r(load.requests() / load.seconds()),
                load.requests(),
                load.events(),
                load.statuses(),
                r(latency.p50()),
                r(latency.p99()),
                r(latency.max()),
                cpuSeconds,
                cores,
                perEvent,
                loadAverage());
    }

    /** The machine's 1, 5 and 15 minute load averages: how much else wanted the cores. */
    private static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            return "?";
        }
    }

    private static ConnectionFactory rabbit() {
        ConnectionFactory f = new ConnectionFactory();
        f.setHost(Cli.env("RABBITMQ_HOST", "127.0.0.1"));
        f.setPort(Integer.parseInt(Cli.env("RABBITMQ_PORT", "5672")));
        f.setUsername(Cli.env("RABBITMQ_USER", "guest"));
        f.setPassword(Cli.env("RABBITMQ_PASSWORD", "guest"));
        f.setVirtualHost(Cli.env("RABBITMQ_VHOST", "/"));
        f.setConnectionTimeout(5_000);
        f.setHandshakeTimeout(5_000);
        return f;
    }

    private void print(PrintWriter log, Map<String, Object> json) throws IOException {
        Summary e = (Summary) json.get("endpoint");
        Summary raw = (Summary) json.get("raw");
        Summary ratio = (Summary) json.get("ratio");
        log.printf(
                Locale.ROOT,
                "endpoint (POST /api/v1/events): min %,.0f / median %,.0f / max %,.0f events/s (spread %.1f%%)%n",
                e.min(),
                e.median(),
                e.max(),
                e.spreadPercent());
        log.printf(
                Locale.ROOT,
                "RabbitMQ raw (same batches, confirms): min %,.0f / median %,.0f / max %,.0f events/s (spread %.1f%%)%n",
                raw.min(),
                raw.median(),
                raw.max(),
                raw.spreadPercent());
        log.printf(
                Locale.ROOT,
                "endpoint / raw: median %.2f (min %.2f, max %.2f)%n",
                ratio.median(),
                ratio.min(),
                ratio.max());
        log.printf(
                Locale.ROOT,
                "target: at least %,.0f events/s -> median %,.0f: %s%n",
                GOAL_EVENTS_PER_SECOND,
                e.median(),
                e.median() >= GOAL_EVENTS_PER_SECOND ? "met" : "MISSED");
        log.printf("results: %s%n", out.toAbsolutePath());
    }

    static double r(double v) {
        return Math.round(v * 100) / 100.0;
    }
}
