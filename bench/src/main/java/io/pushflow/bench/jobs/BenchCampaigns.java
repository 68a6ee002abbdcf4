package io.pushflow.bench.jobs;

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
import java.util.List;
import java.util.Map;

/** Campaign commands for benchmarks that run the status job alone: it takes events only of campaigns it has a command of. */
public final class BenchCampaigns {

    private BenchCampaigns() {}

    /** A LAUNCH of a bandit campaign to everyone with variants {@code keys}, optimising clicks counted from {@code source}, for an hour. */
    public static CampaignCommand launch(long campaign, List<String> keys, RewardSource source) {
        var content = new CampaignSnapshot.PushContent(
                "en", Map.of("en", new CampaignSnapshot.LocalizedText("Wind", "25 knots")), null, null, null);
        List<CampaignSnapshot.Variant> variants = keys.stream()
                .map(k -> new CampaignSnapshot.Variant(k, 1, k, 1, content))
                .toList();
        var snapshot = new CampaignSnapshot(
                campaign,
                "bench " + campaign,
                "windy-ios",
                CampaignStatus.RUNNING,
                new CampaignSnapshot.Cohort(1, "everyone", Json.MAPPER.valueToTree(Map.of("all", List.of()))),
                variants,
                new CampaignSnapshot.Split(SplitType.BANDIT, Metric.CLICKS, null, null, 0.05, 100, source),
                0,
                Instant.now(),
                Duration.ofHours(1),
                null,
                null,
                null,
                "ONESIGNAL",
                SendPace.EVEN);
        return new CampaignCommand(
                CampaignCommand.VERSION,
                "bench-launch-" + campaign,
                CampaignCommand.Type.LAUNCH,
                campaign,
                1,
                Instant.now(),
                "bench",
                snapshot);
    }
}
