package io.pushflow.bench.jobs;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import io.pushflow.bench.BenchArgs;
import io.pushflow.bench.Machine;
import io.pushflow.bench.Spread;
import io.pushflow.bench.provider.RawOneSignal;
import io.pushflow.core.campaign.CampaignCommand;
import io.pushflow.core.campaign.CampaignSnapshot;
import io.pushflow.core.campaign.CampaignStatus;
import io.pushflow.core.campaign.Metric;
import io.pushflow.core.campaign.SendPace;
import io.pushflow.core.campaign.SplitType;
import io.pushflow.core.json.Json;
import io.pushflow.core.messaging.ChannelDeclarer;
import io.pushflow.core.messaging.Queues;
import io.pushflow.core.user.User;
import io.pushflow.core.user.UserGenerator;
import io.pushflow.flink.Checkpoints;
import io.pushflow.flink.contracts.OutboxBatch;
import io.pushflow.flink.delivery.DeliveryJob;
import io.pushflow.flink.provider.ProviderFactory;
import io.pushflow.flink.rabbit.RabbitSettings;
import io.pushflow.provider.OneSignalFake;
import io.pushflow.store.ClickHouse;
import io.pushflow.store.ClickHouseSchema;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.FileUtils;

/**
 * The delivery benchmark ({@code bin/pushflow bench delivery}): N users already waiting on {@code push.outbox} in
 * batches of 1,000, the delivery job started in this process (parallelism 2) against the real RabbitMQ and
 * ClickHouse and a zero-latency strict OneSignal fake; measured from the job's start to the last outcome row in
 * ClickHouse. Beside it, in the same run, the raw rate of the part beneath: the OneSignal client sending
 * requests of the same size straight to the fake with as many threads as the job uses.
 */
public final class DeliveryBench {

    private static final String APP = "5eb5a37e-b458-11e3-ac11-000c2940e62c";
    private static final String KEY = "bench-key";

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = BenchArgs.parse(
                args,
                "bench delivery [--users N (300000)] [--runs R (3)] [--parallelism P (2)] "
                        + "[--state-backend hashmap|rocksdb] [--out FILE (bench-results/delivery.json)]",
                List.of("users", "runs", "parallelism", "state-backend", "out"),
                List.of());
        int users = Integer.parseInt(opts.getOrDefault("users", "300000"));
        int runs = Integer.parseInt(opts.getOrDefault("runs", "3"));
        int parallelism = Integer.parseInt(opts.getOrDefault("parallelism", "2"));
        String backend = opts.getOrDefault("state-backend", "hashmap");
        Path out = Path.of(opts.getOrDefault("out", "bench-results/delivery.json"));
        ClickHouse.Config ch = ClickHouse.Config.fromEnvironment().withDatabase("pushflow_bench_delivery");
        RabbitSettings rabbit = RabbitSettings.fromEnvironment();
        List<User> audience =
                new UserGenerator(17, Instant.now()).users(1, users).toList();
        long reachable = audience.stream().filter(User::reachable).count();
        Machine machine;
        try (ClickHouse clickHouse = new ClickHouse(ch)) {
            machine = Machine.describe(clickHouse);
        }
        System.out.printf(
                Locale.ROOT,
                "delivery benchmark: %,d users (%,d reachable) per run, %d runs, parallelism %d, state backend %s%n  on %s%n",
                users,
                reachable,
                runs,
                parallelism,
                backend,
                machine);

