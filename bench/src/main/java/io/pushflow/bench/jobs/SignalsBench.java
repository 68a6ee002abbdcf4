package io.pushflow.bench.jobs;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DeliverCallback;
import io.pushflow.bench.BenchArgs;
import io.pushflow.bench.Spread;
import io.pushflow.core.bandit.BanditFeedback;
import io.pushflow.core.campaign.CampaignCommand;
import io.pushflow.core.campaign.RewardSource;
import io.pushflow.core.json.Json;
import io.pushflow.core.messaging.ChannelDeclarer;
import io.pushflow.core.messaging.Queues;
import io.pushflow.flink.Checkpoints;
import io.pushflow.flink.contracts.ProviderNotification;
import io.pushflow.flink.provider.ProviderFactory;
import io.pushflow.flink.rabbit.RabbitSettings;
import io.pushflow.flink.status.StatusJob;
import io.pushflow.provider.PushMessage;
import io.pushflow.provider.PushProvider;
import io.pushflow.provider.SendResult;
import io.pushflow.simulator.provider.ProviderSimulator;
import io.pushflow.simulator.provider.SimulatorConfig;
import io.pushflow.store.ClickHouse;
import io.pushflow.store.ClickHouseSchema;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.IntStream;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.FileUtils;

/**
 * How long a click takes to reach the bandit ({@code bin/pushflow bench signals}): the status job with its default
 * pacing in a local Flink environment, the provider simulator with users who click, and two campaigns that count clicks
 * differently: one from the app's events ({@code APP}), one from the provider's click counts, polled with the view
 * call ({@code PROVIDER}). The delivery job's part is played here: notifications are created through the OneSignal
 * client and handed to the status job on {@code push.notifications}. Measured from outside the job: the moment each
 * simulated user clicked against the moment a {@code bandit.feedback} message carrying that click arrived on the queue
 * the dispatch job reads (the k-th click of a campaign is counted when its rewards reach k).
 */
public final class SignalsBench {

    static final String APP = "signals-bench";
    static final String KEY = "signals-bench-key";

