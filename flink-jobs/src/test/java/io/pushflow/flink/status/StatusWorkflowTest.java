package io.pushflow.flink.status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pushflow.core.campaign.Metric;
import io.pushflow.core.campaign.PushEvent;
import io.pushflow.core.campaign.PushEvents;
import io.pushflow.core.campaign.RewardSource;
import io.pushflow.core.campaign.SplitType;
import io.pushflow.core.json.Json;
import io.pushflow.core.messaging.Queues;
import io.pushflow.flink.Checkpoints;
import io.pushflow.flink.JobEnvironment;
import io.pushflow.flink.WorkflowEnds;
import io.pushflow.flink.provider.ProviderFactory;
import io.pushflow.flink.rabbit.AmqpMessage;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The status job's {@link StatusJob#defineWorkflow} with in-memory ends: a campaign's command and a batch of the
 * app's events read through the job's own schemas, and collecting sinks. A user's second click counts once for the
 * bandit, the app open goes to its own rows, and an event of a campaign the job never heard of becomes a dead letter.
 */
class StatusWorkflowTest {

    @RegisterExtension
    static final MiniClusterExtension CLUSTER = WorkflowEnds.cluster();

    @Test
    void first_clicks_per_variant_reach_the_totals_and_events_of_unknown_campaigns_are_set_aside(@TempDir Path dir)
            throws Exception {
        Instant now = Instant.now();
        var launch = JobEnvironment.launch(
                42,
                Map.of("all", List.of()),
                now,
                SplitType.BANDIT,
                Metric.CLICKS,
                RewardSource.APP,
                Duration.ofMinutes(10),
                0);
        PushEvents events = new PushEvents(
                PushEvents.VERSION,
                "events-1",
                List.of(
                        event("e1", 42, "A", "s1", PushEvent.Type.CLICKED, now),
                        event("e2", 42, "A", "s2", PushEvent.Type.CLICKED, now),
                        event("e3", 42, "A", "s3", PushEvent.Type.CLICKED, now),
                        event("e4", 42, "A", "s1", PushEvent.Type.CLICKED, now.plusSeconds(1)),
                        event("e5", 42, "B", "s4", PushEvent.Type.CLICKED, now),
                        event("e6", 42, "A", "s1", PushEvent.Type.APP_OPENED, now.plusSeconds(2)),
                        event("e7", 99, "A", "s5", PushEvent.Type.CLICKED, now)));
        Queues queues = new Queues("workflow.");
        var settings = new StatusJob.Settings(
                queues,
                null,
                null,
                new ProviderFactory.OneSignal("http://127.0.0.1:1", "app", "key", Duration.ofSeconds(1), 1),
                Duration.ofMillis(500),
                Duration.ofSeconds(2),
                Duration.ofMinutes(10),
                Duration.ofHours(1),
                4,
                Duration.ofMillis(300),
                Duration.ZERO,
                Duration.ZERO,
                Duration.ZERO,
                Duration.ofMillis(500),
                new Checkpoints(Duration.ofSeconds(1), dir.toUri().toString()),
                100);

        try (WorkflowEnds ends = new WorkflowEnds()) {
            StreamExecutionEnvironment env = WorkflowEnds.environment(settings.checkpoints());
            var commands = ends.source(
                    env,
                    "commands",
                    new StatusEventSchema(StatusEventSchema.Kind.COMMANDS, queues.name(Queues.STATUS_COMMANDS)),
                    List.of(new WorkflowEnds.Message(launch.commandId(), Json.bytes(launch))));
            var app = ends.source(
                    env,
                    "events",
                    new StatusEventSchema(StatusEventSchema.Kind.EVENTS, queues.name(Queues.PUSH_EVENTS)),
                    List.of(new WorkflowEnds.Message(events.batchId(), Json.bytes(events))));
            StatusJob.defineWorkflow(
                    commands.union(app),
                    settings,
                    ends.collect("messages"),
                    ends.collect("engagement"),
                    ends.collect("appOpens"),
                    ends.collect("notifications"),
                    ends.collect("totals"));
            var job = env.executeAsync("status workflow");
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> clicked(ends).equals(Map.of("A", 3L, "B", 1L))
                            && ends.<AmqpMessage>collected("messages").stream().anyMatch(m -> m.error != null));
            ends.close();
            job.getJobExecutionResult().get();

            List<EngagementEvent> engagement = ends.collected("engagement");
            assertThat(engagement.stream().map(e -> e.eventId).sorted().toList())
                    .as("the known campaign's push events")
                    .containsExactly("e1", "e2", "e3", "e4", "e5");
            assertThat(ends.<EngagementEvent>collected("appOpens").stream()
                            .map(e -> e.eventId)
                            .toList())
                    .containsExactly("e6");
            List<AmqpMessage> messages = ends.collected("messages");
            List<AmqpMessage> dead =
                    messages.stream().filter(m -> m.error != null).toList();
            assertThat(dead).as("the event of campaign 99").hasSize(1);
            assertThat(dead.get(0).queue).isEqualTo(queues.dead(Queues.PUSH_EVENTS));
            assertThat(dead.get(0).text()).contains("e7");
            assertThat(messages.stream()
                            .filter(m -> queues.name(Queues.BANDIT_FEEDBACK).equals(m.queue))
                            .map(m -> Json.read(m.body, Map.class).get("variant"))
                            .collect(Collectors.toSet()))
                    .as("feedback for both variants")
                    .containsExactlyInAnyOrder("A", "B");
        }
    }

    /** Each variant's newest click total. */
    private static Map<String, Long> clicked(WorkflowEnds ends) {
        return ends.<VariantTotals>collected("totals").stream()
                .collect(Collectors.toMap(
                        t -> t.variant, Function.identity(), (x, y) -> y.atMillis >= x.atMillis ? y : x))
                .values()
                .stream()
                .collect(Collectors.toMap(t -> t.variant, t -> t.clicked));
    }

    private static PushEvent event(
            String id, long campaign, String variant, String subscription, PushEvent.Type type, Instant at) {
        return new PushEvent(PushEvent.VERSION, id, campaign, variant, subscription, type, at);
    }
}
