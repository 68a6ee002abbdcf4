package io.pushflow.flink.dispatch;

import io.pushflow.core.campaign.CampaignReport;
import java.time.Instant;
import java.util.Locale;

/** A campaign the planner finished, stopped or failed, as the job carries it before it becomes a {@link CampaignReport}. */
public class Completion {

    public String type = CampaignReport.Type.COMPLETED.name();
    public long campaignId;
    public long released;
    public long heldOut;
    public long unreleased;
    public long atMillis;
    /** Why it failed; null otherwise. */
    public String reason;

    public Completion() {}

    /** The plan's counts as the campaign ends as {@code type} at {@code atMillis}; {@code reason} only when it failed. */
    static Completion of(PlanState plan, CampaignReport.Type type, long atMillis, String reason) {
        Completion done = new Completion();
        done.type = type.name();
        done.campaignId = plan.campaign.campaignId;
        done.released = plan.released;
        done.heldOut = plan.heldOut;
        done.unreleased = Math.max(0, plan.audienceEstimate - plan.released - plan.heldOut);
        done.atMillis = atMillis;
        done.reason = reason;
        return done;
    }

    public CampaignReport report() {
        return new CampaignReport(
                CampaignReport.VERSION,
                type.toLowerCase(Locale.ROOT) + "-" + campaignId,
                campaignId,
                CampaignReport.Type.valueOf(type),
                released,
                heldOut,
                unreleased,
                Instant.ofEpochMilli(atMillis),
                reason);
    }
}