        List<Double> jobRates = new ArrayList<>();
        List<Double> steadyRates = new ArrayList<>();
        List<Double> rawRates = new ArrayList<>();
        List<Double> firstOutcome = new ArrayList<>();
        for (int run = 1; run <= runs; run++) {
            Result r = run(run, audience, ch, rabbit, parallelism, backend);
            double raw = RawOneSignal.rate(APP, KEY, r.requestSize, (int) Math.min(reachable, 200_000), 16);
            jobRates.add(r.usersPerSecond);
            steadyRates.add(r.steadyPerSecond);
            rawRates.add(raw);
            firstOutcome.add(r.firstOutcomeSeconds);
            System.out.printf(
                    Locale.ROOT,
                    "  run %d: %,d outcomes in %.1f s from the job's start = %,.0f users/s; after the first outcome "
                            + "(%.1f s) %,.0f users/s; %,d sent in %,d requests; heap in use after a GC %,d MB; raw client->fake %,.0f pushes/s%n",
                    run,
                    r.outcomes,
                    r.seconds,
                    r.usersPerSecond,
                    r.firstOutcomeSeconds,
                    r.steadyPerSecond,
                    r.sent,
                    r.requests,
                    r.heapAfterBytes >> 20,
                    raw);
        }
        Spread job = Spread.of(jobRates);
        Spread steady = Spread.of(steadyRates);
        Spread raw = Spread.of(rawRates);
        System.out.printf(
                Locale.ROOT,
                "%nusers/s through the delivery job   median %,.0f  (min %,.0f, max %,.0f, spread %.0f%%)%n",
                job.p50(),
                job.min(),
                job.max(),
                job.spreadPercent());
        System.out.printf(
                Locale.ROOT,
                "  the same after the first outcome   median %,.0f  (min %,.0f, max %,.0f, spread %.0f%%)%n",
                steady.p50(),
                steady.min(),
                steady.max(),
                steady.spreadPercent());
        System.out.printf(
                Locale.ROOT,
                "pushes/s OneSignal client -> fake   median %,.0f  (min %,.0f, max %,.0f, spread %.0f%%)%n",
                raw.p50(),
                raw.min(),
                raw.max(),
                raw.spreadPercent());
        System.out.printf(
                Locale.ROOT,
                "job / raw provider path: %.2f (after the first outcome: %.2f)%n",
                job.p50() / raw.p50(),
                steady.p50() / raw.p50());