    public static void main(String[] args) throws Exception {
        Map<String, String> o = BenchArgs.parse(
                args,
                "bench signals --database DB [--notifications N (40)] [--recipients R (1000)] "
                        + "[--click-rate P (0.05)] [--out FILE (bench-results/signals.json)]",
                List.of("database", "notifications", "recipients", "click-rate", "out"),
                List.of("database"));
        int notifications = Integer.parseInt(o.getOrDefault("notifications", "40"));
        int recipients = Integer.parseInt(o.getOrDefault("recipients", "1000"));
        double clickRate = Double.parseDouble(o.getOrDefault("click-rate", "0.05"));
        Path out = Path.of(o.getOrDefault("out", "bench-results/signals.json"));
        Queues queues = new Queues("bench.signals." + System.nanoTime() + ".");
        RabbitSettings rabbit = RabbitSettings.fromEnvironment();
        ClickHouse.Config ch = ClickHouse.Config.fromEnvironment().withDatabase(o.get("database"));
        Path checkpoints = Files.createTempDirectory("pushflow-signals-bench");
        // the simulator's defaults: delivered after 1 s, opened after 3 s and clicked 2 s later on average
        SimulatorConfig config = new SimulatorConfig(
                1,
                1_000,
                3_000,
                2_000,
                0,
                0,
                0,
                new SimulatorConfig.Engagement(Math.min(1, 3 * clickRate), clickRate),
                List.of());
        try (ClickHouse clickHouse = new ClickHouse(ch);
                Connection connection = rabbit.connectionFactory().newConnection("signals-bench");
                ProviderSimulator simulator = new ProviderSimulator(
                        config, APP, KEY, new InetSocketAddress("127.0.0.1", 0), rabbit.connectionFactory(), queues)) {
            ClickHouseSchema.apply(clickHouse);
            Channel channel = connection.createChannel();
            for (String q : Queues.ALL) {
                queues.declare(q, new ChannelDeclarer(channel));
            }
            ProviderFactory provider =
                    new ProviderFactory.OneSignal(simulator.baseUrl().toString(), APP, KEY, Duration.ofSeconds(10), 5);
            // the defaults StatusJob.Settings.fromEnvironment gives, but for this run's queues and database
            StatusJob.Settings settings = new StatusJob.Settings(
                    queues,
                    rabbit,
                    ch,
                    provider,
                    Duration.ofSeconds(2),
                    Duration.ofSeconds(30),
                    Duration.ofHours(1),
                    Duration.ofHours(24),
                    16,
                    Duration.ofSeconds(2),
                    Duration.ofSeconds(30),
                    Duration.ofSeconds(30),
                    Duration.ofSeconds(60),
                    Duration.ofMinutes(10),
                    new Checkpoints(Duration.ofSeconds(2), checkpoints.toUri().toString()),
                    5_000);
            StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(2);
            StatusJob.build(env, settings);
            JobClient job = env.executeAsync("status for the signals benchmark");
            awaitConsumers(channel, queues, Queues.PUSH_EVENTS, Queues.PUSH_NOTIFICATIONS, Queues.STATUS_COMMANDS);

            Map<Long, ConcurrentLinkedQueue<long[]>> arrivals =
                    new ConcurrentHashMap<>(); // campaign -> (arrival millis, rewards)
            DeliverCallback feedback = (tag, m) -> {
                BanditFeedback f = Json.read(m.getBody(), BanditFeedback.class);
                arrivals.computeIfAbsent(f.campaignId(), c -> new ConcurrentLinkedQueue<>())
                        .add(new long[] {System.currentTimeMillis(), f.rewards()});
            };
            channel.basicConsume(queues.name(Queues.BANDIT_FEEDBACK), true, feedback, tag -> {});
            Map<RewardSource, Long> campaigns = Map.of(RewardSource.APP, 1L, RewardSource.PROVIDER, 2L);
            for (Map.Entry<RewardSource, Long> c : campaigns.entrySet()) {
                CampaignCommand launch = BenchCampaigns.launch(c.getValue(), List.of("A"), c.getKey());
                channel.basicPublish(
                        queues.name(Queues.CAMPAIGN_COMMANDS_EXCHANGE),
                        "",
                        new AMQP.BasicProperties.Builder()
                                .correlationId(launch.commandId())
                                .deliveryMode(2)
                                .build(),
                        Json.bytes(launch));
            }
            simulator.recordClickTimes();
            PushProvider client = provider.open();
            String toPoll = queues.name(Queues.PUSH_NOTIFICATIONS);
            System.out.printf(
                    Locale.ROOT,
                    "signals: %d notifications of %,d recipients each, click rate %.1f%%, to two campaigns (APP, PROVIDER)%n",
                    notifications,
                    recipients,
                    clickRate * 100);
            for (int n = 0; n < notifications; n++) {
                for (long campaign : campaigns.values()) {
                    int first = n * recipients;
                    List<String> ids = IntStream.range(first, first + recipients)
                            .mapToObj(i -> "sub-" + campaign + "-" + i)
                            .toList();
                    String request = campaign + "-" + n;
                    SendResult sent = client.send(new PushMessage(
                            PushMessage.idempotencyKey(request, "en"),
                            ids,
                            Map.of("en", "Wind"),
                            Map.of("en", "25 knots"),
                            Map.of("pushflow_campaign", campaign, "pushflow_variant", "A", "pushflow_push", 1),
                            null,
                            null));
                    ProviderNotification row = new ProviderNotification();
                    row.notificationId = sent.notificationId();
                    row.campaignId = campaign;
                    row.variant = "A";
                    row.requestId = request;
                    row.recipients = recipients;
                    row.remaining = recipients;
                    row.sentAtMillis = System.currentTimeMillis();
                    channel.basicPublish(
                            "",
                            toPoll,
                            new AMQP.BasicProperties.Builder()
                                    .correlationId(row.notificationId)
                                    .deliveryMode(2)
                                    .build(),
                            Json.bytes(row));
                }
                Thread.sleep(1_000);
            }
            Map<String, Object> report = new LinkedHashMap<>();
            report.put("notifications", notifications);
            report.put("recipients", recipients);
            report.put("clickRate", clickRate);
            report.put(
                    "statusSettings",
                    Map.of(
                            "firstLookMs",
                            settings.firstLook().toMillis(),
                            "maxPauseMs",
                            settings.maxPause().toMillis(),
                            "feedbackIntervalMs",
                            settings.feedbackInterval().toMillis(),
                            "checkpointIntervalMs",
                            2_000));
            for (Map.Entry<RewardSource, Long> c : campaigns.entrySet()) {
                Spread latency = latency(simulator, arrivals, c.getValue(), Duration.ofMinutes(5));
                System.out.printf(
                        Locale.ROOT,
                        "  %-8s a click reaches the bandit after p50 %.1f s, p90 %.1f s, p99 %.1f s, max %.1f s (%d clicks)%n",
                        c.getKey(),
                        latency.p50() / 1000,
                        latency.p90() / 1000,
                        latency.p99() / 1000,
                        latency.max() / 1000,
                        latency.n());
                report.put(c.getKey().name().toLowerCase(Locale.ROOT), latency);
            }
            job.cancel().get();
            new ChannelDeclarer(channel).removeAll(queues);
            clickHouse.dropDatabase();
            FileUtils.deleteDirectoryQuietly(checkpoints.toFile());
            Files.createDirectories(out.toAbsolutePath().getParent());
            Files.writeString(out, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(report));
            System.out.println("written to " + out);
        }
    }

