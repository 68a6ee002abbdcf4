package io.pushflow.flink.rabbit;

import io.pushflow.core.messaging.Queues;
import io.pushflow.flink.dispatch.DispatchEvent;
import org.apache.flink.streaming.connectors.rabbitmq.RMQSource;

import java.io.IOException;

/**
 * The connector's RMQSource (exactly-once with checkpoints, correlation ids and parallelism 1), declaring its
 * queue the way every other part does: with the dead-letter arguments (RabbitMQ refuses a redeclaration with
 * other arguments).
 */
public class PushflowRabbitSource extends RMQSource<DispatchEvent> {

    private final Queues queues;
    private final String base;

    public PushflowRabbitSource(RabbitSettings settings, Queues queues, String base, DispatchEventSchema.Kind kind, int prefetch) {
        super(settings.sourceConfig(prefetch), queues.name(base), true, new DispatchEventSchema(kind, queues.name(base)));
        this.queues = queues;
        this.base = base;
    }

    @Override
    protected void setupQueue() throws IOException {
        channel.queueDeclare(queues.dead(base), true, false, false, null);
        channel.queueDeclare(queues.name(base), true, false, false, queues.arguments(base));
    }
}
