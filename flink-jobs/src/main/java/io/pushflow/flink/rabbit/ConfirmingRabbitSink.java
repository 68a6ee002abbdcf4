package io.pushflow.flink.rabbit;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import io.pushflow.core.messaging.Queues;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeoutException;

/**
 * Publishes to RabbitMQ with publisher confirms: messages are persistent, and {@link Writer#flush} (called on
 * every checkpoint) waits until the broker has confirmed all of them, so a completed checkpoint never loses a
 * message. A restore may publish a message again; consumers drop repeats by correlation id. Written here because
 * the connector's RMQSink publishes without confirms.
 */
public class ConfirmingRabbitSink implements Sink<AmqpMessage> {

    public static final String ERROR_HEADER = "x-pushflow-error";
    private static final long CONFIRM_TIMEOUT_MILLIS = 60_000;

    private final RabbitSettings settings;
    private final Queues queues;

    public ConfirmingRabbitSink(RabbitSettings settings, Queues queues) {
        this.settings = settings;
        this.queues = queues;
    }

    @Override
    @Deprecated
    public SinkWriter<AmqpMessage> createWriter(InitContext context) throws IOException {
        return new Writer(settings, queues);
    }

    @Override
    public SinkWriter<AmqpMessage> createWriter(WriterInitContext context) throws IOException {
        return new Writer(settings, queues);
    }

    static final class Writer implements SinkWriter<AmqpMessage> {

        private final Connection connection;
        private final Channel channel;
        private final Queues queues;
        private final Set<String> declared = new HashSet<>();
        private boolean unconfirmed;

        Writer(RabbitSettings settings, Queues queues) throws IOException {
            this.queues = queues;
            try {
                connection = settings.connectionFactory().newConnection("pushflow-flink-sink");
                channel = connection.createChannel();
                channel.confirmSelect();
            } catch (TimeoutException e) {
                throw new IOException("RabbitMQ did not answer", e);
            }
        }

        @Override
        public void write(AmqpMessage message, Context context) throws IOException {
            declare(message.queue);
            AMQP.BasicProperties.Builder props = new AMQP.BasicProperties.Builder()
                    .contentType("application/json").deliveryMode(2)
                    .correlationId(message.correlationId).messageId(message.correlationId).type(message.type);
            if (message.error != null) {
                props.headers(Map.of(ERROR_HEADER, message.error));
            }
            channel.basicPublish("", message.queue, props.build(), message.body.getBytes(StandardCharsets.UTF_8));
            unconfirmed = true;
        }

        /** Work queues are declared with their dead-letter arguments, dead-letter queues plainly. */
        private void declare(String queue) throws IOException {
            if (declared.add(queue)) {
                boolean dead = queue.endsWith(".dead");
                String base = queue.substring(queues.prefix().length(), dead ? queue.length() - ".dead".length() : queue.length());
                channel.queueDeclare(queues.dead(base), true, false, false, null);
                if (!dead) {
                    channel.queueDeclare(queue, true, false, false, queues.arguments(base));
                }
            }
        }

        @Override
        public void flush(boolean endOfInput) throws IOException {
            if (!unconfirmed) {
                return;
            }
            try {
                channel.waitForConfirmsOrDie(CONFIRM_TIMEOUT_MILLIS);
                unconfirmed = false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for RabbitMQ confirms", e);
            } catch (TimeoutException e) {
                throw new IOException("RabbitMQ did not confirm the messages within " + CONFIRM_TIMEOUT_MILLIS + " ms", e);
            }
        }

        @Override
        public void close() throws Exception {
            if (connection.isOpen()) {
                connection.close(2_000);
            }
        }
    }
}
