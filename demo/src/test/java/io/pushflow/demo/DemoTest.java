package io.pushflow.demo;

import com.fasterxml.jackson.databind.JsonNode;
import io.pushflow.core.json.Json;
import io.pushflow.core.campaign.RewardSource;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The demo, small and short, against the real services and the real admin service (its built jar, started as a
 * process the way bin/pushflow demo starts it), with the bandit learning from the provider's click counts alone
 * ({@code --rewards provider}: the simulated app reports nothing): the JSON summary must show every audience member
 * with exactly one outcome, nobody sent twice, and the best creative ahead.
 */
class DemoTest {

    @Test
    void a_small_demo_gives_every_user_one_outcome_and_puts_the_best_creative_ahead() throws Exception {
        Path json = Path.of("target", "demo-test", "summary.json");
        try (AdminProcess admin = new AdminProcess("marketer:marketer-pw:marketer")) {
            var options = new Demo.Options(4_000, Duration.ofSeconds(40), Duration.ofSeconds(2), List.of(0.03, 0.08, 0.25), 11, admin.url, "marketer",
                    "marketer-pw", admin.database, admin.prefix, 0, 0, Path.of("target", "demo-test", "report"), json, false, false,
                    RewardSource.PROVIDER);
            Demo.run(options, System.out);

            JsonNode summary = Json.MAPPER.readTree(json.toFile());
            assertThat(summary.path("audience").asLong()).isPositive();
            assertThat(summary.path("outcomes").asLong()).isEqualTo(summary.path("audience").asLong());
            assertThat(summary.path("everyUserOneOutcome").asBoolean()).isTrue();
            assertThat(summary.path("duplicates").asLong()).isZero();
            assertThat(summary.path("sent").asLong()).isPositive();
            assertThat(summary.path("bestVariant").asText()).isEqualTo("C");
            assertThat(summary.path("bestAhead").asBoolean()).as(summary.toString()).isTrue();
            assertThat(summary.path("variants")).hasSize(3);
            assertThat(summary.path("rewardSource").asText()).isEqualTo("PROVIDER");
            assertThat(summary.path("appEvents").asBoolean()).isFalse();
            assertThat(summary.path("clicks").asLong()).isPositive().isLessThanOrEqualTo(summary.path("usersClicked").asLong());
            assertThat(Path.of("target", "demo-test", "report", "index.html")).exists();
            for (String chart : List.of("share.png", "click-rate.png", "clicks.png")) {
                assertThat(Files.size(Path.of("target", "demo-test", "report", chart))).as(chart).isGreaterThan(1_000);
            }
        }
    }
}
