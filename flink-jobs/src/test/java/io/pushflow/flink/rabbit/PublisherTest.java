package io.pushflow.flink.rabbit;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import io.pushflow.core.messaging.ChannelDeclarer;
import io.pushflow.core.messaging.Queues;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.flink.api.connector.sink2.Committer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The RabbitMQ sink's committer against the real broker: a dead letter whose id and reason come from a hostile message
 * (an event id of 100,000 characters, a reason quoting it) is published, not retried until the job fails. The fuzz
 * suite found that loop: the broker closed the connection on a correlation id over 255 bytes and a header over its frame.
 */
class PublisherTest {

    private final Queues queues =
            new Queues("tpub" + Long.toString(ThreadLocalRandom.current().nextLong(1L << 40), 36) + ".");
    private final RabbitSettings rabbit = RabbitSettings.fromEnvironment();

    @AfterEach
    void removeQueues() throws Exception {
        try (Connection c = rabbit.connectionFactory().newConnection();
                Channel ch = c.createChannel()) {
            new ChannelDeclarer(ch).removeAll(queues);
        }
    }

    @Test
    void a_dead_letter_with_a_huge_id_and_reason_is_published_with_both_cut() throws Exception {
        String id = "e".repeat(100_000);
        AmqpMessage dead = AmqpMessage.of(queues.dead(Queues.PUSH_EVENTS), id, "DEAD", "{}");
        dead.error = "unknown campaign for event " + id;
        boolean[] retried = {false};
        Committer.CommitRequest<ConfirmingRabbitSink.Pending> request = new Committer.CommitRequest<>() {
            public ConfirmingRabbitSink.Pending getCommittable() {
                return new ConfirmingRabbitSink.Pending(List.of(dead));
            }

            public int getNumberOfRetries() {
                return 0;
            }

            public void signalFailedWithKnownReason(Throwable t) {
                retried[0] = true;
            }

            public void signalFailedWithUnknownReason(Throwable t) {
                retried[0] = true;
            }

            public void retryLater() {
                retried[0] = true;
            }

            public void updateAndRetryLater(ConfirmingRabbitSink.Pending committable) {
                retried[0] = true;
            }

            public void signalAlreadyCommitted() {}
        };
        try (var publisher = new ConfirmingRabbitSink.Publisher(rabbit, queues)) {
            publisher.commit(List.of(request));
        }
        assertThat(retried[0]).as("the commit was retried").isFalse();
        try (Connection c = rabbit.connectionFactory().newConnection();
                Channel ch = c.createChannel()) {
            GetResponse r = ch.basicGet(queues.dead(Queues.PUSH_EVENTS), true);
            assertThat(r).isNotNull();
            assertThat(r.getProps().getCorrelationId())
                    .isEqualTo(ConfirmingRabbitSink.Publisher.shortString(id))
                    .startsWith("long-id-");
            assertThat(r.getProps()
                            .getHeaders()
                            .get(ConfirmingRabbitSink.ERROR_HEADER)
                            .toString())
                    .startsWith("unknown campaign for event eee")
                    .hasSize(ConfirmingRabbitSink.MAX_ERROR_CHARS + 1);
        }
    }
}
