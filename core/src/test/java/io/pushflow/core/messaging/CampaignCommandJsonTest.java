package io.pushflow.core.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushflow.core.campaign.CampaignCommand;
import io.pushflow.core.campaign.CampaignSnapshot;
import io.pushflow.core.campaign.CampaignStatus;
import io.pushflow.core.campaign.Metric;
import io.pushflow.core.campaign.RewardSource;
import io.pushflow.core.campaign.SendPace;
import io.pushflow.core.campaign.SplitType;
import io.pushflow.core.json.Json;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CampaignCommandJsonTest {

    @Test
    void a_command_survives_json_with_iso_times_and_tolerates_unknown_fields() throws Exception {
        var content = new CampaignSnapshot.PushContent(
                "en", Map.of("en", new CampaignSnapshot.LocalizedText("t", "b")), "windy://x", null, Map.of("spot", 1));
        var snapshot = new CampaignSnapshot(
                7,
                "c",
                "windy-ios",
                CampaignStatus.RUNNING,
                new CampaignSnapshot.Cohort(3, "all", Json.MAPPER.readTree("{\"all\":[]}")),
                List.of(
                        new CampaignSnapshot.Variant("A", 1, "a", 1, content),
                        new CampaignSnapshot.Variant("B", 2, "b", 1, content)),
                new CampaignSnapshot.Split(SplitType.BANDIT, Metric.CLICKS, null, null, 0.05, 100, RewardSource.AUTO),
                0.1,
                Instant.parse("2026-11-25T08:00:00Z"),
                Duration.ofHours(2),
                1000,
                new CampaignSnapshot.QuietHours(LocalTime.of(22, 0), LocalTime.of(8, 0)),
                new CampaignSnapshot.FrequencyCap(2, Duration.ofDays(1)),
                "ONESIGNAL",
                SendPace.ASAP);
        var command = new CampaignCommand(
                1, "id-1", CampaignCommand.Type.LAUNCH, 7, 3, Instant.parse("2026-11-24T10:00:00Z"), "m", snapshot);

        String json = Json.write(command);
        assertThat(json)
                .contains(
                        "\"duration\":\"PT2H\"",
                        "\"startAt\":\"2026-11-25T08:00:00Z\"",
                        "\"start\":\"22:00:00\"",
                        "\"type\":\"LAUNCH\"");
        assertThat(Json.read(json, CampaignCommand.class)).isEqualTo(command);
        assertThat(Json.read(json.replace("{\"v\":1,", "{\"v\":1,\"addedLater\":true,"), CampaignCommand.class))
                .isEqualTo(command);
        // a command written before campaigns had a pace spreads the audience evenly
        CampaignCommand older = Json.read(json.replace(",\"pace\":\"ASAP\"", ""), CampaignCommand.class);
        assertThat(json).contains(",\"pace\":\"ASAP\"");
        assertThat(older.campaign().pace()).isEqualTo(SendPace.EVEN);
        // and one from before reward sources counts the metric from both sources, the larger
        CampaignCommand beforeSources =
                Json.read(json.replace(",\"rewardSource\":\"AUTO\"", ""), CampaignCommand.class);
        assertThat(json).contains(",\"rewardSource\":\"AUTO\"");
        assertThat(beforeSources.campaign().split().rewardSource()).isEqualTo(RewardSource.AUTO);
    }

    @Test
    void every_queue_dead_letters_into_its_own_dead_queue() {
        Queues queues = new Queues("t1.");
        assertThat(queues.name(Queues.PUSH_OUTBOX)).isEqualTo("t1.push.outbox");
        assertThat(queues.arguments(Queues.PUSH_OUTBOX))
                .containsEntry("x-dead-letter-exchange", "")
                .containsEntry("x-dead-letter-routing-key", "t1.push.outbox.dead");
        assertThat(new Queues(null).dead(Queues.CAMPAIGN_COMMANDS)).isEqualTo("campaign.commands.dead");
    }
}
