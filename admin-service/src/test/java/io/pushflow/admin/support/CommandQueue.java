package io.pushflow.admin.support;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import io.pushflow.core.campaign.CampaignCommand;
import io.pushflow.core.json.Json;
import io.pushflow.core.messaging.Queues;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;

/** Reads what the admin service published on a test's own {@code campaign.commands} queue. */
public final class CommandQueue implements AutoCloseable {

    /** A command as it arrived: the parsed body and the AMQP properties a consumer relies on. */
    public record Delivery(CampaignCommand command, String correlationId, String messageId, String type, int deliveryMode) {
    }

    private final Connection connection;
    private final Channel channel;
    private final String queue;

    public CommandQueue(Queues queues) throws Exception {
        this.connection = TestEnvironment.rabbit().newConnection();
        this.channel = connection.createChannel();
        this.queue = queues.name(Queues.CAMPAIGN_COMMANDS);
    }

    /** The next command, waiting for it up to {@code timeout}; fails the test when none arrives. */
    public Delivery next(Duration timeout) throws Exception {
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            GetResponse r = queueExists() ? channel.basicGet(queue, true) : null;
            if (r != null) {
                return new Delivery(Json.read(new String(r.getBody(), StandardCharsets.UTF_8), CampaignCommand.class),
                        r.getProps().getCorrelationId(), r.getProps().getMessageId(), r.getProps().getType(), r.getProps().getDeliveryMode());
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no command arrived on " + queue + " within " + timeout);
    }

    /** Messages waiting on the queue now. */
    public long waiting() throws Exception {
        return queueExists() ? channel.messageCount(queue) : 0;
    }

    private boolean queueExists() {
        try (Channel probe = connection.createChannel()) {
            probe.queueDeclarePassive(queue);
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    @Override
    public void close() throws Exception {
        connection.close();
    }
}
