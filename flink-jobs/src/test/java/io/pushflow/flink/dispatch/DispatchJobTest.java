package io.pushflow.flink.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.GetResponse;
import io.pushflow.core.bandit.BanditFeedback;
import io.pushflow.core.campaign.CampaignCommand;
import io.pushflow.core.campaign.CampaignReport;
import io.pushflow.core.campaign.Metric;
import io.pushflow.core.campaign.RewardSource;
import io.pushflow.core.campaign.SplitType;
import io.pushflow.core.json.Json;
import io.pushflow.core.messaging.Queues;
import io.pushflow.flink.JobEnvironment;
import io.pushflow.flink.TcpProxy;
import io.pushflow.flink.contracts.OutboxBatch;
import io.pushflow.flink.rabbit.AmqpMessage;
import io.pushflow.flink.rabbit.ConfirmingRabbitSink;
import io.pushflow.flink.rabbit.RabbitSettings;
import io.pushflow.store.ClickHouse;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The dispatch job on a MiniCluster against the real RabbitMQ and ClickHouse: a LAUNCH on campaign.commands
 * releases the whole cohort on push.outbox inside its window, and a malformed command lands on
 * campaign.commands.dead with the reason instead of failing the job.
 */
class DispatchJobTest {

    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(4)
            .build());

    @Test
    void a_launched_campaign_s_cohort_arrives_on_the_outbox_once() throws Exception {
        try (JobEnvironment je = new JobEnvironment()) {
            Queues queues = je.queues;
            ClickHouse clickHouse = je.clickHouse;
            Channel channel = je.channel;
            ClickHouse.Config chConfig = je.chConfig;
            RabbitSettings rabbit = je.rabbit;
            Instant now = Instant.now();
            Map<String, Object> filter = Map.of(
                    "all",
                    List.of(Map.of(
                            "field",
                            "sports",
                            "op",
                            "has_any",
                            "values",
                            List.of("kitesurfing", "surfing", "sailing"))));
            Set<Long> cohort = je.loadCohort(5, 3_000, filter, now);

            var settings = new DispatchJob.Settings(
                    queues,
                    rabbit,
                    chConfig,
                    Duration.ofMillis(300),
                    100_000,
                    200,
                    je.checkpoints(Duration.ofMillis(300)),
                    1_000);
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
            env.setParallelism(2);
            DispatchJob.build(env, settings, new ClickHouseAudience(chConfig));
            je.job = env.executeAsync("dispatch under test");
            je.awaitConsumers(Duration.ofMinutes(2), Queues.CAMPAIGN_COMMANDS); // the window starts when the job reads

            publish(channel, queues.name(Queues.CAMPAIGN_COMMANDS), "bad-1", "{\"v\": 1, \"type\": \"LAUNCH\"");
            publish(
                    channel,
                    queues.name(Queues.CAMPAIGN_COMMANDS),
                    "launch-1",
                    Json.write(launch(filter, Instant.now())));

            Set<String> batchIds = new HashSet<>();
            List<Long> released = new ArrayList<>();
            Map<String, Integer> perVariant = new HashMap<>();
            await().atMost(Duration.ofMinutes(1))
                    .pollInSameThread()
                    .pollDelay(Duration.ZERO)
                    .pollInterval(Duration.ofMillis(50))
                    .until(
                            () -> {
                                for (GetResponse r;
                                        new HashSet<>(released).size() < cohort.size()
                                                && (r = channel.basicGet(queues.name(Queues.PUSH_OUTBOX), true))
                                                        != null; ) {
                                    OutboxBatch batch = Json.read(
                                            new String(r.getBody(), StandardCharsets.UTF_8), OutboxBatch.class);
                                    assertThat(r.getProps().getCorrelationId()).isEqualTo(batch.batchId);
                                    if (batchIds.add(batch.batchId)) {
                                        for (long id : batch.userIds) {
                                            released.add(id);
                                        }
                                        assertThat(batch.v).isEqualTo(OutboxBatch.VERSION);
                                        assertThat(batch.problem()).isNull();
                                        perVariant.merge(batch.variant, batch.size(), Integer::sum);
                                    }
                                }
                                return new HashSet<>(released).size();
                            },
                            greaterThanOrEqualTo(cohort.size()));
            assertThat(released).doesNotHaveDuplicates();
            assertThat(new HashSet<>(released)).isEqualTo(cohort);
            assertThat(perVariant.keySet()).containsExactlyInAnyOrder("A", "B");

            await().atMost(Duration.ofSeconds(10))
                    .pollDelay(Duration.ZERO)
                    .pollInterval(Duration.ofMillis(100))
                    .untilAsserted(() -> assertThat(clickHouse.selectLong("SELECT sum(users) AS n FROM "
                                    + clickHouse.table("campaign_allocations") + " FINAL WHERE campaign_id = 42"))
                            .as("users allocated")
                            .isEqualTo(released.size()));
            assertThat(clickHouse.select("SELECT DISTINCT share FROM " + clickHouse.table("campaign_allocations")
                            + " WHERE campaign_id = 42"))
                    .extracting(r -> ((Number) r.get("share")).doubleValue())
                    .containsExactly(0.5);

            GetResponse report = await("a completion report after the window")
                    .atMost(Duration.ofMillis(7_500))
                    .pollInSameThread()
                    .pollDelay(Duration.ZERO)
                    .pollInterval(Duration.ofMillis(50))
                    .until(() -> channel.basicGet(queues.name(Queues.CAMPAIGN_REPORTS), true), Objects::nonNull);
            var completed = Json.read(new String(report.getBody(), StandardCharsets.UTF_8), CampaignReport.class);
            assertThat(completed.campaignId()).isEqualTo(42);
            assertThat(completed.released() + completed.heldOut()).isEqualTo(released.size());

            GetResponse dead = await("a dead letter of the malformed command")
                    .atMost(Duration.ofSeconds(5))
                    .pollInSameThread()
                    .pollDelay(Duration.ZERO)
                    .pollInterval(Duration.ofMillis(50))
                    .until(() -> channel.basicGet(queues.dead(Queues.CAMPAIGN_COMMANDS), true), Objects::nonNull);
            assertThat(dead.getProps().getCorrelationId()).isEqualTo("bad-1");
            assertThat(String.valueOf(dead.getProps().getHeaders().get(ConfirmingRabbitSink.ERROR_HEADER)))
                    .contains("malformed JSON");
        }
    }

    /** Fails the job once, after some batches have gone out, to force a restore from the last checkpoint. */
    static final class FailOnce implements MapFunction<AmqpMessage, AmqpMessage> {
        static final AtomicBoolean FAILED = new AtomicBoolean();
        static final AtomicInteger SEEN = new AtomicInteger();

        @Override
        public AmqpMessage map(AmqpMessage m) {
            if (SEEN.incrementAndGet() == 12 && FAILED.compareAndSet(false, true)) {
                throw new IllegalStateException("injected failure");
            }
            return m;
        }
    }

    @Test
    void across_a_failure_every_user_lands_in_exactly_one_batch_and_feedback_steers_the_split() throws Exception {
        try (JobEnvironment je = new JobEnvironment()) {
            Queues queues = je.queues;
            Channel channel = je.channel;
            ClickHouse.Config chConfig = je.chConfig;
            RabbitSettings rabbit = je.rabbit;
            Instant now = Instant.now();
            Map<String, Object> filter = JobEnvironment.WATER_SPORTS;
            Set<Long> cohort = je.loadCohort(6, 4_000, filter, now);

            var settings = new DispatchJob.Settings(
                    queues,
                    rabbit,
                    chConfig,
                    Duration.ofMillis(250),
                    100_000,
                    50,
                    je.checkpoints(Duration.ofMillis(200)),
                    1_000);
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
            env.setParallelism(2);
            env.enableCheckpointing(200);
            // the job's own ends around its workflow, with a failure injected once before the message sink
            settings.checkpoints().apply(env);
            DispatchJob.defineWorkflow(
                    DispatchJob.sources(env, settings),
                    new ClickHouseAudience(chConfig),
                    settings,
                    out -> DispatchJob.messageSink(settings)
                            .accept(out.map(new FailOnce()).uid("fail-once")),
                    DispatchJob.allocationSink(settings));
            je.job = env.executeAsync("dispatch with a failure");
            je.awaitConsumers(
                    Duration.ofMinutes(2),
                    Queues.CAMPAIGN_COMMANDS,
                    Queues.BANDIT_FEEDBACK); // the window starts when the job reads

            Instant start = Instant.now();
            CampaignCommand launch = launch(filter, start, SplitType.BANDIT, Duration.ofSeconds(8));
            publish(channel, queues.name(Queues.CAMPAIGN_COMMANDS), launch.commandId(), Json.write(launch));

            Map<String, List<Long>> batches = new HashMap<>();
            Map<String, String> variantOf = new HashMap<>();
            AtomicBoolean fedBack = new AtomicBoolean();
            long windowEnd = start.plusSeconds(8).toEpochMilli();
            await().atMost(Duration.ofSeconds(90))
                    .pollInSameThread()
                    .pollDelay(Duration.ZERO)
                    .pollInterval(Duration.ofMillis(20))
                    .until(
                            () -> {
                                for (GetResponse r;
                                        batches.values().stream()
                                                                .mapToLong(List::size)
                                                                .sum()
                                                        < cohort.size()
                                                && (r = channel.basicGet(queues.name(Queues.PUSH_OUTBOX), true))
                                                        != null; ) {
                                    OutboxBatch batch = Json.read(
                                            new String(r.getBody(), StandardCharsets.UTF_8), OutboxBatch.class);
                                    List<Long> ids =
                                            Arrays.stream(batch.userIds).boxed().toList();
                                    List<Long> before = batches.putIfAbsent(batch.batchId, ids);
                                    if (before != null) {
                                        assertThat(ids)
                                                .as("a replayed batch %s holds the same users", batch.batchId)
                                                .isEqualTo(before);
                                    }
                                    variantOf.put(batch.batchId, batch.variant);
                                    if (fedBack.compareAndSet(false, true)) {
                                        publish(
                                                channel,
                                                queues.name(Queues.BANDIT_FEEDBACK),
                                                "fb-a",
                                                Json.write(new BanditFeedback(1, "fb-a", 42, "A", 500, 5)));
                                        publish(
                                                channel,
                                                queues.name(Queues.BANDIT_FEEDBACK),
                                                "fb-b",
                                                Json.write(new BanditFeedback(1, "fb-b", 42, "B", 500, 40)));
                                    }
                                }
                                return batches.values().stream()
                                        .mapToLong(List::size)
                                        .sum();
                            },
                            greaterThanOrEqualTo((long) cohort.size()));
            List<Long> released =
                    batches.values().stream().flatMap(List::stream).toList();
            assertThat(FailOnce.FAILED).isTrue();
            assertThat(released).doesNotHaveDuplicates();
            assertThat(new HashSet<>(released)).isEqualTo(cohort);
            assertThat(System.currentTimeMillis()).isLessThan(windowEnd + 15_000);
            long a = batches.entrySet().stream()
                    .filter(e -> variantOf.get(e.getKey()).equals("A"))
                    .mapToLong(e -> e.getValue().size())
                    .sum();
            long b = batches.entrySet().stream()
                    .filter(e -> variantOf.get(e.getKey()).equals("B"))
                    .mapToLong(e -> e.getValue().size())
                    .sum();
            assertThat(b).isGreaterThan(2 * a);
        }
    }

    @Test
    void a_campaign_whose_audience_clickhouse_refuses_fails_alone_and_an_outage_only_slows_the_others(
            @InjectMiniCluster MiniCluster cluster) throws Exception {
        try (JobEnvironment je = new JobEnvironment()) {
            Instant now = Instant.now();
            Map<String, Object> kiters = JobEnvironment.WATER_SPORTS;
            Set<Long> cohort = je.loadCohort(7, 3_000, kiters, now);
            // a valid chain whose SQL is longer than ClickHouse's max_query_size (256 KiB): three conditions of 1,000
            // app names
            // of 90 characters each (the most a condition may hold)
            List<Map<String, Object>> conditions = new ArrayList<>();
            for (int c = 0; c < 3; c++) {
                int condition = c;
                conditions.add(Map.of(
                        "field",
                        "app",
                        "op",
                        "not_in",
                        "values",
                        IntStream.range(0, 1_000)
                                .mapToObj(i -> "app-" + condition + "-" + i + "-" + "x".repeat(80))
                                .toList()));
            }
            Map<String, Object> tooLarge = Map.of("all", conditions);
            URI ch = URI.create(je.chConfig.url());
            try (TcpProxy clickHouseLink = new TcpProxy(ch.getHost(), ch.getPort())) {
                ClickHouse.Config viaProxy = new ClickHouse.Config(
                        "http://127.0.0.1:" + clickHouseLink.port(),
                        je.chConfig.user(),
                        je.chConfig.password(),
                        je.chConfig.database(),
                        je.chConfig.maxExecutionTime());
                var settings = new DispatchJob.Settings(
                        je.queues,
                        je.rabbit,
                        je.chConfig,
                        Duration.ofMillis(250),
                        100_000,
                        100,
                        je.checkpoints(Duration.ofMillis(300)),
                        1_000);
                StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
                env.setParallelism(2);
                DispatchJob.build(env, settings, new ClickHouseAudience(viaProxy));
                je.job = env.executeAsync("dispatch through a ClickHouse outage");
                je.awaitConsumers(Duration.ofMinutes(2), Queues.CAMPAIGN_COMMANDS);

                Instant start = Instant.now();
                CampaignCommand refused = JobEnvironment.launch(
                        43,
                        tooLarge,
                        start,
                        SplitType.AB_FIXED,
                        Metric.CLICKS,
                        RewardSource.AUTO,
                        Duration.ofSeconds(10),
                        0);
                CampaignCommand fine = JobEnvironment.launch(
                        42,
                        kiters,
                        start,
                        SplitType.AB_FIXED,
                        Metric.CLICKS,
                        RewardSource.AUTO,
                        Duration.ofSeconds(10),
                        0);
                publish(je.channel, je.queues.name(Queues.CAMPAIGN_COMMANDS), refused.commandId(), Json.write(refused));
                publish(je.channel, je.queues.name(Queues.CAMPAIGN_COMMANDS), fine.commandId(), Json.write(fine));

                Set<Long> released = new HashSet<>();
                List<Long> all = new ArrayList<>();
                AtomicBoolean cut = new AtomicBoolean();
                await().atMost(Duration.ofSeconds(90))
                        .pollInSameThread()
                        .pollDelay(Duration.ZERO)
                        .pollInterval(Duration.ofMillis(20))
                        .until(
                                () -> {
                                    for (GetResponse r;
                                            released.size() < cohort.size()
                                                    && (r = je.channel.basicGet(
                                                                    je.queues.name(Queues.PUSH_OUTBOX), true))
                                                            != null; ) {
                                        OutboxBatch batch = Json.read(
                                                new String(r.getBody(), StandardCharsets.UTF_8), OutboxBatch.class);
                                        assertThat(batch.campaignId)
                                                .as("nothing of the refused campaign goes out")
                                                .isEqualTo(42);
                                        for (long id : batch.userIds) {
                                            all.add(id);
                                            released.add(id);
                                        }
                                        if (cut.compareAndSet(false, true)) {
                                            clickHouseLink
                                                    .cut(); // four seconds without ClickHouse in the middle of the
                                            // campaign
                                            Thread.sleep(4_000);
                                            clickHouseLink.restore();
                                        }
                                    }
                                    return released.size();
                                },
                                greaterThanOrEqualTo(cohort.size()));
                assertThat(cut).isTrue();
                assertThat(released).isEqualTo(cohort);
                Map<String, String> reports = new HashMap<>();
                for (GetResponse r;
                        (r = je.next(je.queues.name(Queues.CAMPAIGN_REPORTS), Duration.ofSeconds(20))) != null
                                && reports.size() < 2; ) {
                    CampaignReport report =
                            Json.read(new String(r.getBody(), StandardCharsets.UTF_8), CampaignReport.class);
                    reports.put(report.campaignId() + " " + report.type(), String.valueOf(report.reason()));
                }
                assertThat(reports).containsKeys("42 COMPLETED", "43 FAILED");
                assertThat(reports.get("43 FAILED")).contains("ClickHouse refused the cohort's query (code 62)");
                // what Flink's own counters hide: no task failed, neither by the refusal nor by the outage
                assertThat(JobEnvironment.exceptionHistory(cluster, je.job.getJobID()))
                        .as("the job's exception history")
                        .isEmpty();
            }
        }
    }

    private static void publish(Channel channel, String queue, String correlationId, String body) throws Exception {
        JobEnvironment.publish(channel, queue, correlationId, body);
    }

    private static CampaignCommand launch(Map<String, Object> filter, Instant now) {
        return JobEnvironment.launch(filter, now, SplitType.AB_FIXED, Duration.ofSeconds(3), 0);
    }

    private static CampaignCommand launch(Map<String, Object> filter, Instant now, SplitType split, Duration window) {
        return JobEnvironment.launch(filter, now, split, window, 0);
    }
}
