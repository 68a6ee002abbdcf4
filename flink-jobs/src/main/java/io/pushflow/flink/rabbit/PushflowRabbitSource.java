package io.pushflow.flink.rabbit;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import io.pushflow.core.messaging.ChannelDeclarer;
import io.pushflow.core.messaging.Queues;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import org.apache.flink.streaming.connectors.rabbitmq.RMQDeserializationSchema;
import org.apache.flink.streaming.connectors.rabbitmq.RMQSource;

/**
 * The connector's RMQSource (exactly-once with checkpoints, correlation ids and parallelism 1), declaring its
 * queue the way every other part does: with the dead-letter arguments (RabbitMQ refuses a redeclaration with
 * other arguments) and the binding to the fanout exchange the queue subscribes to.
 *
 * <p>What it changes of the connector: a lost connection is not recovered by the client (the source fails and Flink
 * restarts it from its last checkpoint; a recovered connection behind a failed source was an orphan that reconnected
 * when the broker came back, its threads outliving the job), no body over {@link #MAX_BODY} is read (the broker refuses
 * larger ones, see {@code bin/pushflow services up}), and closing takes at most {@link #CLOSE_TIMEOUT_MILLIS}: the
 * connector's close cancels the consumer and waits for the broker without a bound, and on a channel that is already
 * closed it threw before closing the connection.
 */
public class PushflowRabbitSource<T> extends RMQSource<T> {

    /** The largest message body any queue may carry; each queue's own limit is lower (the schemas dead-letter above it). */
    public static final int MAX_BODY = 16 << 20;
    /** How long a close may wait for the broker: a stop, an upgrade or a rolling restart must never hang on it. */
    static final int CLOSE_TIMEOUT_MILLIS = 3_000;

    private final Queues queues;
    private final String base;

    public PushflowRabbitSource(
            RabbitSettings settings, Queues queues, String base, RMQDeserializationSchema<T> schema, int prefetch) {
        super(settings.sourceConfig(prefetch), queues.name(base), true, schema);
        this.queues = queues;
        this.base = base;
    }

    @Override
    protected ConnectionFactory setupConnectionFactory() throws Exception {
        ConnectionFactory factory = super.setupConnectionFactory();
        factory.setAutomaticRecoveryEnabled(false);
        factory.setTopologyRecoveryEnabled(false);
        factory.setMaxInboundMessageBodySize(MAX_BODY);
        return factory;
    }

    /** Declares the queue, and swaps in the channel that drops a duplicate without a dead letter ({@link #acknowledgingDuplicates}). */
    @Override
    protected void setupQueue() throws IOException {
        queues.declare(base, new ChannelDeclarer(channel));
        channel = acknowledgingDuplicates(channel);
    }

    /**
     * The channel with one change: the connector drops a redelivered message whose correlation id it has processed
     * already (after a restore from a checkpoint) with {@code basicReject(tag, false)}, which on queues with
     * dead-letter arguments put every such duplicate in the {@code .dead} queue after each restart of a job (found by
     * the chaos suite: a TaskManager killed left dozens); acknowledging it drops it the same way and no dead letter
     * alarms anyone. The connector rejects nothing else.
     */
    static Channel acknowledgingDuplicates(Channel channel) {
        return (Channel) Proxy.newProxyInstance(
                PushflowRabbitSource.class.getClassLoader(), new Class<?>[] {Channel.class}, (proxy, method, args) -> {
                    if (method.getName().equals("basicReject") && args.length == 2 && Boolean.FALSE.equals(args[1])) {
                        channel.basicAck((Long) args[0], false);
                        return null;
                    }
                    try {
                        return method.invoke(channel, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    /**
     * Closes the connection (and with it the channel and the consumer; the broker requeues what was not acknowledged)
     * within {@link #CLOSE_TIMEOUT_MILLIS}, whatever state the broker or the channel is in.
     */
    @Override
    public void close() throws Exception {
        Connection open = connection;
        connection = null; // the connector's close then leaves the consumer and the channel alone
        channel = null;
        try {
            super.close();
        } finally {
            if (open != null) {
                open.abort(CLOSE_TIMEOUT_MILLIS);
            }
        }
    }
}
