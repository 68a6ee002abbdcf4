package io.pushflow.flink.rabbit;

import io.pushflow.core.bandit.BanditFeedback;
import io.pushflow.core.campaign.CampaignCommand;
import io.pushflow.core.filter.FilterChain;
import io.pushflow.core.json.Json;
import io.pushflow.flink.dispatch.CampaignControl;
import io.pushflow.flink.dispatch.DispatchEvent;
import io.pushflow.flink.dispatch.VariantFeedback;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Envelope;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.connectors.rabbitmq.RMQDeserializationSchema;

import java.nio.charset.StandardCharsets;

/**
 * Reads {@code campaign.commands} or {@code bandit.feedback} messages. Nothing here throws on bad input: a
 * message that does not parse, has an unknown contract version or no correlation id becomes an event with
 * {@code error} set, which the job sends to the dead-letter queue with the reason.
 */
public class DispatchEventSchema implements RMQDeserializationSchema<DispatchEvent> {

    public enum Kind { COMMANDS, FEEDBACK }

    private final Kind kind;
    private final String queue;

    public DispatchEventSchema(Kind kind, String queue) {
        this.kind = kind;
        this.queue = queue;
    }

    @Override
    public void deserialize(Envelope envelope, AMQP.BasicProperties props, byte[] body, RMQCollector<DispatchEvent> out) {
        String id = props.getCorrelationId();
        String text = new String(body, StandardCharsets.UTF_8);
        if (id == null) {
            // deduplication needs the id; without one the message can only be set aside
            if (out.setMessageIdentifiers("missing-correlation-id-" + envelope.getDeliveryTag(), envelope.getDeliveryTag())) {
                out.collect(DispatchEvent.bad(queue, null, text, "the message has no correlation id"));
            }
            return;
        }
        if (!out.setMessageIdentifiers(id, envelope.getDeliveryTag())) {
            return; // seen before: a redelivery
        }
        out.collect(read(id, text));
    }

    DispatchEvent read(String id, String text) {
        try {
            if (kind == Kind.COMMANDS) {
                CampaignCommand command = Json.read(text, CampaignCommand.class);
                if (command.v() != CampaignCommand.VERSION || command.campaign() == null || command.type() == null) {
                    return DispatchEvent.bad(queue, id, text, "not a v" + CampaignCommand.VERSION + " campaign command with a type and a campaign");
                }
                CampaignControl control = CampaignControl.from(command);
                FilterChain.fromJson(control.filterJson); // a chain the planner could not read would fail the job on every restore
                if (control.variantKeys.length < 1) {
                    return DispatchEvent.bad(queue, id, text, "a campaign command needs its variants");
                }
                return DispatchEvent.of(control);
            }
            BanditFeedback feedback = Json.read(text, BanditFeedback.class);
            if (feedback.v() != BanditFeedback.VERSION || feedback.variant() == null || feedback.trials() < 0 || feedback.rewards() < 0) {
                return DispatchEvent.bad(queue, id, text, "not a v" + BanditFeedback.VERSION + " feedback with a variant and non-negative counts");
            }
            return DispatchEvent.of(VariantFeedback.from(feedback));
        } catch (RuntimeException e) {
            return DispatchEvent.bad(queue, id, text, e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        }
    }

    @Override
    public boolean isEndOfStream(DispatchEvent next) {
        return false;
    }

    @Override
    public TypeInformation<DispatchEvent> getProducedType() {
        return TypeInformation.of(DispatchEvent.class);
    }
}
