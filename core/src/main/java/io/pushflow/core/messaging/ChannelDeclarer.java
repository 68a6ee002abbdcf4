package io.pushflow.core.messaging;

import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.Channel;
import java.io.IOException;
import java.util.Map;

/** The shared topology ({@link Queues#declare}) on a RabbitMQ channel (the client comes from whoever runs it). */
public record ChannelDeclarer(Channel channel) implements Queues.Declarer {

    @Override
    public void queue(String name, Map<String, Object> arguments) throws IOException {
        channel.queueDeclare(name, true, false, false, arguments);
    }

    @Override
    public void fanout(String exchange) throws IOException {
        channel.exchangeDeclare(exchange, BuiltinExchangeType.FANOUT, true);
    }

    @Override
    public void bind(String queue, String exchange) throws IOException {
        channel.queueBind(queue, exchange, "");
    }

    /** Declares every queue of {@code queues} and empties it and its dead-letter queue (a run that starts afresh). */
    public void declareEmpty(Queues queues) throws IOException {
        for (String q : Queues.ALL) {
            queues.declare(q, this);
            channel.queuePurge(queues.name(q));
            channel.queuePurge(queues.dead(q));
        }
    }

    /** Removes every queue, dead-letter queue and exchange of {@code queues} (a test's or a benchmark's own prefix). */
    public void removeAll(Queues queues) throws IOException {
        for (String q : Queues.ALL) {
            channel.queueDelete(queues.name(q));
            channel.queueDelete(queues.dead(q));
        }
        for (String exchange : Queues.SUBSCRIBERS.keySet()) {
            channel.exchangeDelete(queues.name(exchange));
        }
    }
}
