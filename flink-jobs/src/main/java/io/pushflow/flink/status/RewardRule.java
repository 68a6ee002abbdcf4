package io.pushflow.flink.status;

import io.pushflow.core.campaign.CampaignCommand;
import io.pushflow.core.campaign.CampaignSnapshot;
import io.pushflow.core.campaign.Metric;
import io.pushflow.core.campaign.RewardSource;
import java.time.Instant;
import java.util.Arrays;

/**
 * What the status job must know of a campaign, as of one campaign version: its variant keys (events for others are
 * dead letters), when its send window ends, the metric the split test optimises and where it is counted. Strings, as
 * stored in state; {@link #metric()} and {@link #source()} convert them.
 */
public class RewardRule {

    public long campaignId;
    public long version;
    public String metric;
    public String rewardSource;
    public String[] variants;
    public long windowEndMillis;

    public RewardRule() {}

    public static RewardRule from(CampaignCommand command) {
        CampaignSnapshot.Split split = command.campaign().split();
        RewardRule r = new RewardRule();
        r.campaignId = command.campaignId();
        r.version = command.campaignVersion();
        r.metric = (split == null ? Metric.CLICKS : split.metric()).name();
        r.rewardSource = (split == null ? RewardSource.AUTO : split.rewardSource()).name();
        r.variants = command.campaign().variants().stream()
                .map(CampaignSnapshot.Variant::key)
                .toArray(String[]::new);
        Instant start =
                command.campaign().startAt() != null ? command.campaign().startAt() : command.issuedAt();
        r.windowEndMillis = start.toEpochMilli() + command.campaign().duration().toMillis();
        return r;
    }

    public boolean hasVariant(String key) {
        return variants != null && Arrays.asList(variants).contains(key);
    }

    /** A campaign the job has no command of (launched before the status job read commands) counts clicks from both sources. */
    public static RewardRule unknown(long campaignId) {
        RewardRule r = new RewardRule();
        r.campaignId = campaignId;
        r.version = -1;
        r.metric = Metric.CLICKS.name();
        r.rewardSource = RewardSource.AUTO.name();
        r.variants = new String[0];
        return r;
    }

    public Metric metric() {
        return Metric.valueOf(metric);
    }

    public RewardSource source() {
        return RewardSource.valueOf(rewardSource);
    }
}
