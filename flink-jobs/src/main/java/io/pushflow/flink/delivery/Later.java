package io.pushflow.flink.delivery;

/**
 * What the gate hands to the queue of deferred sends of a campaign: recipients waiting for their quiet hours to end,
 * and the campaign's rules ahead of any recipients deferred under them (the same channel keeps them in order).
 */
public class Later {

    public DeferredSends sends;
    public CampaignRules campaign;

    public Later() {}

    public static Later of(DeferredSends sends) {
        Later l = new Later();
        l.sends = sends;
        return l;
    }

    public static Later of(CampaignRules campaign) {
        Later l = new Later();
        l.campaign = campaign;
        return l;
    }

    public long campaignId() {
        return sends != null ? sends.campaignId : campaign.campaignId;
    }
}
