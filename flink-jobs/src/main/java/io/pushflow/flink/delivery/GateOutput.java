package io.pushflow.flink.delivery;

/**
 * What the gate passes to the assembler of a campaign: verdicts, and the campaign's rules ahead of any verdict
 * made under them (the same channel keeps them in order).
 */
public class GateOutput {

    public Verdict verdict;
    public CampaignRules campaign;

    public GateOutput() {
    }

    public static GateOutput of(Verdict verdict) {
        GateOutput out = new GateOutput();
        out.verdict = verdict;
        return out;
    }

    public static GateOutput of(CampaignRules campaign) {
        GateOutput out = new GateOutput();
        out.campaign = campaign;
        return out;
    }

    public long campaignId() {
        return verdict != null ? verdict.campaignId : campaign.campaignId;
    }
}
