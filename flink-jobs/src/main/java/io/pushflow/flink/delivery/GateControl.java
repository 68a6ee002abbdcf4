package io.pushflow.flink.delivery;

/** What every gate task hears: a campaign's new rules, or a user change for the suppression bitmaps. */
public class GateControl {

    public CampaignRules campaign;
    public UserDelta change;

    public GateControl() {}

    public static GateControl of(CampaignRules campaign) {
        GateControl c = new GateControl();
        c.campaign = campaign;
        return c;
    }

    public static GateControl of(UserDelta change) {
        GateControl c = new GateControl();
        c.change = change;
        return c;
    }
}
