package io.pushflow.flink.delivery;

import io.pushflow.flink.contracts.OutboxBatch;
import io.pushflow.flink.rabbit.InboundMessage;

/** What the delivery job reads: an outbox batch, a campaign's rules, a user change, or an unreadable message. */
public class DeliveryEvent extends InboundMessage {

    public OutboxBatch batch;
    public CampaignRules campaign;
    public UserDelta change;

    public DeliveryEvent() {}

    public static DeliveryEvent of(OutboxBatch batch) {
        DeliveryEvent e = new DeliveryEvent();
        e.batch = batch;
        return e;
    }

    public static DeliveryEvent of(CampaignRules campaign) {
        DeliveryEvent e = new DeliveryEvent();
        e.campaign = campaign;
        return e;
    }

    public static DeliveryEvent of(UserDelta change) {
        DeliveryEvent e = new DeliveryEvent();
        e.change = change;
        return e;
    }

    public static DeliveryEvent bad(String queue, String messageId, String raw, String error) {
        DeliveryEvent e = new DeliveryEvent();
        e.unreadable(queue, messageId, raw, error);
        return e;
    }
}
