package io.pushflow.bench.pipeline;

import com.clickhouse.data.ClickHouseFormat;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import io.pushflow.core.json.Json;
import io.pushflow.core.user.User;
import io.pushflow.flink.contracts.OutboxBatch;
import io.pushflow.flink.delivery.Outcomes;
import io.pushflow.flink.rabbit.RabbitSettings;
import io.pushflow.store.ClickHouse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The raw limits of the parts beneath the pipeline, measured with the pipeline's own message and row shapes:
 * RabbitMQ moving {@code push.outbox} batches (publisher confirms, one queue, a consumer acking), and ClickHouse
 * taking {@code push_sends} outcome rows in the inserts the Flink sink makes.
 */
final class RawRates {

    /** A measurement: how many units (users, rows) per second, over how many, with the message or insert size. */
    record Rate(double perSecond, long units, double seconds, int unitsPerMessage, int messageBytes) {}

    private RawRates() {}

    /** One outbox batch as the dispatch job writes it: {@code users} users of the campaign's audience. */
    static byte[] outboxBatch(List<User> users) {
        return Json.write(OutboxBatch.of(OutboxBatch.batchId(1, 1, "A", 0), 1, 1, "A", 1, users))
                .getBytes(StandardCharsets.UTF_8);
    }

    /**
     * {@code messages} copies of {@code body} through one durable queue: published persistent with confirms (a
     * window of outstanding confirms, as the project's sink keeps), consumed at the same time with manual acks and
     * {@code prefetch}. The rate is users per second: messages times users per message, from the first publish to
     * the last ack.
     */
    static Rate rabbit(
            RabbitSettings settings, String queue, byte[] body, int usersPerMessage, int messages, int prefetch)
            throws Exception {
        try (Connection connection = settings.connectionFactory().newConnection("pushflow-bench-raw")) {
            Channel admin = connection.createChannel();
            admin.queueDeclare(queue, true, false, false, null);
            admin.queuePurge(queue);
            Channel consume = connection.createChannel();
            consume.basicQos(prefetch);
            CountDownLatch done = new CountDownLatch(messages);
            long start = System.nanoTime();
            consume.basicConsume(queue, false, new DefaultConsumer(consume) {
                @Override
                public void handleDelivery(
                        String tag, Envelope envelope, AMQP.BasicProperties properties, byte[] payload)
                        throws IOException {
                    Json.MAPPER.readTree(payload); // a consumer reads what it gets, as the jobs' sources do
                    getChannel().basicAck(envelope.getDeliveryTag(), false);
                    done.countDown();
                }
            });
            Channel publish = connection.createChannel();
            publish.confirmSelect();
            for (int i = 0; i < messages; i++) {
                publish.basicPublish(
                        "",
                        queue,
                        new AMQP.BasicProperties.Builder()
                                .deliveryMode(2)
                                .correlationId("raw-" + i)
                                .build(),
                        body);
                if ((i + 1) % 100 == 0) {
                    publish.waitForConfirmsOrDie(60_000);
                }
            }
            publish.waitForConfirmsOrDie(60_000);
            if (!done.await(10, TimeUnit.MINUTES)) {
                throw new IllegalStateException("RabbitMQ raw: " + done.getCount() + " of " + messages
                        + " messages not consumed in 10 minutes");
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            admin.queueDelete(queue);
            return new Rate(
                    (long) messages * usersPerMessage / seconds,
                    (long) messages * usersPerMessage,
                    seconds,
                    usersPerMessage,
                    body.length);
        }
    }

    /**
     * {@code rows} outcome rows into {@code push_sends} of a scratch campaign id, {@code batch} rows per
     * RowBinary insert (blocks of 1,000 as the delivery job writes them), from {@code writers} threads (the sink's subtasks); the scratch rows are dropped after.
     */
    static Rate clickHouse(ClickHouse.Config config, long rows, int batch, int writers) throws Exception {
        long campaign = 999_999_999L;
        try (ClickHouse ch = new ClickHouse(config)) {
            AtomicLong next = new AtomicLong();
            ExecutorService pool = Executors.newFixedThreadPool(writers);
            long start = System.nanoTime();
            List<Future<?>> futures = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                futures.add(pool.submit(() -> {
                    for (long from; (from = next.getAndAdd(batch)) < rows; ) {
                        ByteArrayOutputStream body = new ByteArrayOutputStream(batch * 80);
                        for (long u = from; u < Math.min(rows, from + batch); u += 1_000) {
                            Outcomes o = Outcomes.of(campaign, "A", 1, "raw-" + from, System.currentTimeMillis(), (int)
                                    Math.min(1_000, rows - u));
                            for (int i = 0; i < o.size(); i++) {
                                o.userIds[i] = u + i + 1;
                            }
                            o.notificationId = "raw-notification-" + u;
                            body.writeBytes(o.rowBinary());
                        }
                        ch.insert(ch.table("push_sends"), body.toByteArray(), ClickHouseFormat.RowBinary);
                    }
                    return null;
                }));
            }
            try {
                for (Future<?> f : futures) {
                    f.get();
                }
            } finally {
                pool.shutdownNow();
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            ch.execute("ALTER TABLE " + ch.table("push_sends") + " DELETE WHERE campaign_id = " + campaign);
            return new Rate(rows / seconds, rows, seconds, batch, -1);
        }
    }
}
