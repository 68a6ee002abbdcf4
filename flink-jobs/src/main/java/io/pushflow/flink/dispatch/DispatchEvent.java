package io.pushflow.flink.dispatch;

/** What reaches the wave planner of a campaign: a lifecycle command or new evidence for a variant (exactly one is set). */
public class DispatchEvent {

    public CampaignControl control;
    public VariantFeedback feedback;

    public DispatchEvent() {
    }

    public static DispatchEvent of(CampaignControl control) {
        DispatchEvent e = new DispatchEvent();
        e.control = control;
        return e;
    }

    public static DispatchEvent of(VariantFeedback feedback) {
        DispatchEvent e = new DispatchEvent();
        e.feedback = feedback;
        return e;
    }

    public long campaignId() {
        return control != null ? control.campaignId : feedback.campaignId;
    }
}
