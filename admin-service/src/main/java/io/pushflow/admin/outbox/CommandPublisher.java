package io.pushflow.admin.outbox;

import static io.pushflow.core.messaging.Queues.CAMPAIGN_COMMANDS_EXCHANGE;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import io.micronaut.context.annotation.Value;
import io.pushflow.core.messaging.ChannelDeclarer;
import io.pushflow.core.messaging.Queues;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Date;
import java.util.concurrent.TimeoutException;

/**
 * Publishes commands to the {@code campaign.commands} fanout exchange (one copy per job) as persistent messages
 * and waits for the broker's confirm.
 */
@Singleton
public class CommandPublisher implements AutoCloseable {

    private final ConnectionFactory factory;
    private final Queues queues;
    private final long confirmTimeoutMillis;
    private Connection connection;
    private Channel channel;

    CommandPublisher(
            ConnectionFactory factory,
            Queues queues,
            @Value("${pushflow.rabbitmq.confirm-timeout:5s}") Duration confirmTimeout) {
        this.factory = factory;
        this.queues = queues;
        this.confirmTimeoutMillis = confirmTimeout.toMillis();
    }

    /** Returns once the broker has the message; throws when it does not confirm it in time. */
    public synchronized void publish(OutboxCommand command) throws IOException, TimeoutException, InterruptedException {
        try {
            Channel ch = channel();
            AMQP.BasicProperties props = new AMQP.BasicProperties.Builder()
                    .contentType("application/json")
                    .deliveryMode(2)
                    .messageId(command.commandId())
                    .correlationId(command.commandId())
                    .type(command.commandType())
                    .timestamp(Date.from(command.createdAt()))
                    .build();
            ch.basicPublish(
                    queues.name(CAMPAIGN_COMMANDS_EXCHANGE),
                    "",
                    true,
                    props,
                    command.payload().getBytes(StandardCharsets.UTF_8));
            ch.waitForConfirmsOrDie(confirmTimeoutMillis);
        } catch (IOException | TimeoutException | RuntimeException e) {
            close();
            throw e;
        }
    }

    private Channel channel() throws IOException, TimeoutException {
        if (channel != null && channel.isOpen()) {
            return channel;
        }
        if (connection == null || !connection.isOpen()) {
            connection = factory.newConnection("pushflow-admin");
        }
        channel = connection.createChannel();
        channel.confirmSelect();
        queues.declareExchange(CAMPAIGN_COMMANDS_EXCHANGE, new ChannelDeclarer(channel));
        return channel;
    }

    @Override
    @PreDestroy
    public synchronized void close() {
        try {
            if (connection != null && connection.isOpen()) {
                connection.close(1_000);
            }
        } catch (IOException | RuntimeException ignored) {
            // the connection is dropped either way; the next publish opens a new one
        }
        connection = null;
        channel = null;
    }
}
