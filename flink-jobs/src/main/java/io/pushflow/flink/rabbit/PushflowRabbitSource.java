package io.pushflow.flink.rabbit;

import io.pushflow.core.messaging.ChannelDeclarer;
import io.pushflow.core.messaging.Queues;
import org.apache.flink.streaming.connectors.rabbitmq.RMQDeserializationSchema;
import org.apache.flink.streaming.connectors.rabbitmq.RMQSource;

import java.io.IOException;

/**
 * The connector's RMQSource (exactly-once with checkpoints, correlation ids and parallelism 1), declaring its
 * queue the way every other part does: with the dead-letter arguments (RabbitMQ refuses a redeclaration with
 * other arguments) and the binding to the fanout exchange the queue subscribes to.
 */
public class PushflowRabbitSource<T> extends RMQSource<T> {

    private final Queues queues;
    private final String base;

    public PushflowRabbitSource(RabbitSettings settings, Queues queues, String base, RMQDeserializationSchema<T> schema, int prefetch) {
        super(settings.sourceConfig(prefetch), queues.name(base), true, schema);
        this.queues = queues;
        this.base = base;
    }

    @Override
    protected void setupQueue() throws IOException {
        queues.declare(base, new ChannelDeclarer(channel));
    }
}
