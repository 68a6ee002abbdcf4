package io.pushflow.flink.dispatch;

import io.pushflow.flink.rabbit.InboundMessage;

/**
 * What reaches the wave planner of a campaign: a lifecycle command or new evidence for a variant, or (with
 * {@code error} set) a message that could not be read, on its way to a dead-letter queue.
 */
public class DispatchEvent extends InboundMessage {

    public CampaignControl control;
    public VariantFeedback feedback;

    public DispatchEvent() {}

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

    public static DispatchEvent bad(String queue, String messageId, String raw, String error) {
        DispatchEvent e = new DispatchEvent();
        e.unreadable(queue, messageId, raw, error);
        return e;
    }

    public long campaignId() {
        return control != null ? control.campaignId : feedback.campaignId;
    }
}
