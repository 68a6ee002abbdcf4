package io.pushflow.flink.dispatch;

import io.pushflow.core.campaign.CampaignCommand;
import io.pushflow.core.campaign.CampaignSnapshot;
import io.pushflow.core.campaign.SendPace;
import io.pushflow.core.campaign.SplitType;
import io.pushflow.core.json.Json;

/**
 * A campaign command as the dispatch job keeps it: a flat POJO Flink serializes natively (no Kryo), with the
 * cohort filter as its canonical JSON and times as epoch milliseconds. The command and split types are kept by
 * name (state keeps its types); {@link #command()} and {@link #split()} give them back as the core's enums.
 */
public class CampaignControl {

    public String commandId;
    public String type;
    public long campaignId;
    public long campaignVersion;
    public long startAtMillis;
    public long durationMillis;
    public int sendRateLimit;
    /** {@link io.pushflow.core.campaign.SendPace#ASAP}: release as fast as the limits allow, not spread over the window. */
    public boolean asap;

    public String splitType;
    public double[] weights;
    public double minShare;
    public int burnIn;
    public double testShare;
    public long testDurationMillis;
    public double holdoutShare;
    public String filterJson;
    public String[] variantKeys;

    public CampaignControl() {}

    public CampaignCommand.Type command() {
        return CampaignCommand.Type.valueOf(type);
    }

    public SplitType split() {
        return SplitType.valueOf(splitType);
    }

    /** {@code issuedAtMillis} stands in for a start time the campaign leaves open (start at launch). */
    public static CampaignControl from(CampaignCommand command) {
        CampaignSnapshot c = command.campaign();
        CampaignControl out = new CampaignControl();
        out.commandId = command.commandId();
        out.type = command.type().name();
        out.campaignId = command.campaignId();
        out.campaignVersion = command.campaignVersion();
        out.startAtMillis = (c.startAt() != null ? c.startAt() : command.issuedAt()).toEpochMilli();
        out.durationMillis = c.duration().toMillis();
        out.sendRateLimit = c.sendRateLimit() == null ? 0 : c.sendRateLimit();
        out.asap = c.pace() == SendPace.ASAP;
        out.splitType = c.split().type().name();
        out.weights = c.variants().stream()
                .mapToDouble(CampaignSnapshot.Variant::weight)
                .toArray();
        out.minShare = c.split().minShare() == null ? 0 : c.split().minShare();
        out.burnIn = c.split().burnIn() == null ? 0 : c.split().burnIn();
        out.testShare = c.split().testShare() == null ? 0 : c.split().testShare();
        out.testDurationMillis =
                c.split().testDuration() == null ? 0 : c.split().testDuration().toMillis();
        out.holdoutShare = c.holdoutShare();
        out.filterJson = Json.write(c.cohort().filter());
        out.variantKeys =
                c.variants().stream().map(CampaignSnapshot.Variant::key).toArray(String[]::new);
        return out;
    }
}
