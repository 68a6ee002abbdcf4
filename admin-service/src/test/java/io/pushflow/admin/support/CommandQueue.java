package io.pushflow.admin.support;

import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import io.pushflow.core.campaign.CampaignCommand;
import io.pushflow.core.json.Json;
import io.pushflow.core.messaging.Queues;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Reads what the admin service published on a test's own {@code campaign.commands} queue. */
public final class CommandQueue implements AutoCloseable {

    /** A command as it arrived: the parsed body and the AMQP properties a consumer relies on. */
    public record Delivery(
            CampaignCommand command, String correlationId, String messageId, String type, int deliveryMode) {}

    private final Connection connection;
    private final Channel channel;
    private final String queue;

    public CommandQueue(Queues queues) throws Exception {
        this.connection = TestEnvironment.rabbit().newConnection();
        this.channel = connection.createChannel();
        this.queue = queues.name(Queues.CAMPAIGN_COMMANDS);
    }

    /** Commands read from the queue that belong to campaigns nobody asked about yet (test methods share the queue). */
    private final List<Delivery> held = new ArrayList<>();

    /** The next command of one campaign, waiting for it up to {@code timeout}; fails the test when none arrives. */
    public synchronized Delivery next(long campaignId, Duration timeout) {
        return await("a command of campaign " + campaignId + " arriving on " + queue)
                .atMost(timeout)
                .pollInSameThread()
                .pollDelay(Duration.ZERO)
                .pollInterval(Duration.ofMillis(50))
                .until(() -> take(campaignId), Optional::isPresent)
                .orElseThrow();
    }

    /** The first command of one campaign, after everything on the queue has been read, taken off the held ones. */
    private Optional<Delivery> take(long campaignId) throws Exception {
        pullAll();
        for (var it = held.iterator(); it.hasNext(); ) {
            Delivery d = it.next();
            if (d.command().campaignId() == campaignId) {
                it.remove();
                return Optional.of(d);
            }
        }
        return Optional.empty();
    }

    /** Commands of one campaign waiting now, after everything on the queue has been read. */
    public synchronized long waiting(long campaignId) throws Exception {
        pullAll();
        return held.stream().filter(d -> d.command().campaignId() == campaignId).count();
    }

    private void pullAll() throws Exception {
        while (pull()) {
            // read everything that is there
        }
    }

    private boolean pull() throws Exception {
        GetResponse r = queueExists() ? channel.basicGet(queue, true) : null;
        if (r == null) {
            return false;
        }
        held.add(new Delivery(
                Json.read(new String(r.getBody(), StandardCharsets.UTF_8), CampaignCommand.class),
                r.getProps().getCorrelationId(),
                r.getProps().getMessageId(),
                r.getProps().getType(),
                r.getProps().getDeliveryMode()));
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
