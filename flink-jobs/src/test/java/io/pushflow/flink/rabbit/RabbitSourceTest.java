package io.pushflow.flink.rabbit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import com.rabbitmq.client.Recoverable;
import io.pushflow.core.messaging.ChannelDeclarer;
import io.pushflow.core.messaging.Queues;
import io.pushflow.flink.TcpProxy;
import io.pushflow.flink.status.StatusEvent;
import io.pushflow.flink.status.StatusEventSchema;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.flink.streaming.api.operators.StreamSource;
import org.apache.flink.streaming.connectors.rabbitmq.RMQSource;
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The RabbitMQ source against the real broker: it closes within its bound whatever the broker does, leaves no
 * connection behind, reads no message over its limits, and the broker refuses what no source would read.
 */
class RabbitSourceTest {

    private final Queues queues =
            new Queues("tsrc" + Long.toString(ThreadLocalRandom.current().nextLong(1L << 40), 36) + ".");
    private final RabbitSettings rabbit = RabbitSettings.fromEnvironment();

    /** The source with Flink's runtime around it, but nothing running it: open() connects and subscribes. */
    private AbstractStreamOperatorTestHarness<StatusEvent> opened(RabbitSettings settings) throws Exception {
        var source = new PushflowRabbitSource<>(
                settings,
                queues,
                Queues.PUSH_NOTIFICATIONS,
                new StatusEventSchema(StatusEventSchema.Kind.NOTIFICATIONS, queues.name(Queues.PUSH_NOTIFICATIONS)),
                10);
        var harness = new AbstractStreamOperatorTestHarness<>(new StreamSource<>(source), 1, 1, 0);
        harness.open();
        return harness;
    }

    /** The connector's field of the running source (it has no getter). */
    @SuppressWarnings("unchecked")
    private static <F> F field(AbstractStreamOperatorTestHarness<StatusEvent> h, String name) throws Exception {
        Object source = ((StreamSource<?, ?>) h.getOperator()).getUserFunction();
        java.lang.reflect.Field f = RMQSource.class.getDeclaredField(name);
        f.setAccessible(true);
        return (F) f.get(source);
    }

    @AfterEach
    void removeQueues() throws Exception {
        try (Connection c = rabbit.connectionFactory().newConnection();
                Channel ch = c.createChannel()) {
            new ChannelDeclarer(ch).removeAll(queues);
        }
    }

    @Test
    void a_duplicate_the_connector_drops_after_a_restore_leaves_no_dead_letter() throws Exception {
        try (Connection c = rabbit.connectionFactory().newConnection();
                Channel plain = c.createChannel()) {
            queues.declare(Queues.PUSH_NOTIFICATIONS, new ChannelDeclarer(plain));
            String queue = queues.name(Queues.PUSH_NOTIFICATIONS);
            plain.basicPublish(
                    "",
                    queue,
                    new AMQP.BasicProperties.Builder()
                            .correlationId("seen-before")
                            .build(),
                    "{}".getBytes());
            Channel channel = PushflowRabbitSource.acknowledgingDuplicates(plain);
            var delivery = awaitMessage(channel, queue);
            channel.basicReject(
                    delivery.getEnvelope().getDeliveryTag(),
                    false); // what the connector does with an id it has processed
            Thread.sleep(300);
            assertThat(plain.queueDeclarePassive(queue).getMessageCount()).isZero();
            assertThat(plain.queueDeclarePassive(queues.dead(Queues.PUSH_NOTIFICATIONS))
                            .getMessageCount())
                    .as("dead letters")
                    .isZero();
            assertThat(channel.queueDeclarePassive(queue).getQueue())
                    .as("every other call reaches the channel")
                    .isEqualTo(queue);
        }
    }

    private static GetResponse awaitMessage(Channel channel, String queue) {
        return await("a message on " + queue)
                .atMost(Duration.ofSeconds(5))
                .pollInSameThread()
                .pollDelay(Duration.ZERO)
                .pollInterval(Duration.ofMillis(100))
                .until(() -> channel.basicGet(queue, false), Objects::nonNull);
    }

    @Test
    void a_source_whose_channel_the_broker_closed_still_closes_its_connection() throws Exception {
        var harness = opened(rabbit);
        Connection connection = field(harness, "connection");
        Channel channel = field(harness, "channel");
        assertThatThrownBy(() -> channel.queueDeclarePassive(queues.name("no-such-queue")))
                .hasStackTraceContaining("NOT_FOUND");
        assertThat(channel.isOpen()).as("the broker closed the channel").isFalse();
        harness.close(); // the connector's own close threw AlreadyClosedException here and never closed the connection
        assertThat(connection.isOpen()).isFalse();
    }

    @Test
    void a_source_closes_within_its_bound_when_the_broker_stops_answering() throws Exception {
        try (TcpProxy proxy = new TcpProxy(rabbit.host(), rabbit.port())) {
            var harness = opened(new RabbitSettings(
                    "127.0.0.1", proxy.port(), rabbit.user(), rabbit.password(), rabbit.virtualHost()));
            Connection connection = field(harness, "connection");
            proxy.freeze(); // the broker went silent: the connector's close waited for its answer to the cancel for
            // ever
            assertTimeoutPreemptively(
                    Duration.ofSeconds(PushflowRabbitSource.CLOSE_TIMEOUT_MILLIS / 1000 + 5), harness::close);
            assertThat(connection.isOpen()).isFalse();
        }
    }

    @Test
    void a_lost_connection_is_not_recovered_behind_the_job_s_back() throws Exception {
        var harness = opened(rabbit);
        try {
            Connection connection = field(harness, "connection");
            assertThat(connection).isNotInstanceOf(Recoverable.class);
        } finally {
            harness.close();
        }
    }

    @Test
    void a_message_over_its_queue_s_limit_is_a_dead_letter_with_the_reason() {
        var schema = new StatusEventSchema(StatusEventSchema.Kind.NOTIFICATIONS, "push.notifications");
        byte[] big = ("{\"notificationId\":\"" + "n".repeat(70_000) + "\",\"campaignId\":7}")
                .getBytes(StandardCharsets.UTF_8);
        StatusEvent e = schema.parse("n1", big);
        assertThat(e.error).contains("over this queue's limit of " + (64 << 10));
        assertThat(e.deadLetter().queue).isEqualTo("push.notifications.dead");
        assertThat(e.raw).hasSize(JsonMessageSchema.KEPT_OF_OVERSIZED);
    }

    @Test
    void the_broker_refuses_a_body_larger_than_any_source_reads() throws Exception {
        try (Connection c = rabbit.connectionFactory().newConnection()) {
            Channel ch = c.createChannel(); // the broker closes it: not closed again here
            queues.declare(Queues.PUSH_EVENTS, new ChannelDeclarer(ch));
            ch.confirmSelect();
            ch.basicPublish(
                    "",
                    queues.name(Queues.PUSH_EVENTS),
                    new AMQP.BasicProperties.Builder().correlationId("big").build(),
                    new byte[PushflowRabbitSource.MAX_BODY + 1]);
            assertThatThrownBy(() -> ch.waitForConfirmsOrDie(10_000)).hasStackTraceContaining("message size");
        }
        try (Connection c = rabbit.connectionFactory().newConnection();
                Channel ch = c.createChannel()) {
            assertThat(ch.messageCount(queues.name(Queues.PUSH_EVENTS))).isZero();
        }
    }
}
