package io.pushflow.admin.users;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.CancelCallback;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.Delivery;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.annotation.Value;
import io.micronaut.context.event.StartupEvent;
import io.micronaut.runtime.event.annotation.EventListener;
import io.pushflow.core.json.Json;
import io.pushflow.core.messaging.Queues;
import io.pushflow.core.user.User;
import io.pushflow.core.user.UserChange;
import io.pushflow.core.user.UserFields;
import io.pushflow.store.UserStore;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Applies {@code user.changes} to ClickHouse {@code users}: in batches, each change merged onto the user's
 * newest row and written as a new version (ReplacingMergeTree keeps the newest). Changes older than the stored
 * row are dropped as stale; malformed ones go to {@code user.changes.dead} with the reason in the header
 * {@value #REASON_HEADER}. Messages are acknowledged only after their batch is written, so a crash or a
 * ClickHouse outage redelivers them, and re-applying a change is harmless (same version, same row).
 */
@Singleton
@Requires(property = "pushflow.users.changes.enabled", value = "true", defaultValue = "true")
public class UserChangeApplier {

    public static final String REASON_HEADER = "x-pushflow-error";
    private static final Logger LOG = LoggerFactory.getLogger(UserChangeApplier.class);

    private final ConnectionFactory factory;
    private final Queues queues;
    private final UserStore users;
    private final UserTables tables;
    private final int batchSize;
    private final Duration maxWait;
    private final BlockingQueue<Delivery> inbox = new LinkedBlockingQueue<>();
    private volatile boolean running = true;
    private Thread worker;
    private Connection connection;
    private Channel channel;

    UserChangeApplier(ConnectionFactory factory, Queues queues, UserStore users, UserTables tables,
                      @Value("${pushflow.users.changes.batch-size:2000}") int batchSize,
                      @Value("${pushflow.users.changes.max-wait:200ms}") Duration maxWait) {
        this.factory = factory;
        this.queues = queues;
        this.users = users;
        this.tables = tables;
        this.batchSize = batchSize;
        this.maxWait = maxWait;
    }

    @EventListener
    void onStartup(StartupEvent event) {
        worker = new Thread(this::run, "user-changes");
        worker.setDaemon(true);
        worker.start();
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
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Exception e) {
                if (!running) {
                    return;
                }
                LOG.warn("user.changes: {}; retrying in {} ms (unacknowledged changes are redelivered)", e.getMessage(), backoff);
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
        connection = factory.newConnection("pushflow-admin-user-changes");
        channel = connection.createChannel();
        String exchange = queues.name(Queues.USER_CHANGES_EXCHANGE);
        String queue = queues.name(Queues.USER_CHANGES);
        channel.exchangeDeclare(exchange, BuiltinExchangeType.FANOUT, true);
        channel.queueDeclare(queues.dead(Queues.USER_CHANGES), true, false, false, null);
        channel.queueDeclare(queue, true, false, false, queues.arguments(Queues.USER_CHANGES));
        channel.queueBind(queue, exchange, "");
        channel.basicQos(batchSize * 2);
        CancelCallback cancelled = tag -> LOG.warn("user.changes consumer cancelled by the broker");
        channel.basicConsume(queue, false, (tag, delivery) -> inbox.add(delivery), cancelled);
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

    private record Parsed(Delivery delivery, UserChange change) {
    }

    /** Merges, writes, and only then acknowledges a batch; a failure before the ack leaves it to be redelivered. */
    void apply(List<Delivery> batch) throws Exception {
        tables.ensure();
        List<Parsed> changes = new ArrayList<>();
        for (Delivery d : batch) {
            try {
                changes.add(new Parsed(d, parse(d.getBody())));
            } catch (IllegalArgumentException e) {
                dead(d, e.getMessage());
            }
        }
        Map<Long, User> newest = new HashMap<>();
        users.find(changes.stream().map(p -> p.change().userId()).distinct().toList()).forEach(u -> newest.put(u.userId(), u));
        Map<Long, User> written = new LinkedHashMap<>();
        int stale = 0;
        // in arrival order: a change applies when it is newer than the user's row at that moment, however batches fall
        for (Parsed p : changes) {
            UserChange c = p.change();
            User base = written.containsKey(c.userId()) ? written.get(c.userId()) : newest.get(c.userId());
            try {
                if (base == null) {
                    Map<String, Object> all = new HashMap<>(c.set());
                    all.put("user_id", c.userId());
                    all.put("version", c.version());
                    written.put(c.userId(), UserFields.user(all, c.version()));
                } else if (c.version() <= base.version()) {
                    stale++;
                } else {
                    written.put(c.userId(), UserFields.apply(base, c.set()).withVersion(c.version()));
                }
            } catch (UserFields.InvalidUserException e) {
                dead(p.delivery(), base == null
                        ? "user " + c.userId() + " is not in the store and the change cannot create it: " + e.getMessage()
                        : e.getMessage());
            }
        }
        users.insert(written.values());
        long last = batch.stream().mapToLong(d -> d.getEnvelope().getDeliveryTag()).max().orElseThrow();
        channel.basicAck(last, true);
        LOG.debug("user.changes: {} applied, {} stale, {} dead", written.size(), stale, batch.size() - changes.size());
    }

    static UserChange parse(byte[] body) {
        UserChange change = Json.read(new String(body, StandardCharsets.UTF_8), UserChange.class);
        if (change.v() != UserChange.VERSION) {
            throw new IllegalArgumentException("unsupported contract version v=" + change.v() + "; expected " + UserChange.VERSION);
        }
        if (change.userId() <= 0 || change.version() <= 0) {
            throw new IllegalArgumentException("userId and version must be positive");
        }
        if (change.set() == null || change.set().isEmpty()) {
            throw new IllegalArgumentException("set is empty: name the fields that changed");
        }
        for (String field : change.set().keySet()) {
            if (!UserFields.CHANGEABLE.contains(field)) {
                throw new IllegalArgumentException("set." + field + " is not a field a change may set; fields: " + UserFields.CHANGEABLE);
            }
        }
        return change;
    }

    private void dead(Delivery d, String reason) throws Exception {
        AMQP.BasicProperties props = d.getProperties().builder()
                .headers(Map.of(REASON_HEADER, reason.length() > 1000 ? reason.substring(0, 1000) : reason))
                .deliveryMode(2)
                .build();
        channel.basicPublish("", queues.dead(Queues.USER_CHANGES), props, d.getBody());
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

    @PreDestroy
    void stop() throws InterruptedException {
        running = false;
        if (worker != null) {
            worker.interrupt();
            worker.join(5_000);
        }
        disconnect();
    }
}
