package io.pushflow.flink.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pushflow.core.campaign.Metric;
import io.pushflow.core.campaign.RewardSource;
import io.pushflow.core.campaign.SplitType;
import io.pushflow.core.delivery.Reason;
import io.pushflow.core.filter.FilterChain;
import io.pushflow.core.filter.UserPredicate;
import io.pushflow.core.json.Json;
import io.pushflow.core.messaging.Queues;
import io.pushflow.core.user.User;
import io.pushflow.core.user.UserColumns;
import io.pushflow.core.user.UserGenerator;
import io.pushflow.flink.Checkpoints;
import io.pushflow.flink.JobEnvironment;
import io.pushflow.flink.WorkflowEnds;
import io.pushflow.flink.contracts.OutboxBatch;
import io.pushflow.flink.contracts.ProviderNotification;
import io.pushflow.flink.provider.ProviderFactory;
import io.pushflow.flink.rabbit.AmqpMessage;
import io.pushflow.provider.OneSignalFake;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The delivery job's {@link DeliveryJob#defineWorkflow} with in-memory ends: a campaign's rules and two outbox
 * batches read through the job's own schema, the strict OneSignal fake as the provider, and collecting sinks. Each
 * user gets exactly one outcome (sent, held out, or skipped as unsubscribed or with a dead token), the provider gets
 * each reachable user once, and an unreadable batch becomes a dead letter.
 */
class DeliveryWorkflowTest {

    @RegisterExtension
    static final MiniClusterExtension CLUSTER = WorkflowEnds.cluster();

    @Test
    void each_user_of_the_batches_gets_one_outcome_and_the_provider_each_reachable_one_once(@TempDir Path dir)
            throws Exception {
        Instant now = Instant.now();
        Map<String, Object> filter = Map.of(
                "all",
                List.of(Map.of("field", "sports", "op", "has_any", "values", List.of("kitesurfing", "sailing"))));
        List<User> users = new UserGenerator(11, now)
                .users(1, 2_000)
                .filter(UserPredicate.of(FilterChain.parse(filter), now))
                .toList();
        UserColumns page = UserColumns.of(users);
        int[] heldOut =
                IntStream.range(0, users.size()).filter(i -> i % 10 == 0).toArray();
        int[] toA = IntStream.range(0, users.size()).filter(i -> i % 10 != 0).toArray();
        OutboxBatch a = OutboxBatch.of(OutboxBatch.batchId(42, 1, "A", 0), 42, 1, "A", 1, page, toA);
        OutboxBatch holdout = OutboxBatch.of(
                OutboxBatch.batchId(42, 1, OutboxBatch.HOLDOUT, 0), 42, 1, OutboxBatch.HOLDOUT, 1, page, heldOut);
        var launch = JobEnvironment.launch(
                42, filter, now, SplitType.AB_FIXED, Metric.CLICKS, RewardSource.AUTO, Duration.ofMinutes(1), 0.1);
        Queues queues = new Queues("workflow.");

        try (OneSignalFake fake = new OneSignalFake("app", "key");
                WorkflowEnds ends = new WorkflowEnds()) {
            var settings = new DeliveryJob.Settings(
                    queues,
                    null,
                    null,
                    new ProviderFactory.OneSignal(fake.baseUrl().toString(), "app", "key", Duration.ofSeconds(5), 2),
                    2,
                    8,
                    Duration.ofMinutes(1),
                    new Checkpoints(Duration.ofSeconds(1), dir.toUri().toString()),
                    100);
            StreamExecutionEnvironment env = WorkflowEnds.environment(settings.checkpoints());
            var commands = ends.source(
                    env,
                    "commands",
                    new DeliveryEventSchema(DeliveryEventSchema.Kind.COMMANDS, queues.name(Queues.DELIVERY_COMMANDS)),
                    List.of(new WorkflowEnds.Message(launch.commandId(), Json.bytes(launch))));
            var outbox = ends.source(
                    env,
                    "outbox",
                    new DeliveryEventSchema(DeliveryEventSchema.Kind.OUTBOX, queues.name(Queues.PUSH_OUTBOX)),
                    List.of(
                            new WorkflowEnds.Message(a.batchId, Json.bytes(a)),
                            new WorkflowEnds.Message("bad-batch", "{\"v\": 2}".getBytes(StandardCharsets.UTF_8)),
                            new WorkflowEnds.Message(holdout.batchId, Json.bytes(holdout))));
            DeliveryJob.defineWorkflow(
                    outbox.union(commands),
                    settings,
                    ends.collect("messages"),
                    ends.collect("outcomes"),
                    ends.collect("notifications"));
            var job = env.executeAsync("delivery workflow");
            await().atMost(Duration.ofSeconds(90))
                    .until(() -> ends.<Outcomes>collected("outcomes").stream()
                                    .mapToInt(Outcomes::size)
                                    .sum()
                            >= users.size());
            ends.close();
            job.getJobExecutionResult().get();

            Map<Long, String> outcomes = new HashMap<>();
            for (Outcomes o : ends.<Outcomes>collected("outcomes")) {
                for (int i = 0; i < o.size(); i++) {
                    String before = outcomes.put(o.userIds[i], o.outcome(i) + ":" + o.reason(i));
                    assertThat(before)
                            .as("one outcome for user %s", o.userIds[i])
                            .isNull();
                }
            }
            Map<Long, String> expected = new HashMap<>();
            for (int i = 0; i < users.size(); i++) {
                User u = users.get(i);
                expected.put(
                        u.userId(),
                        i % 10 == 0
                                ? "skipped:" + Reason.HOLDOUT
                                : !u.subscribed()
                                        ? "skipped:" + Reason.UNSUBSCRIBED
                                        : !u.tokenValid() ? "skipped:" + Reason.INVALID_TOKEN : "sent:");
            }
            assertThat(outcomes).isEqualTo(expected);
            Map<String, Integer> received = fake.received();
            assertThat(received.values()).as("nobody got the push twice").containsOnly(1);
            assertThat(received.keySet())
                    .isEqualTo(users.stream()
                            .filter(u -> "sent:".equals(expected.get(u.userId())))
                            .map(User::pushToken)
                            .collect(Collectors.toSet()));

            List<ProviderNotification> notifications = ends.collected("notifications");
            assertThat(notifications)
                    .as("a notification per request")
                    .isNotEmpty()
                    .allSatisfy(n -> assertThat(n.variant).isEqualTo("A"));
            assertThat(notifications.stream().mapToInt(n -> n.recipients).sum()).isEqualTo(received.size());
            List<AmqpMessage> dead = ends.<AmqpMessage>collected("messages").stream()
                    .filter(m -> m.error != null)
                    .toList();
            assertThat(dead)
                    .as("the unreadable batch, set aside with its reason")
                    .hasSize(1);
            assertThat(dead.get(0).queue).isEqualTo(queues.dead(Queues.PUSH_OUTBOX));
        }
    }
}
