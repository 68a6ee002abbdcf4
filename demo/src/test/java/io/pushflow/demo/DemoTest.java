package io.pushflow.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.pushflow.core.campaign.Provider;
import io.pushflow.core.campaign.RewardSource;
import io.pushflow.core.json.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The demo, small and short, against the real services and the real admin service (its built jar, started as a
 * process the way bin/pushflow demo starts it), with the bandit learning from the provider's click counts alone
 * ({@code --rewards provider}: the simulated app reports nothing): the JSON summary must show every audience member
 * with exactly one outcome, nobody sent twice, and the best creative ahead. The same on Flink's standalone cluster
 * (a JobManager and two TaskManager processes, the job jar, RocksDB state), smaller: every member one outcome, nobody
 * twice.
 */
class DemoTest {

    @Test
    void a_small_demo_gives_every_user_one_outcome_and_puts_the_best_creative_ahead() throws Exception {
        Path json = Path.of("target", "demo-test", "summary.json");
        try (AdminProcess admin = new AdminProcess("marketer:marketer-pw:marketer")) {
            Demo.run(
                    options(
                            admin,
                            4_000,
                            Duration.ofSeconds(40),
                            11,
                            "demo-test",
                            RewardSource.PROVIDER,
                            Demo.ClusterKind.LOCAL),
                    System.out);

            JsonNode summary = everyMemberOneOutcome(json);
            assertThat(summary.path("bestVariant").asText()).isEqualTo("C");
            assertThat(summary.path("bestAhead").asBoolean())
                    .as(summary.toString())
                    .isTrue();
            assertThat(summary.path("rewardSource").asText()).isEqualTo("PROVIDER");
            assertThat(summary.path("appEvents").asBoolean()).isFalse();
            assertThat(summary.path("clicks").asLong())
                    .isPositive()
                    .isLessThanOrEqualTo(summary.path("usersClicked").asLong());
            assertThat(Path.of("target", "demo-test", "report", "index.html")).exists();
            for (String chart : List.of("share.png", "click-rate.png", "clicks.png")) {
                assertThat(Files.size(Path.of("target", "demo-test", "report", chart)))
                        .as(chart)
                        .isGreaterThan(1_000);
            }
        }
    }

    @Test
    void a_small_demo_on_the_standalone_cluster_gives_every_user_one_outcome() throws Exception {
        assertThat(Path.of("..", "flink-jobs", "target", "pushflow-jobs.jar"))
                .as("the job jar (mvn verify packages flink-jobs before this module's tests)")
                .exists();
        try (AdminProcess admin = new AdminProcess("marketer:marketer-pw:marketer")) {
            Demo.run(
                    options(
                            admin,
                            2_000,
                            Duration.ofSeconds(30),
                            12,
                            "demo-test-standalone",
                            RewardSource.AUTO,
                            Demo.ClusterKind.STANDALONE),
                    System.out);

            everyMemberOneOutcome(Path.of("target", "demo-test-standalone", "summary.json"));
            assertThat(Path.of("target", "demo-test-standalone", "report", "index.html"))
                    .exists();
        }
    }

    @Test
    void a_small_direct_demo_sends_through_apns_and_fcm_once_per_member() throws Exception {
        try (AdminProcess admin = new AdminProcess("marketer:marketer-pw:marketer")) {
            Demo.Options o = options(
                    admin,
                    3_000,
                    Duration.ofSeconds(40),
                    13,
                    "demo-test-direct",
                    RewardSource.APP,
                    Demo.ClusterKind.LOCAL);
            Demo.run(
                    new Demo.Options(
                            o.users(),
                            o.window(),
                            o.wave(),
                            o.clickRates(),
                            o.seed(),
                            o.adminUrl(),
                            o.adminUser(),
                            o.adminPassword(),
                            o.clickHouseDatabase(),
                            o.queuePrefix(),
                            o.flinkPort(),
                            o.simulatorPort(),
                            o.reportDir(),
                            o.json(),
                            false,
                            false,
                            o.rewards(),
                            o.cluster(),
                            Provider.DIRECT),
                    System.out);

            JsonNode summary = everyMemberOneOutcome(Path.of("target", "demo-test-direct", "summary.json"));
            assertThat(summary.path("skipped").path("no_device_token").asLong())
                    .as("members without a device token")
                    .isPositive();
            JsonNode byProvider = summary.path("deliveredByProvider");
            assertThat(byProvider.path("apns").asLong()).isPositive();
            assertThat(byProvider.path("fcm").asLong()).isPositive();
            assertThat(byProvider.has("onesignal")).isFalse();
            assertThat(byProvider.path("apns").asLong() + byProvider.path("fcm").asLong())
                    .as("what the services accepted is what was sent")
                    .isEqualTo(summary.path("sent").asLong());
            assertThat(summary.path("bestAhead").asBoolean())
                    .as("the bandit learns from the app's events: " + summary)
                    .isTrue();
        }
    }

    /** Waves every 2 s, creatives clicked at 3%, 8% and 25%, the report and the summary in {@code target/DIR}. */
    private static Demo.Options options(
            AdminProcess admin,
            long users,
            Duration window,
            long seed,
            String dir,
            RewardSource rewards,
            Demo.ClusterKind cluster) {
        return new Demo.Options(
                users,
                window,
                Duration.ofSeconds(2),
                List.of(0.03, 0.08, 0.25),
                seed,
                admin.url,
                "marketer",
                "marketer-pw",
                admin.database,
                admin.prefix,
                0,
                0,
                Path.of("target", dir, "report"),
                Path.of("target", dir, "summary.json"),
                false,
                false,
                rewards,
                cluster);
    }

    /** The summary the demo wrote: every audience member exactly one outcome, nobody sent twice, some sent, three variants. */
    private static JsonNode everyMemberOneOutcome(Path json) throws Exception {
        JsonNode summary = Json.MAPPER.readTree(json.toFile());
        assertThat(summary.path("audience").asLong()).isPositive();
        assertThat(summary.path("outcomes").asLong())
                .isEqualTo(summary.path("audience").asLong());
        assertThat(summary.path("everyUserOneOutcome").asBoolean()).isTrue();
        assertThat(summary.path("duplicates").asLong()).isZero();
        assertThat(summary.path("sent").asLong()).isPositive();
        assertThat(summary.path("variants")).hasSize(3);
        return summary;
    }
}
