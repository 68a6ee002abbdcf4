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

    /** Commands read from the queue that belong to campaigns nobody asked about yet (test methods share the queue). */
    private final java.util.List<Delivery> held = new java.util.ArrayList<>();

    /** The next command of one campaign, waiting for it up to {@code timeout}; fails the test when none arrives. */
    public synchronized Delivery next(long campaignId, Duration timeout) throws Exception {
        Instant deadline = Instant.now().plus(timeout);
        while (true) {
            for (var it = held.iterator(); it.hasNext(); ) {
                Delivery d = it.next();
                if (d.command().campaignId() == campaignId) {
                    it.remove();
                    return d;
                }
            }
            if (!Instant.now().isBefore(deadline)) {
                throw new AssertionError("no command of campaign " + campaignId + " arrived on " + queue + " within " + timeout);
            }
            if (!pull()) {
                Thread.sleep(50);
            }
        }
    }

    /** Commands of one campaign waiting now, after everything on the queue has been read. */
    public synchronized long waiting(long campaignId) throws Exception {
        while (pull()) {
            // read everything that is there
        }
        return held.stream().filter(d -> d.command().campaignId() == campaignId).count();
    }

    private boolean pull() throws Exception {
        GetResponse r = queueExists() ? channel.basicGet(queue, true) : null;
        if (r == null) {
            return false;
        }
        held.add(new Delivery(Json.read(new String(r.getBody(), StandardCharsets.UTF_8), CampaignCommand.class),
                r.getProps().getCorrelationId(), r.getProps().getMessageId(), r.getProps().getType(), r.getProps().getDeliveryMode()));
        return true;
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
