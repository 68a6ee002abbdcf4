package io.pushflow.flink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.GetResponse;
import io.pushflow.core.bandit.BanditFeedback;
import io.pushflow.core.campaign.Metric;
import io.pushflow.core.campaign.PushEvent;
import io.pushflow.core.campaign.PushEvents;
import io.pushflow.core.campaign.RewardSource;
import io.pushflow.core.campaign.SendPace;
import io.pushflow.core.campaign.SplitType;
import io.pushflow.core.filter.FilterChain;
import io.pushflow.core.filter.UserPredicate;
import io.pushflow.core.fuzz.FuzzTally;
import io.pushflow.core.fuzz.HostileInput;
import io.pushflow.core.json.Json;
import io.pushflow.core.messaging.Queues;
import io.pushflow.core.user.User;
import io.pushflow.flink.contracts.OutboxBatch;
import io.pushflow.flink.rabbit.ConfirmingRabbitSink;
import io.pushflow.simulator.provider.ProviderSimulator;
import io.pushflow.simulator.provider.SimulatorConfig;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.flink.api.common.JobID;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Generated hostile messages (raw bytes: truncated, binary, wrong types, huge, wrong versions, unknown ids, no
 * correlation id) on every queue the three jobs read, on one MiniCluster against the real services, while one valid
 * campaign runs. Every message that cannot be read must land in its {@code .dead} queue with the reason, none may be
 * left behind, no task may fail (Flink's exception history, which counts region failovers that numRestarts does
 * not), and the campaign must end with exactly one outcome per member. {@code -Dfuzz.count} messages per queue (100
 * in CI; {@code bin/pushflow bench fuzz} sends 1,000), the tally to {@code -Dfuzz.out}.
 */
class JobsFuzzTest {

