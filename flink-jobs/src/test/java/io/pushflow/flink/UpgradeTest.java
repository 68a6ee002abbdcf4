package io.pushflow.flink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pushflow.core.bandit.BanditFeedback;
import io.pushflow.core.campaign.SplitType;
import io.pushflow.core.filter.FilterChain;
import io.pushflow.core.filter.UserPredicate;
import io.pushflow.core.json.Json;
import io.pushflow.core.messaging.Queues;
import io.pushflow.core.user.User;
import io.pushflow.flink.delivery.DeliveryJob;
import io.pushflow.flink.dispatch.ClickHouseAudience;
import io.pushflow.flink.dispatch.DispatchJob;
import io.pushflow.flink.provider.ProviderFactory;
import io.pushflow.provider.OneSignalFake;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.flink.api.common.JobID;
import org.apache.flink.client.program.ClusterClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.jobgraph.SavepointRestoreSettings;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.test.junit5.InjectClusterClient;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An upgrade in the middle of a campaign: dispatch and delivery are stopped with savepoints while the campaign is
 * partly sent, and started again from them with another parallelism. The campaign finishes with every member's
 * one outcome, nobody sent twice, and the bandit's evidence from before the stop still steering the waves after.
 */
class UpgradeTest {

    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(8)
            .build());

    static final String APP = "upgrade-app";
    static final String KEY = "upgrade-key";

    @Test
    void a_campaign_half_sent_survives_stop_with_savepoint_and_a_restart_with_another_parallelism(
            @InjectClusterClient ClusterClient<?> client) throws Exception {
        try (JobEnvironment je = new JobEnvironment();
                OneSignalFake fake = new OneSignalFake(APP, KEY)) {
            Instant now = Instant.now();
            Map<String, Object> filter = JobEnvironment.WATER_SPORTS;
            List<User> cohort = je.load(31, 4_000, now).stream()
                    .filter(UserPredicate.of(FilterChain.parse(filter), now))
                    .toList();
            Path savepoints = Files.createDirectories(Path.of("target", "savepoints", je.id))
                    .toAbsolutePath();
            var provider = new ProviderFactory.OneSignal(fake.baseUrl().toString(), APP, KEY, Duration.ofSeconds(5), 8);

            DispatchJob.Settings dispatchSettings = dispatchSettings(je);
            DeliveryJob.Settings deliverySettings = deliverySettings(je, provider);
            JobID dispatch = submit(
                    client,
                    2,
                    null,
                    env -> DispatchJob.build(env, dispatchSettings, new ClickHouseAudience(je.chConfig)));
            JobID delivery = submit(client, 2, null, env -> DeliveryJob.build(env, deliverySettings));
            je.awaitConsumers(
                    Duration.ofMinutes(2),
                    Queues.CAMPAIGN_COMMANDS,
                    Queues.PUSH_OUTBOX,
                    Queues.DELIVERY_COMMANDS); // the window starts when they read
            je.command(JobEnvironment.launch(filter, Instant.now(), SplitType.BANDIT, Duration.ofSeconds(20), 0));
            await().atMost(Duration.ofMinutes(1))
                    .pollInterval(Duration.ofMillis(100))
                    .untilAsserted(() -> assertThat(outcomes(je))
                            .as("outcomes before the stop")
                            .isPositive());
            // strong evidence that B is better, in the dispatch job's state before the stop: it must still count after
            // the restore
            JobEnvironment.publish(
                    je.channel,
                    je.queues.name(Queues.BANDIT_FEEDBACK),
                    "fb-a",
                    Json.write(new BanditFeedback(1, "fb-a", 42, "A", 2_000, 20)));
            JobEnvironment.publish(
                    je.channel,
                    je.queues.name(Queues.BANDIT_FEEDBACK),
                    "fb-b",
                    Json.write(new BanditFeedback(1, "fb-b", 42, "B", 2_000, 400)));
            await().atMost(Duration.ofMinutes(1))
                    .pollInterval(Duration.ofMillis(100))
                    .untilAsserted(() -> assertThat(je.clickHouse.selectLong(
                                    "SELECT count() AS n FROM " + je.clickHouse.table("campaign_allocations")
                                            + " WHERE variant = 'B' AND share > 0.8"))
                            .as("waves that give B more than 80%")
                            .isPositive());
            long before = outcomes(je);
            assertThat(before)
                    .as("part of the campaign went out before the stop")
                    .isBetween(1L, cohort.size() - 1L);
            long t0 = System.currentTimeMillis();
            String dispatchSavepoint = client.stopWithSavepoint(
                            dispatch, false, savepoints.toUri().toString(), SavepointFormatType.CANONICAL)
                    .get();
            long t1 = System.currentTimeMillis();
            String deliverySavepoint = client.stopWithSavepoint(
                            delivery, false, savepoints.toUri().toString(), SavepointFormatType.CANONICAL)
                    .get();
            System.out.printf(
                    "upgrade: dispatch stopped in %d ms, delivery in %d ms%n",
                    t1 - t0, System.currentTimeMillis() - t1);
            long lastWaveBefore = je.clickHouse.selectLong(
                    "SELECT max(wave) AS n FROM " + je.clickHouse.table("campaign_allocations"));
            long stoppedAt = System.currentTimeMillis();

            submit(
                    client,
                    1,
                    dispatchSavepoint,
                    env -> DispatchJob.build(env, dispatchSettings, new ClickHouseAudience(je.chConfig)));
            submit(client, 1, deliverySavepoint, env -> DeliveryJob.build(env, deliverySettings));

            await().atMost(Duration.ofSeconds(90))
                    .pollInterval(Duration.ofMillis(200))
                    .untilAsserted(() -> assertThat(outcomes(je))
                            .as("outcomes after the restore")
                            .isGreaterThanOrEqualTo(cohort.size()));
            System.out.printf(
                    "upgrade: %d of %d outcomes before the stop at wave %d; the rest %d ms after it%n",
                    before, cohort.size(), lastWaveBefore, System.currentTimeMillis() - stoppedAt);
            assertThat(je.clickHouse.selectLong("SELECT count() AS n FROM " + je.clickHouse.table("push_sends")
                            + " FINAL WHERE campaign_id = 42"))
                    .as("one outcome row per member")
                    .isEqualTo(cohort.size());
            assertThat(outcomes(je)).isEqualTo(cohort.size());
            assertThat(fake.received().values()).as("nobody got the push twice").allMatch(n -> n == 1);
            List<Map<String, Object>> after =
                    je.clickHouse.select("SELECT variant, share FROM " + je.clickHouse.table("campaign_allocations")
                            + " FINAL WHERE campaign_id = 42 AND wave > " + lastWaveBefore);
            assertThat(after).as("waves after the restore").isNotEmpty();
            assertThat(after)
                    .filteredOn(r -> "B".equals(r.get("variant")))
                    .allSatisfy(r -> assertThat(((Number) r.get("share")).doubleValue())
                            .as("B's share after the restore")
                            .isGreaterThan(0.8));
        }
    }

    private static long outcomes(JobEnvironment je) {
        return je.clickHouse.selectLong(
                "SELECT uniqExact(user_id) AS n FROM " + je.clickHouse.table("push_sends") + " WHERE campaign_id = 42");
    }

    private static DispatchJob.Settings dispatchSettings(JobEnvironment je) throws Exception {
        return new DispatchJob.Settings(
                je.queues,
                je.rabbit,
                je.chConfig,
                Duration.ofMillis(400),
                100_000,
                100,
                je.checkpoints(Duration.ofMillis(300)),
                1_000);
    }

    private static DeliveryJob.Settings deliverySettings(JobEnvironment je, ProviderFactory provider) throws Exception {
        return new DeliveryJob.Settings(
                je.queues,
                je.rabbit,
                je.chConfig,
                provider,
                4,
                16,
                Duration.ofMinutes(2),
                je.checkpoints(Duration.ofMillis(300)),
                200);
    }

    /** Submits a job graph, started from {@code savepoint} when not null (every state must find its operator). */
    static JobID submit(
            ClusterClient<?> client, int parallelism, String savepoint, Consumer<StreamExecutionEnvironment> build)
            throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(parallelism);
        build.accept(env);
        StreamGraph graph = env.getStreamGraph();
        if (savepoint != null) {
            graph.setSavepointRestoreSettings(SavepointRestoreSettings.forPath(savepoint, false));
        }
        return client.submitJob(graph.getJobGraph()).get();
    }
}
