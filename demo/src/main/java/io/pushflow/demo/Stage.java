package io.pushflow.demo;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import io.pushflow.core.campaign.Provider;
import io.pushflow.core.campaign.RewardSource;
import io.pushflow.core.messaging.ChannelDeclarer;
import io.pushflow.core.messaging.Queues;
import io.pushflow.core.user.UserGenerator;
import io.pushflow.flink.Checkpoints;
import io.pushflow.flink.delivery.DeliveryJob;
import io.pushflow.flink.delivery.DirectServices;
import io.pushflow.flink.dispatch.ClickHouseAudience;
import io.pushflow.flink.dispatch.DispatchJob;
import io.pushflow.flink.provider.ProviderFactory;
import io.pushflow.flink.rabbit.RabbitSettings;
import io.pushflow.flink.status.StatusJob;
import io.pushflow.simulator.provider.ProviderSimulator;
import io.pushflow.simulator.provider.SimulatorConfig;
import io.pushflow.store.ClickHouse;
import io.pushflow.store.ClickHouseSchema;
import io.pushflow.store.UserStore;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.util.FileUtils;

/**
 * Everything a campaign needs on one machine besides the admin service: synthetic users in ClickHouse, empty
 * queues, the provider simulator (whose users click the demo's creatives at the given rates) and the three jobs,
 * in a local Flink cluster in this process or, with {@link Demo.ClusterKind#STANDALONE}, on Flink's standalone
 * cluster (a JobManager and two TaskManager processes, RocksDB state) submitted as the job jar with the same
 * settings. The demo's marketer and the console's browser test both run their campaigns on it.
 */
public final class Stage implements AutoCloseable {

    private final ProviderSimulator simulator;
    private final AutoCloseable flink;
    private final String flinkUrl;
    private final Path work;
    /** Stops the standalone cluster's processes, which outlive this JVM, when it exits before {@link #close} (Ctrl-C). */
    private final Thread stopOnExit;

    private Stage(ProviderSimulator simulator, AutoCloseable flink, String flinkUrl, Path work, Thread stopOnExit) {
        this.simulator = simulator;
        this.flink = flink;
        this.flinkUrl = flinkUrl;
        this.work = work;
        this.stopOnExit = stopOnExit;
    }

    public static Stage start(Demo.Options o, PrintStream out) throws Exception {
        return start(o, out, 8);
    }

