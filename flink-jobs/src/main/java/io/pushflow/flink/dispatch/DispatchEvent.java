package io.pushflow.flink.dispatch;

/**
 * What reaches the wave planner of a campaign: a lifecycle command or new evidence for a variant, or (with
 * {@code error} set) a message that could not be read, on its way to a dead-letter queue.
 */
public class DispatchEvent {

    public CampaignControl control;
    public VariantFeedback feedback;
    /** Set instead of both for a message that could not be read: it goes to its queue's dead-letter queue. */
    public String error;
    public String raw;
    public String queue;
    public String messageId;

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

    public static DispatchEvent bad(String queue, String messageId, String raw, String error) {
        DispatchEvent e = new DispatchEvent();
        e.queue = queue;
        e.messageId = messageId;
        e.raw = raw;
        e.error = error;
        return e;
    }

    public long campaignId() {
        return control != null ? control.campaignId : feedback.campaignId;
    }
}
