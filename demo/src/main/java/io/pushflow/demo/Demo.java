package io.pushflow.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import io.pushflow.core.json.Json;
import io.pushflow.core.messaging.ChannelDeclarer;
import io.pushflow.core.messaging.Queues;
import io.pushflow.core.user.User;
import io.pushflow.core.user.UserGenerator;
import io.pushflow.cluster.LocalCluster;
import io.pushflow.flink.Checkpoints;
import io.pushflow.flink.delivery.DeliveryJob;
import io.pushflow.flink.delivery.ProviderFactory;
import io.pushflow.flink.dispatch.ClickHouseAudience;
import io.pushflow.flink.dispatch.DispatchJob;
import io.pushflow.flink.rabbit.RabbitSettings;
import io.pushflow.flink.status.StatusJob;
import io.pushflow.simulator.provider.ProviderSimulator;
import io.pushflow.simulator.provider.SimulatorConfig;
import io.pushflow.store.ClickHouse;
import io.pushflow.store.ClickHouseSchema;
import io.pushflow.store.UserStore;
import io.pushflow.store.bench.AdminApi;
import org.apache.flink.api.common.JobID;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;

import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * {@code bin/pushflow demo}: a whole bandit campaign on one machine. Synthetic users go into ClickHouse; the three
 * jobs run in a local Flink cluster in this process (dashboard on {@code --flink-port}); the provider simulator
 * plays OneSignal and the users; a cohort, three creatives and a BANDIT campaign are created and launched through
 * the admin service's REST API, as a marketer would; the campaign is watched live from the statistics API; at
 * the end a summary, a report with charts, and (with {@code --json}) the summary as JSON.
 */
public final class Demo {

    /** What a run is told; {@code bin/pushflow demo} fills in the services it started. */
    public record Options(long users, Duration window, Duration wave, List<Double> clickRates, long seed, String adminUrl, String adminUser,
                          String adminPassword, String clickHouseDatabase, String queuePrefix, int flinkPort, int simulatorPort,
                          Path reportDir, Path json, boolean keepRunning, boolean live) {
    }

    /** The creatives: what they say and how often the simulated users click them. */
    static final List<String[]> CREATIVES = List.of(
            new String[]{"Wind alert", "Gusts up to 25 knots at your spot tomorrow"},
            new String[]{"Your spot, tomorrow", "Side-shore 18 knots from 10:00, sunny"},
            new String[]{"Session tomorrow?", "Perfect kiting window 10:00-14:00 at your spot - check the forecast"});

    private Demo() {
    }

    public static void main(String[] args) throws Exception {
        Options o = DemoOptions.parse(args);
        Summary summary = run(o, System.out);
        System.exit(summary.everyUserOneOutcome() && summary.duplicates() == 0 ? 0 : 1);
    }

    public static Summary run(Options o, PrintStream out) throws Exception {
        Instant now = Instant.now();
        AdminApi api = new AdminApi(o.adminUrl(), o.adminUser(), o.adminPassword());
        api.requireHealthy();
        ClickHouse.Config ch = ClickHouse.Config.fromEnvironment().withDatabase(o.clickHouseDatabase());
        RabbitSettings rabbit = RabbitSettings.fromEnvironment();
        Queues queues = new Queues(o.queuePrefix());
        step(out, "generating %,d users into ClickHouse %s", o.users(), o.clickHouseDatabase());
        try (ClickHouse clickHouse = new ClickHouse(ch)) {
            ClickHouseSchema.apply(clickHouse);
            UserStore store = new UserStore(clickHouse);
            UserGenerator generator = new UserGenerator(o.seed(), now);
            for (long from = 1; from <= o.users(); from += 100_000) {
                store.insert(generator.users(from, Math.min(100_000, o.users() - from + 1)).toList());
            }
        }
        fresh(rabbit, queues);
        Path checkpoints = Files.createTempDirectory("pushflow-demo-checkpoints");
        try {
            return run(o, out, api, ch, rabbit, queues, checkpoints);
        } finally {
            org.apache.flink.util.FileUtils.deleteDirectoryQuietly(checkpoints.toFile());
        }
    }