    static final int COUNT = Integer.getInteger("fuzz.count", 100);
    static final long SEED = Long.getLong("fuzz.seed", 17);
    /** A campaign nobody launched: what parses still refers to nothing. */
    static final long UNKNOWN = 900_000_001L;
    /** The key of a dead letter without a correlation id (its message had none). */
    static final String ANONYMOUS = "(none) ";

    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(8)
            .build());

    /** One queue a job reads, a valid message to spoil, the contract versions its job reads (empty: it has none). */
    record Target(String queue, Map<String, Object> valid, List<Integer> versions, int job) {}

    /** A published message: whether it can possibly be read. */
    record Sent(String correlationId, boolean unreadable, String start) {}

    @Test
    void bad_messages_on_every_queue_are_dead_lettered_with_a_reason_no_task_fails_and_a_valid_campaign_completes(
            @InjectMiniCluster MiniCluster cluster) throws Exception {
        FuzzTally tally = new FuzzTally();
        HostileInput in = new HostileInput(SEED);
        try (JobEnvironment je = new JobEnvironment()) {
            Instant now = Instant.now();
            List<User> users = je.load(31, 2_000, now);
            Set<Long> cohort = new HashSet<>();
            users.stream()
                    .filter(UserPredicate.of(FilterChain.parse(PipelineTest.FILTER), now))
                    .forEach(u -> cohort.add(u.userId()));
            var config = new SimulatorConfig(
                    3, 300, 400, 300, 0.02, 0, 0, new SimulatorConfig.Engagement(0.2, 0.05), List.of());
            try (ProviderSimulator sim = new ProviderSimulator(
                    config,
                    PipelineTest.APP,
                    PipelineTest.KEY,
                    new InetSocketAddress("127.0.0.1", 0),
                    je.rabbit.connectionFactory(),
                    je.queues)) {
                Instant start = PipelineTest.startJobs(je, sim);
                je.command(JobEnvironment.launch(
                        42,
                        PipelineTest.FILTER,
                        start,
                        SplitType.AB_FIXED,
                        Metric.CLICKS,
                        RewardSource.AUTO,
                        Duration.ofSeconds(10),
                        0.1,
                        null,
                        SendPace.EVEN));

                Map<String, List<Sent>> sent = new LinkedHashMap<>();
                long fuzzStart = System.nanoTime();
                for (Target t : targets(users, start)) {
                    List<Sent> mine = new ArrayList<>();
                    for (int i = 0; i < COUNT; i++) {
                        mine.add(publish(je, in, t, i));
                    }
                    sent.put(t.queue(), mine);
                    tally.surface("queue " + t.queue()).inputs = COUNT;
                }
                System.out.printf(
                        "published %d hostile messages in %d ms%n",
                        sent.size() * COUNT, (System.nanoTime() - fuzzStart) / 1_000_000);

                // the valid campaign: every member exactly one outcome
                AtomicReference<Map<String, Object>> counted = new AtomicReference<>(Map.of());
                try {
                    await().atMost(Duration.ofMinutes(3))
                            .pollInSameThread()
                            .pollDelay(Duration.ZERO)
                            .pollInterval(Duration.ofMillis(500))
                            .until(() -> {
                                counted.set(je.clickHouse
                                        .select("SELECT count() AS rows, uniqExact(user_id) AS users FROM "
                                                + je.clickHouse.table("push_sends") + " FINAL WHERE campaign_id = 42")
                                        .get(0));
                                return Long.parseLong(
                                                String.valueOf(counted.get().get("users")))
                                        >= cohort.size();
                            });
                } catch (ConditionTimeoutException missing) {
                    // the fuzz report comes first; the assertions on the outcomes after it say who has none
                }
                Map<String, Object> outcomes = counted.get();
                Set<Long> outcomeUsers = new HashSet<>();
                for (Map<String, Object> r : je.clickHouse.select(
                        "SELECT user_id FROM " + je.clickHouse.table("push_sends") + " FINAL WHERE campaign_id = 42")) {
                    outcomeUsers.add(Long.parseLong(String.valueOf(r.get("user_id"))));
                }

                // every unreadable message dead-lettered with a reason, nothing left behind
                List<String> problems = new ArrayList<>();
                JobID[] jobs = je.jobs.stream().map(j -> j.getJobID()).toArray(JobID[]::new);
                long[] failures = new long[jobs.length];
                for (int j = 0; j < jobs.length; j++) {
                    List<Object> history = JobEnvironment.exceptionHistory(cluster, jobs[j]);
                    failures[j] = history.size();
                    if (!history.isEmpty()) {
                        problems.add("job " + je.jobs.get(j).getJobID() + " failed tasks: "
                                + abbreviated(Json.write(history.get(0))));
                    }
                }
                for (Target t : targets(users, start)) {
                    FuzzTally.Surface s = tally.surface("queue " + t.queue());
                    Map<String, String> dead = deadLetters(je, t.queue(), sent.get(t.queue()), Duration.ofMinutes(1));
                    s.taskFailures = failures[t.job()];
                    for (Sent m : sent.get(t.queue())) {
                        if (m.correlationId() == null) {
                            continue;
                        }
                        String reason = dead.get(m.correlationId());
                        if (reason != null) {
                            s.deadLettered++;
                            if (reason.isBlank()) {
                                problems.add(t.queue() + ": dead letter " + m.correlationId() + " without a reason");
                            }
                        } else if (m.unreadable()) {
                            problems.add(t.queue() + ": unreadable message " + m.correlationId()
                                    + " not dead-lettered: " + m.start());
                        } else {
                            s.accepted++;
                        }
                    }
                    long anonymous = sent.get(t.queue()).stream()
                            .filter(m -> m.correlationId() == null)
                            .count();
                    long anonymousDead = dead.keySet().stream()
                            .filter(k -> k.startsWith(ANONYMOUS))
                            .count();
                    s.deadLettered += anonymousDead;
                    if (anonymousDead != anonymous) {
                        problems.add(t.queue() + ": " + anonymous + " messages without a correlation id, "
                                + anonymousDead + " dead-lettered");
                    }
                    s.stuck = waitEmpty(je, t.queue());
                    if (s.stuck > 0) {
                        problems.add(t.queue() + ": " + s.stuck + " messages never consumed");
                    }
                }
                tally.print();
                tally.write("jobs");
                assertThat(problems).as("what the fuzz found").isEmpty();
                assertThat(outcomeUsers)
                        .as("campaign 42's members with an outcome")
                        .isEqualTo(cohort);
                assertThat(Long.parseLong(String.valueOf(outcomes.get("rows"))))
                        .as("outcome rows")
                        .isEqualTo(cohort.size());
                assertThat(sim.ledger().get("duplicates")).isEqualTo(0L);
            }
        }
    }

    /** Every queue the jobs read, each with a valid message of its contract about things nobody has. */
    private static List<Target> targets(List<User> users, Instant now) {
        Map<String, Object> nobody = Map.of("all", List.of(Map.of("field", "app", "op", "eq", "value", "fuzz-nobody")));
        Map<String, Object> command = asMap(JobEnvironment.launch(
                UNKNOWN, nobody, now, SplitType.AB_FIXED, Metric.CLICKS, RewardSource.AUTO, Duration.ofSeconds(1), 0));
        Map<String, Object> batch =
                asMap(OutboxBatch.of(OutboxBatch.batchId(UNKNOWN, 1, "A", 0), UNKNOWN, 1, "A", 1, users.subList(0, 1)));
        Map<String, Object> change =
                Map.of("v", 1, "userId", 8_000_000_001L, "version", 5, "set", Map.of("subscribed", false));
        Map<String, Object> events = asMap(new PushEvents(
                PushEvents.VERSION,
                "b",
                List.of(new PushEvent(PushEvent.VERSION, "e-1", UNKNOWN, "A", "sub-1", PushEvent.Type.CLICKED, now))));
        Map<String, Object> notification = Map.of(
                "notificationId",
                "fuzz-n",
                "campaignId",
                UNKNOWN,
                "variant",
                "A",
                "requestId",
                "r",
                "recipients",
                1,
                "sentAtMillis",
                now.toEpochMilli());
        Map<String, Object> feedback = asMap(new BanditFeedback(BanditFeedback.VERSION, "f", UNKNOWN, "A", 10, 1));
        return List.of(
                new Target(Queues.CAMPAIGN_COMMANDS, command, List.of(1), 0),
                new Target(Queues.BANDIT_FEEDBACK, feedback, List.of(BanditFeedback.VERSION), 0),
                new Target(Queues.PUSH_OUTBOX, batch, List.of(1, OutboxBatch.VERSION), 1),
                new Target(Queues.DELIVERY_COMMANDS, command, List.of(1), 1),
                new Target(Queues.DELIVERY_USER_CHANGES, change, List.of(1), 1),
                new Target(Queues.PUSH_EVENTS, events, List.of(PushEvents.VERSION), 2),
                new Target(Queues.PUSH_NOTIFICATIONS, notification, List.of(), 2),
                new Target(Queues.STATUS_COMMANDS, command, List.of(1), 2));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asMap(Object value) {
        return Json.MAPPER.convertValue(value, Map.class);
    }

    private static Sent publish(JobEnvironment je, HostileInput in, Target t, int i) throws Exception {
        byte[] body = switch (in.below(4)) {
            case 0 -> Json.write(in.spoiled(t.valid())).getBytes(StandardCharsets.UTF_8);
            case 1 -> {
                Map<String, Object> m = new LinkedHashMap<>(t.valid());
                m.put("v", in.pick(List.of(0, 3, 99, -1, "one", List.of(1))));
                yield Json.write(m).getBytes(StandardCharsets.UTF_8);
            }
            case 2 -> Json.write(in.draw(in.value())).getBytes(StandardCharsets.UTF_8);
            default -> in.rawBytes(Json.write(t.valid()).getBytes(StandardCharsets.UTF_8));
        };
        String id = in.below(20) == 0 ? null : "fuzz-" + t.queue() + "-" + i;
        je.channel.basicPublish(
                "",
                je.queues.name(t.queue()),
                new AMQP.BasicProperties.Builder()
                        .correlationId(id)
                        .deliveryMode(2)
                        .build(),
                body);
        return new Sent(
                id,
                id == null || unreadable(body, t.versions()),
                new String(body, 0, Math.min(body.length, 300), StandardCharsets.UTF_8));
    }

    /** True when no reader could take the bytes: not a JSON object, or of none of the contract versions the job reads. */
    private static boolean unreadable(byte[] body, List<Integer> versions) {
        Map<?, ?> m;
        try {
            // as the jobs read it: bytes that are no UTF-8 become replacement characters
            m = Json.read(new String(body, StandardCharsets.UTF_8), Map.class);
        } catch (RuntimeException e) {
            return true;
        }
        if (m == null) {
            return true;
        }
        if (versions.isEmpty()) {
            return false;
        }
        // an outbox batch is a POJO whose v defaults to the current version; the other contracts are records (a missing
        // v is 0)
        Object v = m.containsKey("v") || versions.size() == 1 ? m.get("v") : versions.get(versions.size() - 1);
        return versions.stream()
                .noneMatch(version -> v instanceof Number n && n.doubleValue() == version
                        || v instanceof String s && s.trim().equals(version.toString()));
    }

    /**
     * The dead letters of a queue by correlation id, with their reasons: read until every unreadable message sent has one
     * and the queue has been quiet for two seconds (readable messages a job rejects arrive too), or the timeout passed.
     */
    private static Map<String, String> deadLetters(JobEnvironment je, String queue, List<Sent> sent, Duration timeout) {
        Map<String, String> dead = new LinkedHashMap<>();
        Set<String> awaited = new HashSet<>();
        sent.stream()
                .filter(m -> m.unreadable() && m.correlationId() != null)
                .forEach(m -> awaited.add(m.correlationId()));
        long anonymous = sent.stream().filter(m -> m.correlationId() == null).count();
        try {
            await().atMost(timeout)
                    .pollInSameThread()
                    .pollDelay(Duration.ZERO)
                    .pollInterval(Duration.ofMillis(100))
                    .during(Duration.ofSeconds(2))
                    .until(() -> {
                        boolean quiet = true;
                        for (GetResponse r; (r = je.channel.basicGet(je.queues.dead(queue), true)) != null; ) {
                            quiet = false;
                            Map<String, Object> headers = r.getProps().getHeaders();
                            Object reason = headers == null ? null : headers.get(ConfirmingRabbitSink.ERROR_HEADER);
                            String id = r.getProps().getCorrelationId();
                            dead.put(
                                    id == null ? ANONYMOUS + r.getEnvelope().getDeliveryTag() : id,
                                    reason == null ? "" : reason.toString());
                        }
                        boolean all = dead.keySet().containsAll(awaited)
                                && dead.keySet().stream()
                                                .filter(k -> k.startsWith(ANONYMOUS))
                                                .count()
                                        >= anonymous;
                        return quiet && all && je.channel.messageCount(je.queues.name(queue)) == 0;
                    });
        } catch (ConditionTimeoutException incomplete) {
            // the caller tallies what is missing
        }
        return dead;
    }

    /** The messages left on a queue once it is empty, or after 30 s. */
    private static long waitEmpty(JobEnvironment je, String queue) throws Exception {
        try {
            await().atMost(Duration.ofSeconds(30))
                    .pollInSameThread()
                    .pollDelay(Duration.ZERO)
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> je.channel.messageCount(je.queues.name(queue)) == 0);
        } catch (ConditionTimeoutException stuck) {
            // the caller tallies them
        }
        return je.channel.messageCount(je.queues.name(queue));
    }

    private static String abbreviated(String s) {
        return s.length() <= 2_000 ? s : s.substring(0, 2_000) + "…";
    }
}