    /** The same, the provider client trying each request at most {@code providerAttempts} times (a fault test wants few). */
    public static Stage start(Demo.Options o, PrintStream out, int providerAttempts) throws Exception {
        ClickHouse.Config ch = ClickHouse.Config.fromEnvironment().withDatabase(o.clickHouseDatabase());
        RabbitSettings rabbit = RabbitSettings.fromEnvironment();
        Queues queues = new Queues(o.queuePrefix());
        Demo.step(out, "generating %,d users into ClickHouse %s", o.users(), o.clickHouseDatabase());
        try (ClickHouse clickHouse = new ClickHouse(ch)) {
            ClickHouseSchema.apply(clickHouse);
            UserStore store = new UserStore(clickHouse);
            UserGenerator generator = new UserGenerator(o.seed(), Instant.now());
            for (long from = 1; from <= o.users(); from += 100_000) {
                store.insert(generator
                        .users(from, Math.min(100_000, o.users() - from + 1))
                        .toList());
            }
        }
        fresh(rabbit, queues);

        List<SimulatorConfig.Rule> rules = new ArrayList<>();
        for (int i = 0; i < Demo.CREATIVES.size(); i++) {
            double click = o.clickRates().get(i);
            rules.add(new SimulatorConfig.Rule(
                    null, null, null, Demo.CREATIVES.get(i)[1], Math.min(1, 3 * click + 0.05), click));
        }
        SimulatorConfig simConfig = new SimulatorConfig(o.seed(), 500, 2_000, 1_500, 0.01, 0, 0, null, rules)
                .withAppEvents(o.rewards() != RewardSource.PROVIDER);
        String appId = "pushflow-demo";
        String key = "demo-key";
        Path work = Files.createTempDirectory("pushflow-demo");
        Path checkpoints = work.resolve("checkpoints");
        ProviderSimulator simulator = null;
        AutoCloseable flink = null;
        Thread stopOnExit = null;
        try {
            simulator = new ProviderSimulator(
                    simConfig,
                    appId,
                    key,
                    new InetSocketAddress("127.0.0.1", o.simulatorPort()),
                    rabbit.connectionFactory(),
                    queues);
            ProviderFactory.OneSignal provider = new ProviderFactory.OneSignal(
                    simulator.baseUrl().toString(), appId, key, Duration.ofSeconds(10), providerAttempts);
            var dispatch = new DispatchJob.Settings(
                    queues, rabbit, ch, o.wave(), 100_000, 1_000, checkpoints(checkpoints, "dispatch"), 1_000);
            Map<String, String> direct =
                    o.provider() == Provider.DIRECT ? simulator.startDirect(work.resolve("direct")) : Map.of();
            var delivery = new DeliveryJob.Settings(
                            queues,
                            rabbit,
                            ch,
                            provider,
                            8,
                            32,
                            Duration.ofMinutes(5),
                            checkpoints(checkpoints, "delivery"),
                            200)
                    .withDirect(DirectServices.from(direct));
            Duration openDelay = Duration.ofMillis(simConfig.openDelayMillis() + simConfig.deliveryLatencyMillis());
            Duration clickDelay = openDelay.plusMillis(simConfig.clickDelayMillis());
            var status = new StatusJob.Settings(
                    queues,
                    rabbit,
                    ch,
                    provider,
                    Duration.ofSeconds(1),
                    Duration.ofSeconds(5),
                    Duration.ofMinutes(30),
                    Duration.ofHours(1),
                    16,
                    Duration.ofSeconds(1),
                    clickDelay,
                    openDelay,
                    clickDelay.plusSeconds(5),
                    Duration.ofMinutes(1),
                    checkpoints(checkpoints, "status"),
                    5_000);
            String url;
            if (o.cluster() == Demo.ClusterKind.STANDALONE) {
                StandaloneJobs.Artifacts built = StandaloneJobs.Artifacts.find();
                StandaloneJobs jobs = new StandaloneJobs(
                        StandaloneJobs.settings(
                                work,
                                o.flinkPort(),
                                built.clusterClasspath(),
                                jobSettings(dispatch, delivery, status, provider, direct)),
                        built.jobJar(),
                        out);
                flink = jobs;
                stopOnExit = new Thread(jobs::close, "pushflow-demo-cluster-stop");
                Runtime.getRuntime().addShutdownHook(stopOnExit);
                Demo.step(
                        out,
                        "starting Flink's standalone cluster (a JobManager and two TaskManager processes) and the jobs from %s",
                        built.jobJar());
                jobs.start(2);
                url = jobs.restUrl();
            } else {
                Demo.Cluster cluster = new Demo.Cluster(o.flinkPort());
                flink = cluster;
                cluster.submit(
                        "pushflow dispatch", env -> DispatchJob.build(env, dispatch, new ClickHouseAudience(ch)));
                cluster.submit("pushflow delivery", env -> DeliveryJob.build(env, delivery));
                cluster.submit("pushflow status", env -> StatusJob.build(env, status));
                url = cluster.url();
            }
            Demo.step(
                    out,
                    "provider simulator at %s%s; Flink dashboard at %s",
                    simulator.baseUrl(),
                    direct.isEmpty()
                            ? ""
                            : ", APNs at 127.0.0.1:" + direct.get("APNS_PORT") + ", FCM at "
                                    + direct.get("FCM_ENDPOINT"),
                    url);
            return new Stage(simulator, flink, url, work, stopOnExit);
        } catch (Exception | Error e) {
            new Stage(simulator, flink, null, work, stopOnExit).close();
            throw e;
        }
    }

    public ProviderSimulator simulator() {
        return simulator;
    }

    public String flinkUrl() {
        return flinkUrl;
    }

