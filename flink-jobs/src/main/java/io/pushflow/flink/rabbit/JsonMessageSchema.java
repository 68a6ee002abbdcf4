package io.pushflow.flink.rabbit;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Envelope;
import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.connectors.rabbitmq.RMQDeserializationSchema;

/**
 * Reads JSON messages of one queue. Nothing here throws on bad input: a message that does not parse, has an
 * unknown contract version, no correlation id or a body over the queue's limit becomes an event with {@code error}
 * set, which the job sends to the dead-letter queue with the reason. Redeliveries are dropped by correlation id.
 */
public abstract class JsonMessageSchema<T extends InboundMessage> implements RMQDeserializationSchema<T> {

    /** How much of an oversized body its dead letter keeps. */
    static final int KEPT_OF_OVERSIZED = 64 << 10;

    protected final String queue;
    private final Class<T> type;
    private final int maxBytes;

    /** {@code maxBytes}: the largest body this queue's messages may have (the client refuses above {@link PushflowRabbitSource#MAX_BODY}). */
    protected JsonMessageSchema(String queue, Class<T> type, int maxBytes) {
        this.queue = queue;
        this.type = type;
        this.maxBytes = maxBytes;
    }

    /** The event for a message with correlation id {@code id}; a {@link RuntimeException} makes it a dead letter. */
    protected abstract T read(String id, String text);

    /** As {@link #read(String, String)}, from the message's bytes: large messages override it to skip the String. */
    protected T read(String id, byte[] body) {
        return read(id, new String(body, StandardCharsets.UTF_8));
    }

    /** An event standing for an unreadable message. */
    protected abstract T unreadable(String id, String text, String reason);

    @Override
    public void deserialize(Envelope envelope, AMQP.BasicProperties props, byte[] body, RMQCollector<T> out) {
        String id = props.getCorrelationId();
        if (id == null) {
            // deduplication needs the id; without one the message can only be set aside
            if (out.setMessageIdentifiers(
                    "missing-correlation-id-" + envelope.getDeliveryTag(), envelope.getDeliveryTag())) {
                out.collect(unreadable(
                        null, new String(body, StandardCharsets.UTF_8), "the message has no correlation id"));
            }
            return;
        }
        if (!out.setMessageIdentifiers(id, envelope.getDeliveryTag())) {
            return; // seen before: a redelivery
        }
        out.collect(parse(id, body));
    }

    /** {@link #read(String, byte[])}, with anything it throws turned into a dead letter. */
    public T parse(String id, byte[] body) {
        if (body.length > maxBytes) {
            return unreadable(
                    id,
                    new String(body, 0, Math.min(body.length, KEPT_OF_OVERSIZED), StandardCharsets.UTF_8),
                    "the message has " + body.length + " bytes, over this queue's limit of " + maxBytes + " (its first "
                            + KEPT_OF_OVERSIZED + " bytes are kept here)");
        }
        try {
            return read(id, body);
        } catch (RuntimeException e) {
            return unreadable(
                    id,
                    new String(body, StandardCharsets.UTF_8),
                    e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        }
    }

    /** As {@link #parse(String, byte[])}, for a body at hand as text. */
    public T parse(String id, String text) {
        return parse(id, text.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public boolean isEndOfStream(T next) {
        return false;
    }

    @Override
    public TypeInformation<T> getProducedType() {
        return TypeInformation.of(type);
    }
}
