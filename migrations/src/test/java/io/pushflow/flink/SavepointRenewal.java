package io.pushflow.flink;

import static io.pushflow.flink.SavepointCompatibilityTest.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pushflow.core.campaign.Metric;
import io.pushflow.core.campaign.RewardSource;
import io.pushflow.core.campaign.SendPace;
import io.pushflow.core.campaign.SplitType;
import io.pushflow.core.filter.FilterChain;
import io.pushflow.core.filter.UserPredicate;
import io.pushflow.core.json.Json;
import io.pushflow.core.messaging.Queues;
import io.pushflow.provider.OneSignalFake;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.apache.flink.api.common.JobID;
import org.apache.flink.client.program.ClusterClient;
import org.apache.flink.runtime.util.EnvironmentInformation;
import org.apache.flink.test.junit5.InjectClusterClient;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Writes the savepoints {@link SavepointCompatibilityTest} restores anew from the current jobs (its class comment says
 * how and when). Not a test of the build: its name leaves it out of {@code mvn verify}; run it by name.
 */
class SavepointRenewal {

    @RegisterExtension
    static final MiniClusterExtension CLUSTER = SavepointCompatibilityTest.CLUSTER;

    @Test
    void renew_the_savepoints(@InjectClusterClient ClusterClient<?> client) throws Exception {
        try (JobEnvironment je = new JobEnvironment();
                OneSignalFake fake = new OneSignalFake(APP, KEY)) {
            fake.keepBodies(true);
            long cohort = je.load(SEED, USERS, USERS_AS_OF).stream()
                    .filter(UserPredicate.of(FilterChain.parse(FILTER), USERS_AS_OF))
                    .count();
            Map<String, JobID> jobs = new LinkedHashMap<>();
            for (String job : JOBS) {
                jobs.put(job, UpgradeTest.submit(client, 2, null, build(job, je, fake, "hashmap")));
            }
            je.awaitConsumers(
                    Duration.ofMinutes(2),
                    Queues.CAMPAIGN_COMMANDS,
                    Queues.BANDIT_FEEDBACK,
                    Queues.PUSH_OUTBOX,
                    Queues.DELIVERY_COMMANDS,
                    Queues.DELIVERY_USER_CHANGES,
                    Queues.PUSH_EVENTS,
                    Queues.PUSH_NOTIFICATIONS,
                    Queues.STATUS_COMMANDS);
            je.command(JobEnvironment.launch(
                    CAMPAIGN,
                    FILTER,
                    Instant.now(),
                    SplitType.BANDIT,
                    Metric.CLICKS,
                    RewardSource.AUTO,
                    Duration.ofDays(365 * 20),
                    0,
                    RATE,
                    SendPace.ASAP));
            await().atMost(Duration.ofMinutes(1))
                    .pollInterval(Duration.ofMillis(100))
                    .untilAsserted(() -> assertThat(outcomes(je))
                            .as("outcomes before the savepoints")
                            .isGreaterThanOrEqualTo(cohort * 2 / 5));
            Path written = Files.createDirectories(Path.of("target", "savepoints", je.id))
                    .toAbsolutePath();
            Map<String, String> savepoints = new LinkedHashMap<>();
            savepoints.put("dispatch", stop(client, jobs.get("dispatch"), written));
            // delivery takes every batch dispatch released, status every notification delivery created: the queues hold
            // nothing
            settle(je, Queues.PUSH_OUTBOX);
            savepoints.put("delivery", stop(client, jobs.get("delivery"), written));
            settle(je, Queues.PUSH_NOTIFICATIONS);
            savepoints.put("status", stop(client, jobs.get("status"), written));
            for (String q : List.of(
                    Queues.PUSH_OUTBOX, Queues.PUSH_NOTIFICATIONS, Queues.DELIVERY_COMMANDS, Queues.STATUS_COMMANDS)) {
                assertThat(je.channel.messageCount(je.queues.name(q)))
                        .as("%s after the stops", q)
                        .isZero();
            }
            long before = outcomes(je);
            assertThat(before).as("part of the campaign is out").isBetween(1L, cohort - 1);

            List<Map<String, Object>> rows =
                    je.clickHouse.select("SELECT campaign_id, user_id, variant, wave, batch_id, outcome, reason,"
                            + " notification_id, error, at, rank FROM " + je.clickHouse.table("push_sends")
                            + " ORDER BY user_id, rank");
            for (Map<String, Object> row : rows) { // 64-bit numbers come quoted
                for (String column : List.of("campaign_id", "user_id", "wave", "rank")) {
                    row.put(column, Long.parseLong(String.valueOf(row.get(column))));
                }
            }
            Map<String, List<String>> received = new LinkedHashMap<>();
            for (OneSignalFake.Created c : fake.created()) {
                received.computeIfAbsent(c.idempotencyKey(), k -> new ArrayList<>())
                        .addAll(c.subscriptionIds());
            }
            Fixture fixture = new Fixture(
                    EnvironmentInformation.getVersion(),
                    Instant.now(),
                    SEED,
                    USERS,
                    USERS_AS_OF,
                    CAMPAIGN,
                    rows,
                    received);
            deleteRecursively(SOURCES);
            for (Map.Entry<String, String> e : savepoints.entrySet()) {
                copy(Path.of(URI.create(e.getValue())), SOURCES.resolve(e.getKey()));
            }
            try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(SOURCES.resolve(FIXTURE)))) {
                Json.MAPPER.writeValue(out, fixture);
            }
            System.out.printf(
                    "savepoints renewed: %d of %d members had an outcome, %d rows%n", before, cohort, rows.size());
        }
    }

    /** The job as it runs, against this test's queues, database and provider fake, its state in {@code stateBackend}; short pauses for a test. */
}
