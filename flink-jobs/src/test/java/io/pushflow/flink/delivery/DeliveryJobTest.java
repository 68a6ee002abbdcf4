package io.pushflow.flink.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.GetResponse;
import io.pushflow.core.campaign.CampaignCommand;
import io.pushflow.core.campaign.Metric;
import io.pushflow.core.campaign.Provider;
import io.pushflow.core.campaign.RewardSource;
import io.pushflow.core.campaign.SendPace;
import io.pushflow.core.campaign.SplitType;
import io.pushflow.core.delivery.Reason;
import io.pushflow.core.filter.FilterChain;
import io.pushflow.core.filter.UserPredicate;
import io.pushflow.core.json.Json;
import io.pushflow.core.messaging.Queues;
import io.pushflow.core.user.DeviceTokenKind;
import io.pushflow.core.user.User;
import io.pushflow.core.user.UserChange;
import io.pushflow.flink.JobEnvironment;
import io.pushflow.flink.TcpProxy;
import io.pushflow.flink.dispatch.ClickHouseAudience;
import io.pushflow.flink.dispatch.DispatchJob;
import io.pushflow.flink.provider.ProviderFactory;
import io.pushflow.flink.rabbit.ConfirmingRabbitSink;
import io.pushflow.provider.OneSignalFake;
import io.pushflow.provider.apns.ApnsFake;
import io.pushflow.provider.fcm.FcmFake;
import io.pushflow.simulator.provider.ProviderSimulator;
import io.pushflow.store.CampaignStats;
import io.pushflow.store.ClickHouse;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Dispatch and delivery on one MiniCluster against the real RabbitMQ and ClickHouse and the strict OneSignal
 * fake: a launched campaign's whole cohort ends with exactly one outcome row per user, nobody is sent a push
 * twice, through a forced job failure, provider errors and a few seconds without ClickHouse.
 */