    /** Each click's time until the feedback that counted it arrived: the k-th click is counted when the rewards reach k. */
    static Spread latency(
            ProviderSimulator simulator,
            Map<Long, ConcurrentLinkedQueue<long[]>> arrivals,
            long campaign,
            Duration wait)
            throws InterruptedException {
        long deadline = System.currentTimeMillis() + wait.toMillis();
        List<Long> clicks = simulator.clickTimes(campaign);
        while (System.currentTimeMillis() < deadline) {
            clicks = simulator.clickTimes(campaign);
            if (!clicks.isEmpty() && rewards(arrivals, campaign) >= clicks.size()) {
                break;
            }
            Thread.sleep(500);
        }
        List<long[]> got = new ArrayList<>(arrivals.getOrDefault(campaign, new ConcurrentLinkedQueue<>()));
        List<Double> latencies = new ArrayList<>();
        long counted = 0;
        int k = 0;
        for (long[] a : got) {
            counted += a[1];
            while (k < clicks.size() && k < counted) {
                latencies.add((double) Math.max(0, a[0] - clicks.get(k++)));
            }
        }
        if (k < clicks.size()) {
            System.out.printf(
                    Locale.ROOT,
                    "  campaign %d: %d of %d clicks had not reached the bandit after %s%n",
                    campaign,
                    clicks.size() - k,
                    clicks.size(),
                    wait);
        }
        return Spread.of(latencies);
    }

    private static long rewards(Map<Long, ConcurrentLinkedQueue<long[]>> arrivals, long campaign) {
        return arrivals.getOrDefault(campaign, new ConcurrentLinkedQueue<>()).stream()
                .mapToLong(a -> a[1])
                .sum();
    }

    private static void awaitConsumers(Channel channel, Queues queues, String... names) throws Exception {
        long deadline = System.currentTimeMillis() + 120_000;
        for (String q : names) {
            while (channel.consumerCount(queues.name(q)) == 0) {
                if (System.currentTimeMillis() > deadline) {
                    throw new IllegalStateException("the status job does not read " + queues.name(q));
                }
                Thread.sleep(100);
            }
        }
    }
}
