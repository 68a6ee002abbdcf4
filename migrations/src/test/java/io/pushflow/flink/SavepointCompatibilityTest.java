package io.pushflow.flink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pushflow.core.filter.FilterChain;
import io.pushflow.core.filter.UserPredicate;
import io.pushflow.core.json.Json;
import io.pushflow.core.user.User;
import io.pushflow.flink.delivery.DeliveryJob;
import io.pushflow.flink.dispatch.ClickHouseAudience;
import io.pushflow.flink.dispatch.DispatchJob;
import io.pushflow.flink.provider.ProviderFactory;
import io.pushflow.flink.status.StatusJob;
import io.pushflow.migration.SavepointFiles;
import io.pushflow.migration.SavepointMigration;
import io.pushflow.provider.OneSignalFake;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.client.program.ClusterClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.InjectClusterClient;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Savepoints of the three jobs taken in the middle of a campaign by an earlier version (test resources under
 * {@code savepoints/}, Flink's canonical format) restore into the current jobs, which finish the campaign: every
 * member exactly one outcome, nobody a second push. They go through {@link SavepointMigration} first, as an operator's
 * savepoints do on an upgrade: the committed ones are of savepoint format 1 (before the contracts package), which the
 * jobs restore only migrated. A change that breaks the restore must add its step to {@link SavepointMigration}.
 *
 * <p>Renewing them (run once, with the services up; rewrites {@code src/test/resources/savepoints}; then
 * {@code SavepointMigrationTest}'s format-1 expectations need a kept copy of the format-1 savepoints):
 * {@code mvn -B -pl migrations -am test -Dtest=SavepointRenewal -Dsurefire.failIfNoSpecifiedTests=false}
 * ({@link SavepointRenewal}: named so that the build's own test run leaves it out). It runs the three jobs on a campaign of
 * {@value #USERS} users sent at {@value #RATE} a second, stops dispatch with a savepoint part of the way, lets
 * delivery take every batch dispatch released and stops it, lets status poll what delivery created and stops it,
 * and keeps what the outside world holds at that point: the outcome rows in ClickHouse and which subscriptions the
 * provider received under which idempotency key. The queues are empty when each job stops, so the savepoints with
 * those two are the whole campaign (the bandit feedback status sends after dispatch stopped is all that is left
 * out). The campaign's window is 20 years, so the restore finds it running whenever it runs.
 */
class SavepointCompatibilityTest {

    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(8)
            .build());

    static final String APP = "savepoint-app";
    static final String KEY = "savepoint-key";
    static final long SEED = 43;
    static final int USERS = 2_000;
    static final int RATE = 150;
    static final Instant USERS_AS_OF = Instant.parse("2026-12-01T00:00:00Z");
    static final long CAMPAIGN = 42;
    static final List<String> JOBS = List.of("dispatch", "delivery", "status");
    static final Map<String, Object> FILTER = Map.of(
            "all",
            List.of(Map.of(
                    "field",
                    "sports",
                    "op",
                    "has_any",
                    "values",
                    List.of("kitesurfing", "surfing", "sailing", "fishing", "windsurfing", "skiing"))));
    static final Path SOURCES = Path.of("src", "test", "resources", "savepoints");
    static final String FIXTURE = "campaign.json.gz";

    /** What the outside world held when the savepoints were taken. */
    record Fixture(
            String flinkVersion,
            Instant takenAt,
            long seed,
            int users,
            Instant usersAsOf,
            long campaignId,
            List<Map<String, Object>> pushSends,
            Map<String, List<String>> providerReceived) {}

    @Test
    void savepoints_of_an_earlier_version_taken_mid_campaign_restore_and_the_campaign_finishes_with_nobody_twice(
            @InjectClusterClient ClusterClient<?> client) throws Exception {
        Path resources = Path.of(getClass()
                        .getClassLoader()
                        .getResource("savepoints/" + FIXTURE)
                        .toURI())
                .getParent();
        Fixture fixture;
        try (InputStream in = new GZIPInputStream(Files.newInputStream(resources.resolve(FIXTURE)))) {
            fixture = Json.MAPPER.readValue(in, Fixture.class);
        }
        try (JobEnvironment je = new JobEnvironment();
                OneSignalFake fake = new OneSignalFake(APP, KEY)) {
            fake.keepBodies(true);
            Set<Long> cohort = je.load(fixture.seed(), fixture.users(), fixture.usersAsOf()).stream()
                    .filter(UserPredicate.of(FilterChain.parse(FILTER), fixture.usersAsOf()))
                    .map(User::userId)
                    .collect(Collectors.toSet());
            insertRows(je, fixture.pushSends());
            long before = outcomes(je);
            assertThat(before).as("outcomes before the savepoints").isBetween(1L, cohort.size() - 1L);
            // somewhere else than where they were written (the canonical format is relocatable), into RocksDB, the
            // jobs' default
            // state backend (they were written from the heap: the canonical format is the same for both)
            Path copies = Files.createDirectories(Path.of("target", "savepoints", je.id))
                    .toAbsolutePath();
            List<JobID> jobs = new ArrayList<>();
            for (String job : JOBS) {
                Path taken = resources.resolve(job);
                if (job.equals("delivery")) {
                    // as a larger savepoint holds it: the keyed state in files of its own, not inline in _metadata
                    taken = copies.resolve("delivery-taken");
                    SavepointMigration.migrate(resources.resolve(job), taken, List.of());
                    SavepointFiles.externalize(taken);
                }
                // as an operator upgrades: the savepoint migrated to this version's stored types, then restored
                SavepointMigration.migrate(taken, copies.resolve(job), SavepointMigration.ALL);
                jobs.add(UpgradeTest.submit(
                        client, 2, copies.resolve(job).toUri().toString(), build(job, je, fake, "rocksdb")));
            }
            try {
                await().atMost(Duration.ofMinutes(2))
                        .pollInterval(Duration.ofMillis(200))
                        .failFast(() -> assertRunning(client, jobs))
                        .untilAsserted(() -> assertThat(outcomes(je))
                                .as("outcomes after the restore")
                                .isGreaterThanOrEqualTo(cohort.size()));
                System.out.printf(
                        "savepoints of Flink %s taken %s: %d of %d outcomes before them, %d after the restore%n",
                        fixture.flinkVersion(), fixture.takenAt(), before, cohort.size(), outcomes(je));
                List<Map<String, Object>> rows = je.clickHouse.select("SELECT user_id, outcome FROM "
                        + je.clickHouse.table("push_sends") + " FINAL WHERE campaign_id = " + fixture.campaignId());
                assertThat(rows.stream()
                                .map(r -> Long.parseLong(String.valueOf(r.get("user_id"))))
                                .collect(Collectors.toSet()))
                        .as("one outcome row per member")
                        .isEqualTo(cohort);
                assertThat(rows).hasSize(cohort.size());
                assertThat(rows.size()).as("outcomes after the restore").isGreaterThan((int) before);
                assertThat(fake.received().values())
                        .as("nobody got the push twice after the restore")
                        .allMatch(n -> n == 1);
                Map<String, Set<String>> keys = new HashMap<>();
                fixture.providerReceived()
                        .forEach((key, ids) -> ids.forEach(id ->
                                keys.computeIfAbsent(id, i -> new HashSet<>()).add(key)));
                for (OneSignalFake.Created c : fake.created()) {
                    c.subscriptionIds()
                            .forEach(id -> keys.computeIfAbsent(id, i -> new HashSet<>())
                                    .add(c.idempotencyKey()));
                }
                assertThat(keys)
                        .as("every subscription reached under one idempotency key, before and after the restore")
                        .allSatisfy((id, k) -> assertThat(k).as(id).hasSize(1));
                assertRunning(client, jobs);
                assertThat(je.clickHouse.selectLong(
                                "SELECT count() AS n FROM " + je.clickHouse.table("campaign_allocations")
                                        + " WHERE campaign_id = " + fixture.campaignId()))
                        .as("waves after the restore")
                        .isPositive();
            } finally {
                for (JobID job : jobs) {
                    if (!client.getJobStatus(job).get().isGloballyTerminalState()) {
                        client.cancel(job).get();
                    }
                }
                // the cancel is only requested: the database and queues go when the jobs no longer write to them
                try {
                    await().atMost(Duration.ofMinutes(1))
                            .pollInterval(Duration.ofMillis(100))
                            .until(() -> {
                                for (JobID job : jobs) {
                                    if (!client.getJobStatus(job).get().isGloballyTerminalState()) {
                                        return false;
                                    }
                                }
                                return true;
                            });
                } catch (ConditionTimeoutException stillCancelling) {
                    // as before, the cleanup goes on after a minute: a timeout here would hide what the test found
                }
            }
        }
    }

    static Consumer<StreamExecutionEnvironment> build(
            String job, JobEnvironment je, OneSignalFake fake, String stateBackend) throws IOException {
        var provider = new ProviderFactory.OneSignal(fake.baseUrl().toString(), APP, KEY, Duration.ofSeconds(5), 8);
        Checkpoints test = je.checkpoints(Duration.ofMillis(300));
        Checkpoints checkpoints = new Checkpoints(test.interval(), test.directory(), stateBackend);
        return switch (job) {
            case "dispatch" ->
                env -> DispatchJob.build(
                        env,
                        new DispatchJob.Settings(
                                je.queues,
                                je.rabbit,
                                je.chConfig,
                                Duration.ofMillis(500),
                                100_000,
                                50,
                                checkpoints,
                                1_000),
                        new ClickHouseAudience(je.chConfig));
            case "delivery" ->
                env -> DeliveryJob.build(
                        env,
                        new DeliveryJob.Settings(
                                je.queues,
                                je.rabbit,
                                je.chConfig,
                                provider,
                                4,
                                16,
                                Duration.ofMinutes(2),
                                checkpoints,
                                200));
            case "status" ->
                env -> StatusJob.build(
                        env,
                        new StatusJob.Settings(
                                je.queues,
                                je.rabbit,
                                je.chConfig,
                                provider,
                                Duration.ofMillis(500),
                                Duration.ofSeconds(2),
                                Duration.ofMinutes(10),
                                Duration.ofHours(1),
                                16,
                                Duration.ofMillis(500),
                                Duration.ofSeconds(1),
                                Duration.ofMillis(700),
                                Duration.ofSeconds(2),
                                Duration.ofMinutes(1),
                                checkpoints,
                                5_000));
            default -> throw new IllegalArgumentException(job);
        };
    }

    /** Fails with the job's own failure when one did not restore or failed since. */
    static void assertRunning(ClusterClient<?> client, List<JobID> jobs) throws Exception {
        for (JobID job : jobs) {
            JobStatus status = client.getJobStatus(job).get();
            if (status == JobStatus.FAILED) {
                String cause = client.requestJobResult(job)
                        .get()
                        .getSerializedThrowable()
                        .map(t -> t.getFullStringifiedStackTrace())
                        .orElse("no cause");
                throw new AssertionError("job " + job
                        + " failed (a savepoint that no longer restores needs a migration, see the class comment):\n"
                        + cause);
            }
            assertThat(status).as("job %s", job).isIn(JobStatus.CREATED, JobStatus.INITIALIZING, JobStatus.RUNNING);
        }
    }

    static String stop(ClusterClient<?> client, JobID job, Path dir) throws Exception {
        return client.stopWithSavepoint(job, false, dir.toUri().toString(), SavepointFormatType.CANONICAL)
                .get();
    }

    /** Waits until the queue is empty and the outcomes stopped growing for three seconds (the sources acknowledge on checkpoints). */
    static void settle(JobEnvironment je, String queue) {
        AtomicLong seen = new AtomicLong(-1);
        await(queue + " settling")
                .atMost(Duration.ofMinutes(1))
                .pollInSameThread()
                .pollDelay(Duration.ZERO)
                .pollInterval(Duration.ofMillis(200))
                .during(Duration.ofSeconds(3))
                .until(() -> {
                    long now = outcomes(je)
                            + je.clickHouse.selectLong(
                                    "SELECT count() AS n FROM " + je.clickHouse.table("provider_notifications"));
                    return seen.getAndSet(now) == now && je.channel.messageCount(je.queues.name(queue)) == 0;
                });
    }

    static long outcomes(JobEnvironment je) {
        return je.clickHouse.selectLong("SELECT uniqExact(user_id) AS n FROM " + je.clickHouse.table("push_sends")
                + " WHERE campaign_id = " + CAMPAIGN);
    }

    static void insertRows(JobEnvironment je, List<Map<String, Object>> rows) {
        String lines = rows.stream().map(Json::write).collect(Collectors.joining("\n"));
        je.clickHouse.insertJsonEachRow(je.clickHouse.table("push_sends"), lines.getBytes(StandardCharsets.UTF_8));
    }

    static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path f : files.toList()) {
                Path target = to.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(f, target);
                }
            }
        }
    }

    static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(f);
            }
        }
    }
}
