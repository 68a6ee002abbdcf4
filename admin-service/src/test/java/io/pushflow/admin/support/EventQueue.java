package io.pushflow.admin.support;

import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import io.pushflow.core.campaign.PushEvents;
import io.pushflow.core.json.Json;
import io.pushflow.core.messaging.ChannelDeclarer;
import io.pushflow.core.messaging.Queues;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** Reads what the admin service published on a test's own {@code push.events} queue. */
public final class EventQueue implements AutoCloseable {

    /** A message as it arrived: the parsed batch and the AMQP properties the status job relies on. */
    public record Delivery(
            PushEvents batch, String correlationId, String messageId, String type, Integer deliveryMode) {}

    private final Connection connection;
    private final Channel channel;
    private final String queue;

    public EventQueue(Queues queues) throws Exception {
        this.connection = TestEnvironment.rabbit().newConnection();
        this.channel = connection.createChannel();
        this.queue = queues.name(Queues.PUSH_EVENTS);
        queues.declare(Queues.PUSH_EVENTS, new ChannelDeclarer(channel));
    }

    /** The next message, waiting for it up to {@code timeout}; fails the test when none arrives. */
    public Delivery next(Duration timeout) {
        return delivery(await("a message arriving on " + queue)
                .atMost(timeout)
                .pollInSameThread()
                .pollDelay(Duration.ZERO)
                .pollInterval(Duration.ofMillis(20))
                .until(() -> channel.basicGet(queue, true), Objects::nonNull));
    }

    /**
     * Every message on the queue now, read and removed. The service answers only after the broker confirmed, so right
     * after an answer this holds all it published.
     */
    public List<Delivery> drain() throws Exception {
        List<Delivery> out = new ArrayList<>();
        for (GetResponse r = channel.basicGet(queue, true); r != null; r = channel.basicGet(queue, true)) {
            out.add(delivery(r));
        }
        return out;
    }

    private static Delivery delivery(GetResponse r) {
        return new Delivery(
                Json.read(r.getBody(), PushEvents.class),
                r.getProps().getCorrelationId(),
                r.getProps().getMessageId(),
                r.getProps().getType(),
                r.getProps().getDeliveryMode());
    }

    @Override
    public void close() throws Exception {
        connection.close();
    }
}
