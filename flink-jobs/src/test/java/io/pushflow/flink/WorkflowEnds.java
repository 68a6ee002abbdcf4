package io.pushflow.flink;

import io.pushflow.flink.rabbit.InboundMessage;
import io.pushflow.flink.rabbit.JsonMessageSchema;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Consumer;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.SinkFunction;
import org.apache.flink.streaming.api.functions.source.SourceFunction;
import org.apache.flink.test.junit5.MiniClusterExtension;

/**
 * In-memory ends for a job's {@code defineWorkflow}, as Flink's cookbook tests plug them in: a source that reads its
 * messages through the job's own schema (so they are the wire format the queues carry) and stays open until the test
 * has what it waits for, since a finished source would drop the operators' pending timers, and sinks that collect.
 * The collections are static, keyed by the run: functions are serialized into the job, the collections are not.
 */
public final class WorkflowEnds implements AutoCloseable {

    private static final Map<String, Queue<Object>> COLLECTED = new ConcurrentHashMap<>();
    private static final Set<String> CLOSED = ConcurrentHashMap.newKeySet();

    private final String run = UUID.randomUUID().toString();

    /** A MiniCluster of two slots for a workflow test. */
    public static MiniClusterExtension cluster() {
        return new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
                .setNumberTaskManagers(1)
                .setNumberSlotsPerTaskManager(2)
                .build());
    }

    /** An environment at parallelism 2 configured as the jobs run (checkpoints, no Kryo fallback, fixed uids only). */
    public static StreamExecutionEnvironment environment(Checkpoints checkpoints) {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        checkpoints.apply(env);
        return env;
    }

    /** One message as a queue would deliver it. */
    public record Message(String correlationId, byte[] body) implements Serializable {}

    /** {@code messages}, read by {@code schema} at parallelism 1, then open until {@link #close()}. */
    public <T extends InboundMessage> DataStream<T> source(
            StreamExecutionEnvironment env, String name, JsonMessageSchema<T> schema, List<Message> messages) {
        return env.addSource(new HeldOpenSource<>(run, schema, new ArrayList<>(messages)), schema.getProducedType())
                .setParallelism(1)
                .uid(name + "-source")
                .name(name);
    }

    /** A sink that keeps what reaches it under {@code name}. */
    public <T> Consumer<DataStream<T>> collect(String name) {
        String key = run + "/" + name;
        COLLECTED.put(key, new ConcurrentLinkedQueue<>());
        return stream ->
                stream.addSink(new Collecting<>(key)).uid(name + "-collect").name(name);
    }

    @SuppressWarnings("unchecked")
    public <T> List<T> collected(String name) {
        return new ArrayList<>((Queue<T>) (Queue<?>) COLLECTED.get(run + "/" + name));
    }

    /** Lets the sources finish, so the job ends. */
    @Override
    public void close() {
        CLOSED.add(run);
    }

    /** Drops what the run collected. */
    public void forget() {
        COLLECTED.keySet().removeIf(k -> k.startsWith(run + "/"));
        CLOSED.remove(run);
    }

    private static final class HeldOpenSource<T extends InboundMessage> implements SourceFunction<T> {
        private final String run;
        private final JsonMessageSchema<T> schema;
        private final List<Message> messages;
        private volatile boolean cancelled;

        HeldOpenSource(String run, JsonMessageSchema<T> schema, List<Message> messages) {
            this.run = run;
            this.schema = schema;
            this.messages = messages;
        }

        @Override
        public void run(SourceContext<T> ctx) throws Exception {
            for (Message m : messages) {
                synchronized (ctx.getCheckpointLock()) {
                    ctx.collect(schema.parse(m.correlationId(), m.body()));
                }
            }
            while (!cancelled && !CLOSED.contains(run)) {
                Thread.sleep(20);
            }
        }

        @Override
        public void cancel() {
            cancelled = true;
        }
    }

    private static final class Collecting<T> implements SinkFunction<T> {
        private final String key;

        Collecting(String key) {
            this.key = key;
        }

        @Override
        public void invoke(T value, Context context) {
            COLLECTED.get(key).add(value);
        }
    }
}
