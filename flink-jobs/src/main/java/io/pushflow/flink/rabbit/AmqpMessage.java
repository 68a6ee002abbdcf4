package io.pushflow.flink.rabbit;

import java.nio.charset.StandardCharsets;

/**
 * One message to publish: where (a queue, or a fanout exchange when {@code exchange} is set), its id (AMQP
 * correlation and message id), type, JSON body as UTF-8 and, for dead letters, why.
 */
public class AmqpMessage {

    public String exchange;
    public String queue;
    public String correlationId;
    public String type;
    public byte[] body;
    public String error;

    public AmqpMessage() {}

    public static AmqpMessage of(String queue, String correlationId, String type, String body) {
        return of(queue, correlationId, type, body.getBytes(StandardCharsets.UTF_8));
    }

    public static AmqpMessage of(String queue, String correlationId, String type, byte[] body) {
        AmqpMessage m = new AmqpMessage();
        m.queue = queue;
        m.correlationId = correlationId;
        m.type = type;
        m.body = body;
        return m;
    }

    /** A message for every queue bound to the fanout {@code exchange}. */
    public static AmqpMessage toExchange(String exchange, String correlationId, String type, String body) {
        AmqpMessage m = of(null, correlationId, type, body);
        m.exchange = exchange;
        return m;
    }

    public String text() {
        return new String(body, StandardCharsets.UTF_8);
    }
}
