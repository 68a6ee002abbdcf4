package io.pushflow.admin.messaging;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.CancelCallback;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.Delivery;
import io.pushflow.core.messaging.ChannelDeclarer;
import io.pushflow.core.messaging.Queues;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consumes one queue in batches on a thread of its own: messages are acknowledged only after
 * {@link #apply} succeeded, so a failure (the broker, MySQL or ClickHouse away) redelivers them; the
 * connection is rebuilt with a growing pause. Unreadable messages go to the queue's dead-letter queue with the
 * reason in the header {@value #REASON_HEADER}.
 */
public abstract class BatchConsumer {

    public static final String REASON_HEADER = "x-pushflow-error";
    private static final Logger LOG = LoggerFactory.getLogger(BatchConsumer.class);

    protected final Queues queues;
    protected final String base;
    private final ConnectionFactory factory;
    private final int batchSize;
    private final Duration maxWait;
    private final BlockingQueue<Delivery> inbox = new LinkedBlockingQueue<>();
    private volatile boolean running = true;
    private Thread worker;
    private Connection connection;
    private Channel channel;

    protected BatchConsumer(ConnectionFactory factory, Queues queues, String base, int batchSize, Duration maxWait) {
        this.factory = factory;
        this.queues = queues;
        this.base = base;
        this.batchSize = batchSize;
        this.maxWait = maxWait;
    }

    /** Handles a batch; its messages are acknowledged when this returns and redelivered when it throws. */
    protected abstract void apply(List<Delivery> batch) throws Exception;

    /** Declares the queue with its dead-letter queue and its binding to the exchange it subscribes to. */
    protected void declare(Channel ch) throws IOException {
        queues.declare(base, new ChannelDeclarer(ch));
    }

    protected final void start() {
        worker = new Thread(this::run, base);
        worker.setDaemon(true);
        worker.start();
    }

    protected final void stop() throws InterruptedException {
        running = false;
        if (worker != null) {
            worker.interrupt();
            worker.join(5_000);
        }
        disconnect();
    }

    /** Sets a message aside on the dead-letter queue with the reason; it is acknowledged with its batch. */
    protected final void dead(Delivery d, String reason) throws IOException {
        AMQP.BasicProperties props = d.getProperties()
                .builder()
                .headers(Map.of(REASON_HEADER, reason.length() > 1000 ? reason.substring(0, 1000) : reason))
                .deliveryMode(2)
                .build();
        channel.basicPublish("", queues.dead(base), props, d.getBody());
    }

    private void run() {
        long backoff = 250;
        while (running) {
            try {
                connect();
                backoff = 250;
                List<Delivery> batch = nextBatch();
                if (!batch.isEmpty()) {
                    apply(batch);
                    long last = batch.stream()
                            .mapToLong(d -> d.getEnvelope().getDeliveryTag())
                            .max()
                            .orElseThrow();
                    channel.basicAck(last, true);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Exception e) {
                if (!running) {
                    return;
                }
                LOG.warn(
                        "{}: {}; retrying in {} ms (unacknowledged messages are redelivered)",
                        base,
                        e.getMessage(),
                        backoff);
                disconnect();
                sleep(backoff);
                backoff = Math.min(10_000, backoff * 2);
            }
        }
    }

    private void connect() throws Exception {
        if (channel != null && channel.isOpen()) {
            return;
        }
        inbox.clear();
        connection = factory.newConnection("pushflow-admin-" + base);
        channel = connection.createChannel();
        declare(channel);
        channel.basicQos(batchSize * 2);
        CancelCallback cancelled = tag -> LOG.warn("{} consumer cancelled by the broker", base);
        channel.basicConsume(queues.name(base), false, (tag, delivery) -> inbox.add(delivery), cancelled);
    }

    private List<Delivery> nextBatch() throws InterruptedException {
        List<Delivery> batch = new ArrayList<>();
        Delivery first = inbox.poll(500, TimeUnit.MILLISECONDS);
        if (first == null) {
            return batch;
        }
        batch.add(first);
        long deadline = System.nanoTime() + maxWait.toNanos();
        while (batch.size() < batchSize) {
            Delivery next = inbox.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (next == null) {
                break;
            }
            batch.add(next);
        }
        return batch;
    }

    private void disconnect() {
        try {
            if (connection != null && connection.isOpen()) {
                connection.close(1_000);
            }
        } catch (Exception ignored) {
            // closing a broken connection; a new one follows
        }
        connection = null;
        channel = null;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
