package io.pushflow.flink.rabbit;

import com.fasterxml.jackson.core.type.TypeReference;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import io.pushflow.core.json.Json;
import io.pushflow.core.messaging.ChannelDeclarer;
import io.pushflow.core.messaging.Queues;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeoutException;
import org.apache.flink.api.connector.sink2.Committer;
import org.apache.flink.api.connector.sink2.CommitterInitContext;
import org.apache.flink.api.connector.sink2.CommittingSinkWriter;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.SupportsCommitter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/**
 * Publishes to RabbitMQ in two phases: the writer holds a checkpoint's messages, and only when that checkpoint
 * is complete does the committer publish them, persistent and with publisher confirms. So nothing a restore
 * would compute anew was ever visible, and a published message is never lost; a commit retried after a
 * failure may publish a message twice, which consumers drop by correlation id. Written here because the
 * connector's RMQSink publishes without confirms or checkpoint alignment.
 */
public class ConfirmingRabbitSink implements Sink<AmqpMessage>, SupportsCommitter<ConfirmingRabbitSink.Pending> {

    public static final String ERROR_HEADER = "x-pushflow-error";
    private static final long CONFIRM_TIMEOUT_MILLIS = 60_000;
    /** The longest reason a dead letter's header carries (the rest of a long reason is the message's own text). */
    static final int MAX_ERROR_CHARS = 1_000;

    /** One checkpoint's messages of one writer. */
    public record Pending(List<AmqpMessage> messages) {}

    private final RabbitSettings settings;
    private final Queues queues;

    public ConfirmingRabbitSink(RabbitSettings settings, Queues queues) {
        this.settings = settings;
        this.queues = queues;
    }

    @Override
    @Deprecated
    public SinkWriter<AmqpMessage> createWriter(InitContext context) {
        return new Holder();
    }

    @Override
    public SinkWriter<AmqpMessage> createWriter(WriterInitContext context) {
        return new Holder();
    }

    @Override
    public Committer<Pending> createCommitter(CommitterInitContext context) {
        return new Publisher(settings, queues);
    }

    @Override
    public SimpleVersionedSerializer<Pending> getCommittableSerializer() {
        return new PendingSerializer();
    }

    /** Holds messages until the checkpoint barrier, then hands them over as one committable. */
    static final class Holder implements CommittingSinkWriter<AmqpMessage, Pending> {

        private List<AmqpMessage> held = new ArrayList<>();

        @Override
        public void write(AmqpMessage message, Context context) {
            held.add(message);
        }

        @Override
        public void flush(boolean endOfInput) {}

        @Override
        public Collection<Pending> prepareCommit() {
            if (held.isEmpty()) {
                return List.of();
            }
            Pending pending = new Pending(held);
            held = new ArrayList<>();
            return List.of(pending);
        }

        @Override
        public void close() {}
    }

    /** Publishes committed messages with confirms; a commit that fails is retried later with a new connection. */
    static final class Publisher implements Committer<Pending> {

        private final RabbitSettings settings;
        private final Queues queues;
        private final Set<String> declared = new HashSet<>();
        private Connection connection;
        private Channel channel;

        Publisher(RabbitSettings settings, Queues queues) {
            this.settings = settings;
            this.queues = queues;
        }

        @Override
        public void commit(Collection<CommitRequest<Pending>> requests) throws InterruptedException {
            for (CommitRequest<Pending> request : requests) {
                try {
                    Channel ch = channel();
                    for (AmqpMessage message : request.getCommittable().messages()) {
                        publish(ch, message);
                    }
                    ch.waitForConfirmsOrDie(CONFIRM_TIMEOUT_MILLIS);
                } catch (IOException | TimeoutException | RuntimeException e) {
                    disconnect();
                    request.retryLater();
                }
            }
        }

        private void publish(Channel ch, AmqpMessage message) throws IOException {
            declare(ch, message);
            String id = shortString(message.correlationId);
            AMQP.BasicProperties.Builder props = new AMQP.BasicProperties.Builder()
                    .contentType("application/json")
                    .deliveryMode(2)
                    .correlationId(id)
                    .messageId(id)
                    .type(message.type);
            if (message.error != null) {
                props.headers(Map.of(
                        ERROR_HEADER,
                        message.error.length() <= MAX_ERROR_CHARS
                                ? message.error
                                : message.error.substring(0, MAX_ERROR_CHARS) + "…"));
            }
            if (message.exchange != null) {
                ch.basicPublish(message.exchange, "", props.build(), message.body);
            } else {
                ch.basicPublish("", message.queue, props.build(), message.body);
            }
        }

        /**
         * An id as AMQP can carry it (a short string: at most 255 bytes): a longer one, which only an id taken from a hostile
         * message can be, becomes a name-based UUID of it, the same on every replay. The broker closes the connection on a
         * property or header it cannot frame, and the commit would be retried forever.
         */
        static String shortString(String id) {
            if (id == null || id.getBytes(StandardCharsets.UTF_8).length <= 255) {
                return id;
            }
            return "long-id-" + UUID.nameUUIDFromBytes(id.getBytes(StandardCharsets.UTF_8));
        }