    private static Checkpoints checkpoints(Path dir, String job) {
        return new Checkpoints(Duration.ofSeconds(1), dir.resolve(job).toUri().toString());
    }

    /**
     * The same settings as the environment the job jar reads them from (JobSetting), with state in RocksDB; the
     * checkpoint directory is the cluster's. Two stay at the jar's own values, which no campaign of the demo reaches:
     * the delivery's send timeout (10 minutes) and the poller's last look (after 24 hours).
     */
    private static Map<String, String> jobSettings(
            DispatchJob.Settings dispatch,
            DeliveryJob.Settings delivery,
            StatusJob.Settings status,
            ProviderFactory.OneSignal provider,
            Map<String, String> direct) {
        Map<String, String> env = new LinkedHashMap<>(direct);
        env.put("PUSHFLOW_QUEUE_PREFIX", dispatch.queues().prefix());
        env.put("CLICKHOUSE_DATABASE", dispatch.clickHouse().database());
        env.put("ONESIGNAL_API_URL", provider.apiUrl());
        env.put("ONESIGNAL_APP_ID", provider.appId());
        env.put("ONESIGNAL_REST_API_KEY", provider.restApiKey());
        env.put("ONESIGNAL_MAX_ATTEMPTS", Integer.toString(provider.maxAttempts()));
        env.put("STATE_BACKEND", "rocksdb");
        env.put("CHECKPOINT_INTERVAL_MS", millis(dispatch.checkpoints().interval()));
        env.put("DISPATCH_WAVE_INTERVAL_MS", millis(dispatch.waveInterval()));
        env.put("DISPATCH_MAX_WAVE", Integer.toString(dispatch.maxWave()));
        env.put("DISPATCH_BATCH_SIZE", Integer.toString(dispatch.batchSize()));
        env.put("DELIVERY_SEND_THREADS", Integer.toString(delivery.sendThreads()));
        env.put("DELIVERY_IN_FLIGHT", Integer.toString(delivery.inFlightRequests()));
        env.put("DELIVERY_PREFETCH", Integer.toString(delivery.prefetch()));
        env.put("STATUS_FIRST_LOOK_MS", millis(status.firstLook()));
        env.put("STATUS_MAX_PAUSE_MS", millis(status.maxPause()));
        env.put("STATUS_CLICK_WINDOW_MS", millis(status.clickWindow()));
        env.put("STATUS_LOOKS_IN_FLIGHT", Integer.toString(status.looksInFlight()));
        env.put("STATUS_EVENT_GRACE_MS", millis(status.eventGrace()));
        env.put("FEEDBACK_INTERVAL_MS", millis(status.feedbackInterval()));
        env.put("FEEDBACK_CLICK_DELAY_MS", millis(status.meanClickDelay()));
        env.put("FEEDBACK_OPEN_DELAY_MS", millis(status.meanOpenDelay()));
        env.put("FEEDBACK_PROVIDER_DELAY_MS", millis(status.providerClickDelay()));
        return env;
    }

    private static String millis(Duration d) {
        return Long.toString(d.toMillis());
    }

    /** A run starts from empty queues: what an earlier run left behind is removed. */
    private static void fresh(RabbitSettings rabbit, Queues queues) throws Exception {
        try (Connection connection = rabbit.connectionFactory().newConnection("pushflow-demo");
                Channel channel = connection.createChannel()) {
            new ChannelDeclarer(channel).declareEmpty(queues);
        }
    }

    /** Cancels the jobs (or stops the standalone cluster), stops the simulator and removes the checkpoints. */
    @Override
    public void close() throws Exception {
        try (ProviderSimulator s = simulator;
                AutoCloseable c = flink) {
            // closed in reverse order: the jobs first, then the simulator they call
        } finally {
            if (stopOnExit != null) {
                try {
                    Runtime.getRuntime().removeShutdownHook(stopOnExit);
                } catch (IllegalStateException exiting) {
                    // closed by a shutdown hook itself: the hook stops the cluster anyway
                }
            }
            FileUtils.deleteDirectoryQuietly(work.toFile());
        }
    }
}