        Map<String, Object> json = new LinkedHashMap<>();
        json.put("scenario", "delivery");
        json.put("machine", machine);
        json.put("users", users);
        json.put("reachable", reachable);
        json.put("runs", runs);
        json.put("parallelism", parallelism);
        json.put("stateBackend", backend);
        json.put("jobUsersPerSecond", job);
        json.put("rawProviderPushesPerSecond", raw);
        json.put("steadyUsersPerSecond", steady);
        json.put("firstOutcomeSeconds", Spread.of(firstOutcome));
        json.put("ratio", job.p50() / raw.p50());
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(json));
        System.out.println("written " + out);
        System.exit(0);
    }

    /** {@code steadyPerSecond}: from the first outcome row to the last, without the job's start. */
    private record Result(
            long outcomes,
            long sent,
            long requests,
            double seconds,
            double usersPerSecond,
            double firstOutcomeSeconds,
            double steadyPerSecond,
            int requestSize,
            long heapAfterBytes) {}

    private static Result run(
            int run, List<User> audience, ClickHouse.Config ch, RabbitSettings rabbit, int parallelism, String backend)
            throws Exception {
        Queues queues = new Queues("bench.delivery." + run + "." + System.nanoTime() + ".");
        try (ClickHouse clickHouse = new ClickHouse(ch);
                OneSignalFake fake = new OneSignalFake(APP, KEY);
                Connection connection = rabbit.connectionFactory().newConnection("delivery-bench")) {
            fake.keepBodies(false);
            clickHouse.dropDatabase();
            ClickHouseSchema.apply(clickHouse);
            Channel channel = connection.createChannel();
            for (String q : Queues.ALL) {
                queues.declare(q, new ChannelDeclarer(channel));
            }
            channel.confirmSelect();
            CampaignCommand launch = launch(Instant.now());
            publish(channel, queues.name(Queues.DELIVERY_COMMANDS), launch.commandId(), Json.write(launch));
            for (int from = 0, chunk = 0; from < audience.size(); from += 1_000, chunk++) {
                String variant = chunk % 2 == 0 ? "A" : "B";
                long wave = chunk / 2 + 1;
                OutboxBatch b = OutboxBatch.of(
                        OutboxBatch.batchId(1, wave, variant, 0),
                        1,
                        1,
                        variant,
                        wave,
                        audience.subList(from, Math.min(audience.size(), from + 1_000)));
                publish(channel, queues.name(Queues.PUSH_OUTBOX), b.batchId, Json.write(b));
            }
            channel.waitForConfirmsOrDie(120_000);

            Path checkpointDir = Files.createTempDirectory("pushflow-delivery-bench");
            var settings = new DeliveryJob.Settings(
                    queues,
                    rabbit,
                    ch,
                    new ProviderFactory.OneSignal(fake.baseUrl().toString(), APP, KEY, Duration.ofSeconds(10), 8),
                    16,
                    64,
                    Duration.ofMinutes(10),
                    new Checkpoints(Duration.ofSeconds(1), checkpointDir.toUri().toString(), backend),
                    200);
            Configuration conf = new Configuration();
            // RocksDB's block cache and write buffers come from managed memory: give the local cluster a realistic
            // share
            conf.set(TaskManagerOptions.MANAGED_MEMORY_SIZE, MemorySize.parse("1g"));
            StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(parallelism, conf);
            DeliveryJob.build(env, settings);
            long start = System.nanoTime();
            JobClient job = env.executeAsync("delivery benchmark " + run);
            double first = -1;
            long atFirst = 0;
            long outcomes = 0;
            String count = "SELECT uniqExact(user_id) AS n FROM " + clickHouse.table("push_sends");
            long deadline = System.currentTimeMillis() + 600_000;
            while (outcomes < audience.size() && System.currentTimeMillis() < deadline) {
                Thread.sleep(100);
                outcomes = clickHouse.selectLong(count);
                if (first < 0 && outcomes > 0) {
                    first = (System.nanoTime() - start) / 1e9;
                    atFirst = outcomes;
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            System.gc();
            long heap = java.lang.management.ManagementFactory.getMemoryMXBean()
                    .getHeapMemoryUsage()
                    .getUsed();
            job.cancel().get();
            FileUtils.deleteDirectoryQuietly(checkpointDir.toFile());
            long sent = clickHouse.selectLong(
                    "SELECT count() AS n FROM " + clickHouse.table("push_sends") + " FINAL WHERE outcome = 'sent'");
            new ChannelDeclarer(channel).removeAll(queues);
            if (outcomes < audience.size()) {
                throw new IllegalStateException(
                        "only " + outcomes + " of " + audience.size() + " outcomes after 10 minutes");
            }
            int requests = fake.calls();
            return new Result(
                    outcomes,
                    sent,
                    requests,
                    seconds,
                    outcomes / seconds,
                    first,
                    (outcomes - atFirst) / (seconds - first),
                    (int) Math.max(1, sent / Math.max(1, requests)),
                    heap);
        }
    }

    private static void publish(Channel channel, String queue, String id, String body) throws Exception {
        channel.basicPublish(
                "",
                queue,
                new AMQP.BasicProperties.Builder()
                        .correlationId(id)
                        .deliveryMode(2)
                        .build(),
                body.getBytes(StandardCharsets.UTF_8));
    }

    private static CampaignCommand launch(Instant now) {
        var content = new CampaignSnapshot.PushContent(
                "en",
                Map.of(
                        "en",
                        new CampaignSnapshot.LocalizedText("Wind is on", "25 knots tomorrow"),
                        "pt",
                        new CampaignSnapshot.LocalizedText("Há vento", "25 nós amanhã")),
                null,
                null,
                null);
        var snapshot = new CampaignSnapshot(
                1,
                "bench",
                "windy-ios",
                CampaignStatus.RUNNING,
                new CampaignSnapshot.Cohort(1, "everyone", Json.MAPPER.valueToTree(Map.of("all", List.of()))),
                List.of(
                        new CampaignSnapshot.Variant("A", 1, "a", 1, content),
                        new CampaignSnapshot.Variant("B", 2, "b", 1, content)),
                new CampaignSnapshot.Split(SplitType.AB_FIXED, Metric.CLICKS, null, null, null, null, null),
                0,
                now,
                Duration.ofHours(1),
                null,
                null,
                null,
                "ONESIGNAL",
                SendPace.EVEN);
        return new CampaignCommand(1, "bench-launch", CampaignCommand.Type.LAUNCH, 1, 1, now, "bench", snapshot);
    }
}
