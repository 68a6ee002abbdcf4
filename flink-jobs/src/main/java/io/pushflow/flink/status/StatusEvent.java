package io.pushflow.flink.status;

import io.pushflow.flink.contracts.ProviderNotification;
import io.pushflow.flink.rabbit.InboundMessage;

/**
 * What the status job reads: the app's engagement events (one message may carry many), a notification to poll, a
 * campaign's reward rule (from its commands), or an unreadable message.
 */
public class StatusEvent extends InboundMessage {

    public EngagementEvent[] engagements;
    public ProviderNotification notification;
    public RewardRule rule;

    public StatusEvent() {}

    public static StatusEvent bad(String queue, String messageId, String raw, String error) {
        StatusEvent e = new StatusEvent();
        e.unreadable(queue, messageId, raw, error);
        return e;
    }
}
