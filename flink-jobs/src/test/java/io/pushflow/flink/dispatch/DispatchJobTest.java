package io.pushflow.flink.dispatch;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import io.pushflow.core.campaign.CampaignCommand;
import io.pushflow.core.campaign.CampaignSnapshot;
import io.pushflow.core.campaign.CampaignStatus;
import io.pushflow.core.campaign.Metric;
import io.pushflow.core.campaign.SplitType;
import io.pushflow.core.filter.FilterChain;
import io.pushflow.core.filter.UserPredicate;
import io.pushflow.core.json.Json;
import io.pushflow.core.messaging.Queues;
import io.pushflow.core.user.User;
import io.pushflow.core.user.UserGenerator;
import io.pushflow.flink.rabbit.ConfirmingRabbitSink;
import io.pushflow.flink.rabbit.RabbitSettings;
import io.pushflow.store.ClickHouse;
import io.pushflow.store.ClickHouseSchema;
import io.pushflow.store.UserStore;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dispatch job on a MiniCluster against the real RabbitMQ and ClickHouse: a LAUNCH on campaign.commands
 * releases the whole cohort on push.outbox inside its window, and a malformed command lands on
 * campaign.commands.dead with the reason instead of failing the job.
 */
class DispatchJobTest {

    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(4).build());

    @Test
    void a_launched_campaign_s_cohort_arrives_on_the_outbox_once() throws Exception {
        String id = Long.toString(ThreadLocalRandom.current().nextLong(1L << 40), 36);
        Queues queues = new Queues("t" + id + ".");
        ClickHouse.Config chConfig = ClickHouse.Config.fromEnvironment().withDatabase("pushflow_t_" + id);
        RabbitSettings rabbit = RabbitSettings.fromEnvironment();
        try (ClickHouse clickHouse = new ClickHouse(chConfig);
             Connection connection = rabbit.connectionFactory().newConnection();
             Channel channel = connection.createChannel()) {
            ClickHouseSchema.apply(clickHouse);
            for (String q : List.of(Queues.CAMPAIGN_COMMANDS, Queues.PUSH_OUTBOX)) {
                channel.queueDeclare(queues.dead(q), true, false, false, null);
                channel.queueDeclare(queues.name(q), true, false, false, queues.arguments(q));
            }
            JobClient job = null;
            try {
                Instant now = Instant.now();
                List<User> users = new UserGenerator(5, now).users(1, 3_000).toList();
                new UserStore(clickHouse).insert(users);
                Map<String, Object> filter = Map.of("all", List.of(Map.of("field", "sports", "op", "has_any",
                        "values", List.of("kitesurfing", "surfing", "sailing"))));
                Set<Long> cohort = users.stream().filter(UserPredicate.of(FilterChain.parse(filter), now)).map(User::userId)
                        .collect(Collectors.toSet());

                var settings = new DispatchJob.Settings(queues, rabbit, chConfig, Duration.ofMillis(300), 100_000, 200,
                        Duration.ofMillis(300), 1_000);
                StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
                env.setParallelism(2);
                DispatchJob.build(env, settings, new ClickHouseAudience(chConfig));
                job = env.executeAsync("dispatch under test");

                publish(channel, queues.name(Queues.CAMPAIGN_COMMANDS), "bad-1", "{\"v\": 1, \"type\": \"LAUNCH\"");
                publish(channel, queues.name(Queues.CAMPAIGN_COMMANDS), "launch-1", Json.write(launch(filter, now)));

                Set<String> batchIds = new HashSet<>();
                List<Long> released = new ArrayList<>();
                Map<String, Integer> perVariant = new HashMap<>();
                long deadline = System.currentTimeMillis() + 60_000;
                while (new HashSet<>(released).size() < cohort.size() && System.currentTimeMillis() < deadline) {
                    GetResponse r = channel.basicGet(queues.name(Queues.PUSH_OUTBOX), true);
                    if (r == null) {
                        Thread.sleep(50);
                        continue;
                    }
                    OutboxBatch batch = Json.read(new String(r.getBody(), StandardCharsets.UTF_8), OutboxBatch.class);
                    assertThat(r.getProps().getCorrelationId()).isEqualTo(batch.batchId);
                    if (batchIds.add(batch.batchId)) {
                        for (OutboxUser u : batch.users) {
                            released.add(u.userId);
                        }
                        perVariant.merge(batch.variant, batch.users.length, Integer::sum);
                    }
                }
                assertThat(released).doesNotHaveDuplicates();
                assertThat(new HashSet<>(released)).isEqualTo(cohort);
                assertThat(perVariant.keySet()).containsExactlyInAnyOrder("A", "B");

                GetResponse dead = null;
                for (int i = 0; i < 100 && dead == null; i++) {
                    dead = channel.basicGet(queues.dead(Queues.CAMPAIGN_COMMANDS), true);
                    if (dead == null) {
                        Thread.sleep(50);
                    }
                }
                assertThat(dead).isNotNull();
                assertThat(dead.getProps().getCorrelationId()).isEqualTo("bad-1");
                assertThat(String.valueOf(dead.getProps().getHeaders().get(ConfirmingRabbitSink.ERROR_HEADER))).contains("malformed JSON");
            } finally {
                if (job != null) {
                    job.cancel().get();
                }
                clickHouse.dropDatabase();
                for (String q : Queues.ALL) {
                    channel.queueDelete(queues.name(q));
                    channel.queueDelete(queues.dead(q));
                }
            }
        }
    }

    private static void publish(Channel channel, String queue, String correlationId, String body) throws Exception {
        channel.basicPublish("", queue, new AMQP.BasicProperties.Builder().correlationId(correlationId).deliveryMode(2).build(),
                body.getBytes(StandardCharsets.UTF_8));
    }

    private static CampaignCommand launch(Map<String, Object> filter, Instant now) {
        var content = new CampaignSnapshot.PushContent("en", Map.of("en", new CampaignSnapshot.LocalizedText("t", "b")), null, null, null);
        var snapshot = new CampaignSnapshot(42, "kiters", "windy-ios", CampaignStatus.RUNNING,
                new CampaignSnapshot.Cohort(1, "kiters", Json.MAPPER.valueToTree(filter)),
                List.of(new CampaignSnapshot.Variant("A", 1, "a", 1, content), new CampaignSnapshot.Variant("B", 2, "b", 1, content)),
                new CampaignSnapshot.Split(SplitType.AB_FIXED, Metric.CLICKS, null, null, null, null), 0,
                now, Duration.ofSeconds(3), null, null, null, "ONESIGNAL");
        return new CampaignCommand(1, "launch-1", CampaignCommand.Type.LAUNCH, 42, 1, now, "test", snapshot);
    }
}