    private static Summary run(Options o, PrintStream out, AdminApi api, ClickHouse.Config ch, RabbitSettings rabbit, Queues queues,
                               Path checkpoints) throws Exception {
        List<SimulatorConfig.Rule> rules = new ArrayList<>();
        for (int i = 0; i < CREATIVES.size(); i++) {
            double click = o.clickRates().get(i);
            rules.add(new SimulatorConfig.Rule(null, null, null, CREATIVES.get(i)[1], Math.min(1, 3 * click + 0.05), click));
        }
        SimulatorConfig simConfig = new SimulatorConfig(o.seed(), 500, 2_000, 1_500, 0.01, 0, 0, null, rules);
        String appId = "pushflow-demo";
        String key = "demo-key";
        try (ProviderSimulator simulator = new ProviderSimulator(simConfig, appId, key, new InetSocketAddress("127.0.0.1", o.simulatorPort()),
                rabbit.connectionFactory(), queues);
             Cluster cluster = new Cluster(o.flinkPort())) {
            step(out, "provider simulator at %s; Flink dashboard at %s", simulator.baseUrl(), cluster.url());
            ProviderFactory provider = new ProviderFactory.OneSignal(simulator.baseUrl().toString(), appId, key, Duration.ofSeconds(10), 8);
            cluster.submit("pushflow dispatch", env -> DispatchJob.build(env, new DispatchJob.Settings(queues, rabbit, ch, o.wave(), 100_000, 1_000,
                    checkpoints(checkpoints, "dispatch"), 1_000), new ClickHouseAudience(ch)));
            cluster.submit("pushflow delivery", env -> DeliveryJob.build(env, new DeliveryJob.Settings(queues, rabbit, ch, provider, 8, 32,
                    Duration.ofMinutes(5), checkpoints(checkpoints, "delivery"), 200)));
            cluster.submit("pushflow status", env -> StatusJob.build(env, new StatusJob.Settings(queues, rabbit, ch, provider, Duration.ofSeconds(1),
                    Duration.ofSeconds(5), Duration.ofHours(1), Duration.ofSeconds(1), Duration.ofMillis(simConfig.openDelayMillis()
                    + simConfig.clickDelayMillis() + simConfig.deliveryLatencyMillis()), checkpoints(checkpoints, "status"), 5_000)));

            Marketer marketer = new Marketer(api, out);
            Marketer.Campaign campaign = marketer.launch(o.window(), CREATIVES);
            Watch watch = new Watch(api, campaign, out, o.live());
            JsonNode stats = watch.untilDone(o.window().plusMinutes(3));
            Summary summary = Summary.of(o.users(), stats, simulator, o.clickRates(), CREATIVES);
            summary.print(out);
            Report.write(o.reportDir(), summary, api, campaign, simulator.baseUrl().toString(), cluster.url(), o.adminUrl());
            step(out, "report: %s", o.reportDir().resolve("index.html").toAbsolutePath());
            if (o.json() != null) {
                Files.createDirectories(o.json().toAbsolutePath().getParent());
                Files.writeString(o.json(), Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(summary));
                step(out, "summary as JSON: %s", o.json().toAbsolutePath());
            }
            out.printf(Locale.ROOT, "%nSwagger UI:       %s/api/openapi/%nFlink dashboard:  %s%nReport:           %s%n", o.adminUrl().replaceAll("/$", ""),
                    cluster.url(), o.reportDir().resolve("index.html").toAbsolutePath());
            if (o.keepRunning()) {
                out.println("\nEverything keeps running (--keep-running); stop with Ctrl-C.");
                Thread.currentThread().join();
            }
            return summary;
        }
    }

    static void step(PrintStream out, String format, Object... args) {
        out.printf(Locale.ROOT, "==> " + format + "%n", args);
    }

    private static Checkpoints checkpoints(Path dir, String job) {
        return new Checkpoints(Duration.ofSeconds(1), dir.resolve(job).toUri().toString());
    }

    /** A run starts from empty queues: what an earlier run left behind is removed. */
    private static void fresh(RabbitSettings rabbit, Queues queues) throws Exception {
        try (Connection connection = rabbit.connectionFactory().newConnection("pushflow-demo"); Channel channel = connection.createChannel()) {
            for (String q : Queues.ALL) {
                queues.declare(q, new ChannelDeclarer(channel));
                channel.queuePurge(queues.name(q));
                channel.queuePurge(queues.dead(q));
            }
        }
    }

    /** A local Flink cluster with its dashboard, running the jobs in this process. */
    static final class Cluster implements AutoCloseable {

        private final MiniCluster mini;
        private final List<JobID> jobs = new ArrayList<>();

        Cluster(int port) throws Exception {
            mini = LocalCluster.start(port, 8);
        }

        String url() {
            try {
                return mini.getRestAddress().get().toString();
            } catch (Exception e) {
                throw new IllegalStateException("the local Flink cluster has no REST address", e);
            }
        }

        void submit(String name, Consumer<StreamExecutionEnvironment> build) throws Exception {
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
            env.setParallelism(2);
            build.accept(env);
            StreamGraph graph = env.getStreamGraph();
            graph.setJobName(name);
            jobs.add(mini.submitJob(graph.getJobGraph()).get().getJobID());
        }

        @Override
        public void close() throws Exception {
            for (JobID job : jobs) {
                try {
                    mini.cancelJob(job).get();
                } catch (Exception ignored) {
                    // a job that already ended
                }
            }
            mini.close();
        }
    }

    /** Seconds as "1m05s". */
    static String duration(long seconds) {
        return seconds >= 60 ? String.format(Locale.ROOT, "%dm%02ds", seconds / 60, seconds % 60) : seconds + "s";
    }

    /** 1234567 as "1.2M", 12345 as "12.3k". */
    static String people(long n) {
        return n >= 1_000_000 ? String.format(Locale.ROOT, "%.1fM", n / 1e6) : n >= 10_000 ? String.format(Locale.ROOT, "%.1fk", n / 1e3) : Long.toString(n);
    }

    static Map<String, Object> map(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }
}
