package io.pushflow.flink.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pushflow.core.campaign.Metric;
import io.pushflow.core.campaign.RewardSource;
import io.pushflow.core.campaign.SplitType;
import io.pushflow.core.filter.FilterChain;
import io.pushflow.core.json.Json;
import io.pushflow.core.messaging.Queues;
import io.pushflow.core.user.User;
import io.pushflow.flink.Checkpoints;
import io.pushflow.flink.JobEnvironment;
import io.pushflow.flink.WorkflowEnds;
import io.pushflow.flink.contracts.OutboxBatch;
import io.pushflow.flink.rabbit.AmqpMessage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dispatch job's {@link DispatchJob#defineWorkflow} with in-memory ends: a launch read through the job's own
 * schema, an audience held in memory, and collecting sinks. Every member of the cohort leaves in exactly one outbox
 * batch, over several waves, with each wave's shares recorded, and an unreadable command becomes a dead letter.
 */
class DispatchWorkflowTest {

    @RegisterExtension
    static final MiniClusterExtension CLUSTER = WorkflowEnds.cluster();

    @Test
    void a_launch_releases_its_cohort_once_in_waves_and_a_bad_command_is_set_aside(@TempDir Path dir) throws Exception {
        Instant now = Instant.now();
        Map<String, Object> filter = Map.of(
                "all",
                List.of(Map.of("field", "sports", "op", "has_any", "values", List.of("kitesurfing", "sailing"))));
        GeneratedAudience audience = new GeneratedAudience(5, 3_000, now.toEpochMilli());
        Set<Long> cohort = audience.matching(FilterChain.parse(filter), now).stream()
                .map(User::userId)
                .collect(Collectors.toSet());
        Queues queues = new Queues("workflow.");
        DispatchJob.Settings settings = new DispatchJob.Settings(
                queues,
                null,
                null,
                Duration.ofMillis(200),
                100_000,
                100,
                new Checkpoints(Duration.ofSeconds(1), dir.toUri().toString()),
                1_000);
        String commands = queues.name(Queues.CAMPAIGN_COMMANDS);
        var launch = JobEnvironment.launch(
                42, filter, now, SplitType.AB_FIXED, Metric.CLICKS, RewardSource.AUTO, Duration.ofSeconds(3), 0.1);

        try (WorkflowEnds ends = new WorkflowEnds()) {
            StreamExecutionEnvironment env = WorkflowEnds.environment(settings.checkpoints());
            DispatchJob.defineWorkflow(
                    ends.source(
                            env,
                            "commands",
                            new DispatchEventSchema(DispatchEventSchema.Kind.COMMANDS, commands),
                            List.of(
                                    new WorkflowEnds.Message("bad-1", "{not json".getBytes(StandardCharsets.UTF_8)),
                                    new WorkflowEnds.Message(launch.commandId(), Json.bytes(launch)))),
                    audience,
                    settings,
                    ends.collect("messages"),
                    ends.collect("allocations"));
            var job = env.executeAsync("dispatch workflow");
            String reports = queues.name(Queues.CAMPAIGN_REPORTS);
            await().atMost(Duration.ofSeconds(90))
                    .until(() ->
                            ends.<AmqpMessage>collected("messages").stream().anyMatch(m -> reports.equals(m.queue)));
            ends.close();
            job.getJobExecutionResult().get();

            List<AmqpMessage> messages = ends.collected("messages");
            String outbox = queues.name(Queues.PUSH_OUTBOX);
            Map<Long, Integer> released = new HashMap<>();
            Set<Long> waves = new HashSet<>();
            Map<String, Integer> byVariant = new HashMap<>();
            for (AmqpMessage m :
                    messages.stream().filter(m -> outbox.equals(m.queue)).toList()) {
                OutboxBatch batch = Json.read(m.body, OutboxBatch.class);
                assertThat(m.correlationId).isEqualTo(batch.batchId);
                waves.add(batch.wave);
                byVariant.merge(batch.variant, batch.userIds.length, Integer::sum);
                for (long id : batch.userIds) {
                    released.merge(id, 1, Integer::sum);
                }
            }
            assertThat(released.keySet())
                    .as("every member of the cohort, and only they")
                    .isEqualTo(cohort);
            assertThat(released.values()).as("each in one batch").containsOnly(1);
            assertThat(waves).as("released in waves").hasSizeGreaterThan(2);
            assertThat(byVariant).containsOnlyKeys("A", "B", OutboxBatch.HOLDOUT);
            assertThat(byVariant.get(OutboxBatch.HOLDOUT))
                    .as("the holdout share of 10%")
                    .isBetween(cohort.size() / 20, cohort.size() / 5);

            List<AmqpMessage> completed =
                    messages.stream().filter(m -> reports.equals(m.queue)).toList();
            assertThat(completed).hasSize(1);
            assertThat(Json.read(completed.get(0).body, Map.class))
                    .containsEntry("type", "COMPLETED")
                    .containsEntry("campaignId", 42);
            List<AmqpMessage> dead =
                    messages.stream().filter(m -> m.error != null).toList();
            assertThat(dead)
                    .as("the unreadable command, set aside with its reason")
                    .hasSize(1);
            assertThat(dead.get(0).queue).isEqualTo(queues.dead(Queues.CAMPAIGN_COMMANDS));

            List<Allocation> allocations = ends.collected("allocations");
            assertThat(allocations).as("each wave's shares").isNotEmpty();
            assertThat(allocations.stream().map(a -> a.wave).collect(Collectors.toSet()))
                    .isEqualTo(waves);
        }
    }
}