class DeliveryJobTest {

    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(8)
            .build());

    static final String APP = "5eb5a37e-b458-11e3-ac11-000c2940e62c";
    static final String KEY = "test-rest-key";

    /** Fails the job once, after some outcomes, to force a restore from the last checkpoint; one failure per name. */
    static final class FailOnce implements MapFunction<Outcomes, Outcomes> {
        static final Map<String, AtomicBoolean> FAILED = new ConcurrentHashMap<>();
        static final Map<String, AtomicInteger> SEEN = new ConcurrentHashMap<>();
        private final String name;

        FailOnce(String name) {
            this.name = name;
        }

        static boolean failed(String name) {
            return FAILED.computeIfAbsent(name, n -> new AtomicBoolean()).get();
        }

        @Override
        public Outcomes map(Outcomes o) {
            if (SEEN.computeIfAbsent(name, n -> new AtomicInteger()).addAndGet(o.size()) >= 700
                    && FAILED.computeIfAbsent(name, n -> new AtomicBoolean()).compareAndSet(false, true)) {
                throw new IllegalStateException("injected failure");
            }
            return o;
        }
    }

    @Test
    void every_member_of_the_audience_gets_exactly_one_outcome_and_nobody_a_push_twice() throws Exception {
        try (JobEnvironment je = new JobEnvironment();
                OneSignalFake fake = new OneSignalFake(APP, KEY)) {
            Instant now = Instant.now();
            Map<String, Object> filter = JobEnvironment.WATER_SPORTS;
            List<User> users = je.load(9, 4_000, now);
            Map<Long, User> cohort = users.stream()
                    .filter(UserPredicate.of(FilterChain.parse(filter), now))
                    .collect(Collectors.toMap(User::userId, u -> u));
            List<User> reachable = cohort.values().stream()
                    .filter(User::reachable)
                    .sorted(Comparator.comparing(User::userId))
                    .toList();
            String goneAtProvider = reachable.get(5).pushToken();
            fake.unsubscribe(goneAtProvider);
            fake.failNext(503, 429);

            URI ch = URI.create(je.chConfig.url());
            try (TcpProxy clickHouseLink = new TcpProxy(ch.getHost(), ch.getPort())) {
                ClickHouse.Config viaProxy = new ClickHouse.Config(
                        "http://127.0.0.1:" + clickHouseLink.port(),
                        je.chConfig.user(),
                        je.chConfig.password(),
                        je.chConfig.database(),
                        je.chConfig.maxExecutionTime());
                StreamExecutionEnvironment dispatchEnv = StreamExecutionEnvironment.getExecutionEnvironment();
                dispatchEnv.setParallelism(2);
                DispatchJob.build(
                        dispatchEnv,
                        new DispatchJob.Settings(
                                je.queues,
                                je.rabbit,
                                je.chConfig,
                                Duration.ofMillis(250),
                                100_000,
                                150,
                                je.checkpoints(Duration.ofMillis(250)),
                                1_000),
                        new ClickHouseAudience(je.chConfig));
                je.jobs.add(dispatchEnv.executeAsync("dispatch"));

                var settings = new DeliveryJob.Settings(
                        je.queues,
                        je.rabbit,
                        viaProxy,
                        new ProviderFactory.OneSignal(fake.baseUrl().toString(), APP, KEY, Duration.ofSeconds(5), 8),
                        4,
                        16,
                        Duration.ofMinutes(2),
                        je.checkpoints(Duration.ofMillis(300)),
                        200);
                StreamExecutionEnvironment deliveryEnv = StreamExecutionEnvironment.getExecutionEnvironment();
                deliveryEnv.setParallelism(2);
                failingOnce(deliveryEnv, settings, "onesignal");
                je.jobs.add(deliveryEnv.executeAsync("delivery"));

                JobEnvironment.publish(
                        je.channel,
                        je.queues.name(Queues.DELIVERY_USER_CHANGES),
                        "bad-change",
                        "{\"v\":1,\"userId\":0}");
                JobEnvironment.publish(
                        je.channel,
                        je.queues.name(Queues.DELIVERY_USER_CHANGES),
                        "huge-change",
                        "{\"v\":1,\"userId\":5,\"version\":1,\"set\":{\"app\":\"" + "x".repeat(70_000) + "\"}}");
                je.awaitConsumers(
                        Duration.ofMinutes(2),
                        Queues.CAMPAIGN_COMMANDS,
                        Queues.PUSH_OUTBOX,
                        Queues.DELIVERY_COMMANDS); // the window starts when they read
                CampaignCommand launch =
                        JobEnvironment.launch(filter, Instant.now(), SplitType.AB_FIXED, Duration.ofSeconds(6), 0.1);
                je.command(launch);

                AtomicLong rowsAtCut = new AtomicLong(-1);
                await().atMost(Duration.ofMinutes(2))
                        .pollInterval(Duration.ofMillis(100))
                        .untilAsserted(() -> {
                            long rows = je.clickHouse.selectLong("SELECT uniqExact(user_id) AS n FROM "
                                    + je.clickHouse.table("push_sends") + " WHERE campaign_id = 42");
                            if (rowsAtCut.get() < 0 && rows > 0) {
                                rowsAtCut.set(rows);
                                clickHouseLink
                                        .cut(); // a few seconds without ClickHouse, while the campaign keeps going out
                                Thread.sleep(3_000);
                                clickHouseLink.restore();
                            }
                            assertThat(rows).as("members with an outcome").isGreaterThanOrEqualTo(cohort.size());
                        });
                assertThat(rowsAtCut.get())
                        .as("ClickHouse went away in the middle of the campaign")
                        .isBetween(1L, cohort.size() - 1L);
                assertThat(FailOnce.failed("onesignal")).isTrue();
                assertOutcomes(je, fake, cohort, goneAtProvider);
            }
        }
    }

    @Test
    void a_direct_campaign_reaches_every_device_once_through_a_restart_and_its_dead_tokens_are_not_tried_again(
            @TempDir Path dir) throws Exception {
        try (JobEnvironment je = new JobEnvironment();
                ApnsFake apns = new ApnsFake("io.pushflow.test", "TEAM123456");
                FcmFake fcm = new FcmFake("pushflow-test")) {
            Instant now = Instant.now();
            Map<String, Object> filter = JobEnvironment.WATER_SPORTS;
            List<User> users = je.load(19, 4_000, now);
            Map<Long, User> cohort = users.stream()
                    .filter(UserPredicate.of(FilterChain.parse(filter), now))
                    .collect(Collectors.toMap(User::userId, u -> u));
            List<User> direct = cohort.values().stream()
                    .filter(u -> u.subscribed() && u.deviceTokenKind() != DeviceTokenKind.NONE)
                    .sorted(Comparator.comparing(User::userId))
                    .toList();
            User deadApple = direct.stream()
                    .filter(u -> u.deviceTokenKind() == DeviceTokenKind.APNS)
                    .skip(3)
                    .findFirst()
                    .orElseThrow();
            User deadGoogle = direct.stream()
                    .filter(u -> u.deviceTokenKind() == DeviceTokenKind.FCM)
                    .skip(3)
                    .findFirst()
                    .orElseThrow();
            apns.acceptAnyWellFormedToken(true);
            fcm.acceptAnyWellFormedToken(true);
            apns.keepBodies(false);
            fcm.keepBodies(false);
            apns.unregister(Instant.parse("2026-11-01T00:00:00Z"), deadApple.deviceToken());
            fcm.unregister(deadGoogle.deviceToken());
            fcm.failNext(3, FcmFake.Failure.QUOTA_EXCEEDED);
            apns.failNext(3, ApnsFake.Failure.SERVICE_UNAVAILABLE);

            StreamExecutionEnvironment dispatchEnv = StreamExecutionEnvironment.getExecutionEnvironment();
            dispatchEnv.setParallelism(2);
            DispatchJob.build(
                    dispatchEnv,
                    new DispatchJob.Settings(
                            je.queues,
                            je.rabbit,
                            je.chConfig,
                            Duration.ofMillis(250),
                            100_000,
                            150,
                            je.checkpoints(Duration.ofMillis(250)),
                            1_000),
                    new ClickHouseAudience(je.chConfig));
            je.jobs.add(dispatchEnv.executeAsync("dispatch"));
            var settings = new DeliveryJob.Settings(
                            je.queues,
                            je.rabbit,
                            je.chConfig,
                            new ProviderFactory.OneSignal("http://127.0.0.1:1", APP, KEY, Duration.ofSeconds(1), 1),
                            4,
                            16,
                            Duration.ofMinutes(2),
                            je.checkpoints(Duration.ofMillis(300)),
                            200)
                    .withDirect(DirectServices.from(ProviderSimulator.settingsFor(apns, fcm, dir)));
            StreamExecutionEnvironment deliveryEnv = StreamExecutionEnvironment.getExecutionEnvironment();
            deliveryEnv.setParallelism(2);
            failingOnce(deliveryEnv, settings, "direct");
            je.jobs.add(deliveryEnv.executeAsync("delivery"));
            je.awaitConsumers(
                    Duration.ofMinutes(2), Queues.CAMPAIGN_COMMANDS, Queues.PUSH_OUTBOX, Queues.DELIVERY_COMMANDS);

            je.command(JobEnvironment.launch(
                    42,
                    filter,
                    Instant.now(),
                    SplitType.AB_FIXED,
                    Metric.CLICKS,
                    RewardSource.APP,
                    Duration.ofSeconds(6),
                    0,
                    null,
                    SendPace.EVEN,
                    Provider.DIRECT)); // no holdout: the dead tokens must be tried
            Map<Long, Map<String, Object>> outcomes = awaitOutcomes(je, 42, cohort.size());
            assertThat(FailOnce.failed("direct"))
                    .as("the job failed mid-campaign and restored")
                    .isTrue();
            assertThat(outcomes.keySet()).isEqualTo(cohort.keySet());

            Map<String, Integer> reached = new HashMap<>(apns.received());
            reached.putAll(fcm.received());
            assertThat(reached.values()).as("no device got the push twice").allMatch(n -> n == 1);
            Set<Long> sent = outcomes.entrySet().stream()
                    .filter(e -> "sent".equals(e.getValue().get("outcome")))
                    .map(Map.Entry::getKey)
                    .collect(Collectors.toSet());
            Map<String, Long> userOfToken = cohort.values().stream()
                    .filter(u -> !u.deviceToken().isEmpty())
                    .collect(Collectors.toMap(User::deviceToken, User::userId, (a, b) -> a));
            assertThat(reached.keySet().stream()
                            .filter(t -> !sent.contains(userOfToken.get(t)))
                            .map(t -> userOfToken.get(t) + ":" + outcomes.get(userOfToken.get(t)))
                            .toList())
                    .as("devices reached whose users are not recorded sent")
                    .isEmpty();
            assertThat(sent.stream()
                            .filter(id -> !reached.containsKey(cohort.get(id).deviceToken()))
                            .toList())
                    .as("users recorded sent whose device was not reached")
                    .isEmpty();
            for (User u : cohort.values()) {
                Map<String, Object> row = outcomes.get(u.userId());
                String expected = !u.subscribed()
                        ? "skipped:" + Reason.UNSUBSCRIBED
                        : u.deviceTokenKind() == DeviceTokenKind.NONE
                                ? "skipped:" + Reason.NO_DEVICE_TOKEN
                                : u == deadApple || u == deadGoogle ? "skipped:" + Reason.INVALID_TOKEN : "sent:";
                assertThat(row.get("outcome") + ":" + row.get("reason"))
                        .as("user %s (%s)", u.userId(), row.get("error"))
                        .isEqualTo(expected);
            }
            assertThat(outcomes.values().stream()
                            .filter(r -> Reason.NO_DEVICE_TOKEN.equals(r.get("reason")))
                            .count())
                    .as("users without a device token")
                    .isPositive();

            // the dead tokens are forgotten through user.changes, as the admin service applies them to the users table
            Map<Long, Object> forgotten = new HashMap<>();
            long until =
                    System.currentTimeMillis() + 30_000; // they go out with the checkpoints that follow their requests
            for (GetResponse m = je.next(je.queues.name(Queues.USER_CHANGES), Duration.ofSeconds(10));
                    m != null;
                    m = je.next(
                            je.queues.name(Queues.USER_CHANGES),
                            Duration.ofMillis(
                                    forgotten.size() < 2 ? Math.max(1, until - System.currentTimeMillis()) : 2_000))) {
                UserChange change = Json.read(new String(m.getBody(), StandardCharsets.UTF_8), UserChange.class);
                forgotten.put(change.userId(), change.set());
            }
            assertThat(forgotten)
                    .containsOnlyKeys(deadApple.userId(), deadGoogle.userId())
                    .allSatisfy((id, set) -> assertThat(set).isEqualTo(Map.of("device_token_kind", "none")));

            // what each service took, as the statistics read it (the notifications sink flushes on its own schedule)
            CampaignStats stats = new CampaignStats(je.clickHouse);
            CampaignStats.Spec spec =
                    new CampaignStats.Spec(42, List.of("A", "B"), cohort.size(), Metric.CLICKS, RewardSource.APP);
            List<String> expectedProviders = List.of(
                    "apns:" + apns.received().size() + ":1",
                    "fcm:" + fcm.received().size() + ":1");
            await().atMost(Duration.ofSeconds(20))
                    .pollInterval(Duration.ofMillis(200))
                    .untilAsserted(
                            () -> assertThat(stats.of(spec, Instant.now()).providers())
                                    .extracting(p -> p.provider() + ":" + p.delivered() + ":" + p.invalid())
                                    .as("per service: accepted and dead tokens")
                                    .isEqualTo(expectedProviders));
            CampaignStats.Campaign seen = stats.of(spec, Instant.now());
            assertThat(seen.variants().stream()
                            .mapToLong(CampaignStats.Variant::delivered)
                            .sum())
                    .as("delivered: what the services accepted")
                    .isEqualTo(sent.size());

            // the next direct campaign to the same users: the dead tokens are not tried again, nobody else is reached
            // twice
            je.command(JobEnvironment.launch(
                    43,
                    filter,
                    Instant.now(),
                    SplitType.AB_FIXED,
                    Metric.CLICKS,
                    RewardSource.APP,
                    Duration.ofSeconds(4),
                    0,
                    null,
                    SendPace.EVEN,
                    Provider.DIRECT));
            Map<Long, Map<String, Object>> next = awaitOutcomes(je, 43, cohort.size());
            assertThat(next.get(deadApple.userId()).get("reason")).isEqualTo(Reason.NO_DEVICE_TOKEN);
            assertThat(next.get(deadGoogle.userId()).get("reason")).isEqualTo(Reason.NO_DEVICE_TOKEN);
            assertThat(apns.refusals()).containsEntry("Unregistered", 1);
            assertThat(fcm.refusals()).containsEntry("UNREGISTERED", 1);
            assertThat(apns.received().values()).allMatch(n -> n <= 2);
        }
    }

    /** The job's own ends around its workflow, with a failure injected once before the outcome sink. */
    private static void failingOnce(StreamExecutionEnvironment env, DeliveryJob.Settings settings, String name) {
        settings.checkpoints().apply(env);
        DeliveryJob.defineWorkflow(
                DeliveryJob.sources(env, settings),
                settings,
                DeliveryJob.messageSink(settings),
                out -> DeliveryJob.outcomeSink(settings)
                        .accept(out.map(new FailOnce(name)).uid("fail-once")),
                DeliveryJob.notificationSink(settings));
    }

    private static Map<Long, Map<String, Object>> awaitOutcomes(JobEnvironment je, long campaign, int members)
            throws Exception {
        String table = je.clickHouse.table("push_sends");
        await().atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofMillis(200))
                .untilAsserted(() -> assertThat(je.clickHouse.selectLong(
                                "SELECT uniqExact(user_id) AS n FROM " + table + " WHERE campaign_id = " + campaign))
                        .as("members of campaign %d with an outcome", campaign)
                        .isGreaterThanOrEqualTo(members));
        Map<Long, Map<String, Object>> outcomes = new HashMap<>();
        for (Map<String, Object> row : je.clickHouse.select("SELECT user_id, outcome, reason, error, variant FROM "
                + table + " FINAL WHERE campaign_id = " + campaign)) {
            Object before = outcomes.put(Long.parseLong(String.valueOf(row.get("user_id"))), row);
            assertThat(before).as("one row per user").isNull();
        }
        return outcomes;
    }

    private static void assertOutcomes(
            JobEnvironment je, OneSignalFake fake, Map<Long, User> cohort, String goneAtProvider) throws Exception {
        String table = je.clickHouse.table("push_sends");
        Map<Long, Map<String, Object>> outcomes = new HashMap<>();
        for (Map<String, Object> row : je.clickHouse.select(
                "SELECT user_id, outcome, reason, error, variant FROM " + table + " FINAL WHERE campaign_id = 42")) {
            Object before = outcomes.put(Long.parseLong(String.valueOf(row.get("user_id"))), row);
            assertThat(before).as("one row per user").isNull();
        }
        assertThat(outcomes.keySet()).isEqualTo(cohort.keySet());

        Map<String, Integer> received = fake.received();
        assertThat(received.values()).as("nobody got the push twice").allMatch(n -> n == 1);
        Set<Long> sent = outcomes.entrySet().stream()
                .filter(e -> "sent".equals(e.getValue().get("outcome")))
                .map(Map.Entry::getKey)
                .collect(Collectors.toSet());
        assertThat(sent).isNotEmpty();
        assertThat(received.keySet())
                .isEqualTo(sent.stream().map(id -> cohort.get(id).pushToken()).collect(Collectors.toSet()));

        for (User u : cohort.values()) {
            Map<String, Object> row = outcomes.get(u.userId());
            if ("holdout".equals(row.get("variant"))) {
                assertThat(row.get("reason")).isEqualTo(Reason.HOLDOUT);
            } else if (!u.subscribed()) {
                assertThat(row.get("reason")).isEqualTo(Reason.UNSUBSCRIBED);
            } else if (!u.tokenValid() || u.pushToken().equals(goneAtProvider)) {
                assertThat(row.get("reason")).as("user %s", u.userId()).isEqualTo(Reason.INVALID_TOKEN);
            } else {
                assertThat(row.get("outcome")).as("user %s", u.userId()).isEqualTo("sent");
            }
        }
        assertThat(outcomes.values().stream()
                        .filter(r -> "holdout".equals(r.get("variant")))
                        .count())
                .isPositive();

        GetResponse invalidated = je.next(je.queues.name(Queues.USER_CHANGES), Duration.ofSeconds(10));
        assertThat(invalidated)
                .as("the provider's invalid id reaches user.changes")
                .isNotNull();
        UserChange change = Json.read(new String(invalidated.getBody(), StandardCharsets.UTF_8), UserChange.class);
        assertThat(cohort.get(change.userId()).pushToken()).isEqualTo(goneAtProvider);
        assertThat(change.set()).containsEntry("token_valid", false);

        List<String> reasons = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            GetResponse dead = je.next(je.queues.dead(Queues.DELIVERY_USER_CHANGES), Duration.ofSeconds(10));
            assertThat(dead).as("dead letter %d", i).isNotNull();
            reasons.add(String.valueOf(dead.getProps().getHeaders().get(ConfirmingRabbitSink.ERROR_HEADER)));
        }
        assertThat(reasons)
                .anySatisfy(r -> assertThat(r).contains("user id"))
                .anySatisfy(r -> assertThat(r).contains("over this queue's limit of " + (64 << 10)));

        await().atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(100))
                .untilAsserted(
                        () -> // the notifications sink flushes on its own schedule
                        assertThat(je.clickHouse.selectLong("SELECT sum(recipients) AS n FROM "
                                        + je.clickHouse.table("provider_notifications")
                                        + " FINAL WHERE campaign_id = 42"))
                                .as("the provider's notifications, with their recipients")
                                .isEqualTo(sent.size()));
    }
}