        /** Declares the shared topology before the first message to a queue or exchange (names carry the prefix). */
        private void declare(Channel ch, AmqpMessage message) throws IOException {
            String target = message.exchange != null ? message.exchange : message.queue;
            if (!declared.add(target)) {
                return;
            }
            String base = target.substring(queues.prefix().length());
            if (message.exchange != null) {
                queues.declareExchange(base, new ChannelDeclarer(ch));
            } else if (base.endsWith(".dead")) {
                ch.queueDeclare(target, true, false, false, null);
            } else {
                queues.declare(base, new ChannelDeclarer(ch));
            }
        }

        private Channel channel() throws IOException, TimeoutException {
            if (channel == null || !channel.isOpen()) {
                connection = settings.connectionFactory().newConnection("pushflow-flink-sink");
                channel = connection.createChannel();
                channel.confirmSelect();
                declared.clear();
            }
            return channel;
        }

        private void disconnect() {
            try {
                if (connection != null && connection.isOpen()) {
                    connection.close(2_000);
                }
            } catch (IOException | RuntimeException ignored) {
                // the next commit opens a new connection
            }
            connection = null;
            channel = null;
        }

        @Override
        public void close() {
            disconnect();
        }
    }

    /**
     * Committables travel from the writer to the committer and through checkpoints in this form: version 2 writes
     * each message's fields as length-prefixed UTF-8, the body as its bytes (a 100 KB outbox batch is copied, not
     * escaped: the JSON of version 1 spent 40% of the pipeline's CPU escaping the bodies); version 1, JSON, is
     * still read.
     */
    static final class PendingSerializer implements SimpleVersionedSerializer<Pending> {

        /** A message as version 1 wrote it: the body as a JSON string. */
        record Version1(String exchange, String queue, String correlationId, String type, String body, String error) {}

        private static final TypeReference<List<Version1>> VERSION_1 = new TypeReference<>() {};

        @Override
        public int getVersion() {
            return 2;
        }

        @Override
        public byte[] serialize(Pending pending) throws IOException {
            int size = 4;
            for (AmqpMessage m : pending.messages()) {
                size += 6 * 4 + (m.body == null ? 0 : m.body.length) + 256;
            }
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(size);
            try (DataOutputStream out = new DataOutputStream(bytes)) {
                out.writeInt(pending.messages().size());
                for (AmqpMessage m : pending.messages()) {
                    writeString(out, m.exchange);
                    writeString(out, m.queue);
                    writeString(out, m.correlationId);
                    writeString(out, m.type);
                    writeBytes(out, m.body);
                    writeString(out, m.error);
                }
            }
            return bytes.toByteArray();
        }

        @Override
        public Pending deserialize(int version, byte[] serialized) throws IOException {
            if (version == 1) {
                List<AmqpMessage> messages = new ArrayList<>();
                for (Version1 m : Json.MAPPER.readValue(serialized, VERSION_1)) {
                    AmqpMessage message =
                            AmqpMessage.of(m.queue(), m.correlationId(), m.type(), m.body() == null ? "" : m.body());
                    message.exchange = m.exchange();
                    message.error = m.error();
                    messages.add(message);
                }
                return new Pending(messages);
            }
            if (version != 2) {
                throw new IOException("unknown committable version " + version);
            }
            try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(serialized))) {
                int n = in.readInt();
                List<AmqpMessage> messages = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    AmqpMessage m = new AmqpMessage();
                    m.exchange = readString(in);
                    m.queue = readString(in);
                    m.correlationId = readString(in);
                    m.type = readString(in);
                    m.body = readBytes(in);
                    m.error = readString(in);
                    messages.add(m);
                }
                return new Pending(messages);
            }
        }

        private static void writeString(DataOutputStream out, String s) throws IOException {
            writeBytes(out, s == null ? null : s.getBytes(StandardCharsets.UTF_8));
        }

        private static void writeBytes(DataOutputStream out, byte[] bytes) throws IOException {
            if (bytes == null) {
                out.writeInt(-1);
                return;
            }
            out.writeInt(bytes.length);
            out.write(bytes);
        }

        private static String readString(DataInputStream in) throws IOException {
            byte[] utf8 = readBytes(in);
            return utf8 == null ? null : new String(utf8, StandardCharsets.UTF_8);
        }

        private static byte[] readBytes(DataInputStream in) throws IOException {
            int length = in.readInt();
            if (length < 0) {
                return null;
            }
            byte[] bytes = in.readNBytes(length);
            if (bytes.length != length) {
                throw new IOException("committable cut short: " + bytes.length + " of " + length + " bytes");
            }
            return bytes;
        }
    }
}
