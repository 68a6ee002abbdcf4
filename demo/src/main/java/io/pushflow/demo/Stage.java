package io.pushflow.demo;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import io.pushflow.core.messaging.ChannelDeclarer;
import io.pushflow.core.campaign.RewardSource;
import io.pushflow.core.messaging.Queues;
import io.pushflow.core.user.UserGenerator;
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

import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Everything a campaign needs on one machine besides the admin service: synthetic users in ClickHouse, empty
 * queues, the provider simulator (whose users click the demo's creatives at the given rates) and the three jobs
 * in a local Flink cluster. The demo's marketer and the console's browser test both run their campaigns on it.
 */
public final class Stage implements AutoCloseable {

    private final ProviderSimulator simulator;
    private final Demo.Cluster cluster;
    private final Path checkpoints;

    private Stage(ProviderSimulator simulator, Demo.Cluster cluster, Path checkpoints) {
        this.simulator = simulator;
        this.cluster = cluster;
        this.checkpoints = checkpoints;
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
                store.insert(generator.users(from, Math.min(100_000, o.users() - from + 1)).toList());
            }
        }
        fresh(rabbit, queues);

        List<SimulatorConfig.Rule> rules = new ArrayList<>();
        for (int i = 0; i < Demo.CREATIVES.size(); i++) {
            double click = o.clickRates().get(i);
            rules.add(new SimulatorConfig.Rule(null, null, null, Demo.CREATIVES.get(i)[1], Math.min(1, 3 * click + 0.05), click));
        }
        SimulatorConfig simConfig = new SimulatorConfig(o.seed(), 500, 2_000, 1_500, 0.01, 0, 0, null, rules)
                .withAppEvents(o.rewards() != RewardSource.PROVIDER);
        String appId = "pushflow-demo";
        String key = "demo-key";
        Path checkpoints = Files.createTempDirectory("pushflow-demo-checkpoints");
        ProviderSimulator simulator = null;
        Demo.Cluster cluster = null;
        try {
            simulator = new ProviderSimulator(simConfig, appId, key, new InetSocketAddress("127.0.0.1", o.simulatorPort()),
                    rabbit.connectionFactory(), queues);
            cluster = new Demo.Cluster(o.flinkPort());
            Demo.step(out, "provider simulator at %s; Flink dashboard at %s", simulator.baseUrl(), cluster.url());
            ProviderFactory provider = new ProviderFactory.OneSignal(simulator.baseUrl().toString(), appId, key, Duration.ofSeconds(10),
                    providerAttempts);
            cluster.submit("pushflow dispatch", env -> DispatchJob.build(env, new DispatchJob.Settings(queues, rabbit, ch, o.wave(), 100_000, 1_000,
                    checkpoints(checkpoints, "dispatch"), 1_000), new ClickHouseAudience(ch)));
            cluster.submit("pushflow delivery", env -> DeliveryJob.build(env, new DeliveryJob.Settings(queues, rabbit, ch, provider, 8, 32,
                    Duration.ofMinutes(5), checkpoints(checkpoints, "delivery"), 200)));
            Duration openDelay = Duration.ofMillis(simConfig.openDelayMillis() + simConfig.deliveryLatencyMillis());
            Duration clickDelay = openDelay.plusMillis(simConfig.clickDelayMillis());
            cluster.submit("pushflow status", env -> StatusJob.build(env, new StatusJob.Settings(queues, rabbit, ch, provider, Duration.ofSeconds(1),
                    Duration.ofSeconds(5), Duration.ofMinutes(30), Duration.ofHours(1), 16, Duration.ofSeconds(1), clickDelay, openDelay,
                    clickDelay.plusSeconds(5), Duration.ofMinutes(1), checkpoints(checkpoints, "status"), 5_000)));
            return new Stage(simulator, cluster, checkpoints);
        } catch (Exception | Error e) {
            new Stage(simulator, cluster, checkpoints).close();
            throw e;
        }
    }

    public ProviderSimulator simulator() {
        return simulator;
    }

    public String flinkUrl() {
        return cluster.url();
    }

    private static Checkpoints checkpoints(Path dir, String job) {
        return new Checkpoints(Duration.ofSeconds(1), dir.resolve(job).toUri().toString());
    }

    /** A run starts from empty queues: what an earlier run left behind is removed. */
    private static void fresh(RabbitSettings rabbit, Queues queues) throws Exception {
        try (Connection connection = rabbit.connectionFactory().newConnection("pushflow-demo"); Channel channel = connection.createChannel()) {
            new ChannelDeclarer(channel).declareEmpty(queues);
        }
    }

    /** Cancels the jobs, stops the simulator and removes the checkpoints. */
    @Override
    public void close() throws Exception {
        try (ProviderSimulator s = simulator; Demo.Cluster c = cluster) {
            // closed in reverse order: the jobs first, then the simulator they call
        } finally {
            org.apache.flink.util.FileUtils.deleteDirectoryQuietly(checkpoints.toFile());
        }
    }
}
