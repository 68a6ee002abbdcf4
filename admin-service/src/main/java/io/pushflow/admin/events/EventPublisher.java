package io.pushflow.admin.events;

import com.ethlo.time.ITU;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import io.micronaut.context.annotation.Value;
import io.pushflow.core.campaign.PushEvent;
import io.pushflow.core.campaign.PushEvents;
import io.pushflow.core.json.Json;
import io.pushflow.core.messaging.ChannelDeclarer;
import io.pushflow.core.messaging.Queues;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Publishes batches of engagement events to {@code push.events} as persistent messages and returns once the broker
 * confirmed them. Requests publish at once on a small pool of confirming channels (a channel is used by one request
 * at a time, so waiting for its confirm waits for that request's message only).
 */
@Singleton
public class EventPublisher implements AutoCloseable {

    private static final byte[] NAMESPACE = "pushflow push.events batch\n".getBytes(StandardCharsets.US_ASCII);
    /**
     * The contract's JSON as {@link Json#MAPPER} writes it, with instants written by ITU: java.time's formatter took a
     * quarter of the intake's CPU (JFR), a thousand events a message.
     */
    private static final ObjectWriter WRITER = Json.MAPPER
            .copy()
            .registerModule(new SimpleModule().addSerializer(Instant.class, new RfcInstant()))
            .writerFor(PushEvents.class);

    private final ConnectionFactory factory;
    private final Queues queues;
    private final long confirmTimeoutMillis;
    private final Semaphore permits;
    private final BlockingQueue<Channel> idle;
    private Connection connection;

    EventPublisher(
            ConnectionFactory factory,
            Queues queues,
            @Value("${pushflow.rabbitmq.confirm-timeout:5s}") Duration confirmTimeout,
            @Value("${pushflow.events.publish-channels:8}") int channels) {
        this.factory = factory;
        this.queues = queues;
        this.confirmTimeoutMillis = confirmTimeout.toMillis();
        this.permits = new Semaphore(channels);
        this.idle = new ArrayBlockingQueue<>(channels);
    }

    /**
     * The batch id of these events: a name-based UUID of their ids in order, so a client that sends the same request
     * again produces the same message id (and the status job drops the repeat by its correlation id).
     */
    public static String batchId(List<PushEvent> events) {
        ByteArrayOutputStream name = new ByteArrayOutputStream(NAMESPACE.length + events.size() * 40);
        name.writeBytes(NAMESPACE);
        for (PushEvent e : events) {
            // event ids are printable ASCII without spaces, so a newline separates them unambiguously
            name.writeBytes(e.eventId().getBytes(StandardCharsets.US_ASCII));
            name.write('\n');
        }
        return UUID.nameUUIDFromBytes(name.toByteArray()).toString();
    }

    /** The message body: the batch's JSON as the contract has it. */
    static byte[] body(PushEvents batch) throws IOException {
        return WRITER.writeValueAsBytes(batch);
    }

    /** Publishes the events as one {@link PushEvents} message; returns its batch id once the broker confirmed it. */
    public String publish(List<PushEvent> events) throws IOException, TimeoutException, InterruptedException {
        String batchId = batchId(events);
        byte[] body = body(new PushEvents(PushEvents.VERSION, batchId, events));
        AMQP.BasicProperties props = new AMQP.BasicProperties.Builder()
                .contentType("application/json")
                .deliveryMode(2)
                .messageId(batchId)
                .correlationId(batchId)
                .type("EVENTS")
                .timestamp(new Date())
                .build();
        if (!permits.tryAcquire(confirmTimeoutMillis, TimeUnit.MILLISECONDS)) {
            throw new TimeoutException("every channel to RabbitMQ was busy for " + confirmTimeoutMillis + " ms");
        }
        Channel channel = null;
        try {
            channel = idle.poll();
            if (channel == null || !channel.isOpen()) {
                channel = open();
            }
            channel.basicPublish("", queues.name(Queues.PUSH_EVENTS), props, body);
            channel.waitForConfirmsOrDie(confirmTimeoutMillis);
            idle.add(channel);
            channel = null;
            return batchId;
        } finally {
            if (channel != null) {
                closeQuietly(channel);
            }
            permits.release();
        }
    }

    private synchronized Channel open() throws IOException, TimeoutException {
        if (connection == null || !connection.isOpen()) {
            connection = factory.newConnection("pushflow-admin-events");
        }
        Channel channel = connection.createChannel();
        channel.confirmSelect();
        queues.declare(Queues.PUSH_EVENTS, new ChannelDeclarer(channel));
        return channel;
    }

    private static void closeQuietly(Channel channel) {
        try {
            if (channel.isOpen()) {
                channel.close();
            }
        } catch (IOException | TimeoutException | RuntimeException ignored) {
            // dropped either way; the next publish opens a new channel
        }
    }

    /** An instant in UTC with 0, 3, 6 or 9 fraction digits, as {@link java.time.format.DateTimeFormatter#ISO_INSTANT} writes it. */
    static final class RfcInstant extends StdSerializer<Instant> {

        RfcInstant() {
            super(Instant.class);
        }

        @Override
        public void serialize(Instant value, JsonGenerator generator, SerializerProvider provider) throws IOException {
            int nano = value.getNano();
            int digits = nano == 0 ? 0 : nano % 1_000_000 == 0 ? 3 : nano % 1_000 == 0 ? 6 : 9;
            generator.writeString(ITU.formatUtc(value.atOffset(ZoneOffset.UTC), digits));
        }
    }

    @Override
    @PreDestroy
    public synchronized void close() {
        idle.clear();
        try {
            if (connection != null && connection.isOpen()) {
                connection.close(1_000);
            }
        } catch (IOException | RuntimeException ignored) {
            // the connection is dropped either way
        }
        connection = null;
    }
}
