package io.pushflow.flink.dispatch;

import io.pushflow.core.json.Json;
import io.pushflow.core.messaging.Queues;
import io.pushflow.flink.Checkpoints;
import io.pushflow.flink.JobSetting;
import io.pushflow.flink.clickhouse.ClickHouseSink;
import io.pushflow.flink.contracts.OutboxBatch;
import io.pushflow.flink.rabbit.AmqpMessage;
import io.pushflow.flink.rabbit.ConfirmingRabbitSink;
import io.pushflow.flink.rabbit.PushflowRabbitSource;
import io.pushflow.flink.rabbit.RabbitSettings;
import io.pushflow.flink.rabbit.SetAsideBadInput;
import io.pushflow.store.ClickHouse;
import java.io.Serializable;
import java.time.Duration;
import java.util.function.Consumer;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The dispatch job: campaign commands and bandit feedback in, paced and split audience batches out on
 * {@code push.outbox}. Read {@link #defineWorkflow} for the whole data path.
 */
public final class DispatchJob {

    /** Everything the job reads from its configuration. */
    public record Settings(
            Queues queues,
            RabbitSettings rabbit,
            ClickHouse.Config clickHouse,
            Duration waveInterval,
            int maxWave,
            int batchSize,
            Checkpoints checkpoints,
            int prefetch)
            implements Serializable {

        public static Settings fromEnvironment() {
            return new Settings(
                    new Queues(JobSetting.PUSHFLOW_QUEUE_PREFIX.value()),
                    RabbitSettings.fromEnvironment(),
                    ClickHouse.Config.fromEnvironment(),
                    JobSetting.DISPATCH_WAVE_INTERVAL_MS.millis(),
                    JobSetting.DISPATCH_MAX_WAVE.intValue(),
                    JobSetting.DISPATCH_BATCH_SIZE.intValue(),
                    Checkpoints.fromEnvironment(),
                    Integer.parseInt(JobSetting.RABBITMQ_PREFETCH.value("1000")));
        }
    }

    private DispatchJob() {}

    /**
     * events → (bad ones to their dead-letter queue) → wave planner per campaign → outbox batches, completion reports and
     * refused feedback (to its dead-letter queue) → message sink; the planner's shares per wave → allocation sink.
     */
    public static void defineWorkflow(
            DataStream<DispatchEvent> events,
            AudienceSource.Factory audience,
            Settings settings,
            Consumer<DataStream<AmqpMessage>> messageSink,
            Consumer<DataStream<Allocation>> allocationSink) {
        // at the sources' parallelism (chained to them): a campaign's commands then reach the planner over one channel,
        // in
        // the order they were published; a rebalance to two subtasks let a RESUME overtake the PAUSE before it
        SingleOutputStreamOperator<DispatchEvent> good = events.process(new SetAsideBadInput<DispatchEvent>())
                .returns(DispatchEvent.class)
                .setParallelism(1)
                .uid("set-aside-bad-input")
                .name("set aside bad input");
        String outbox = settings.queues().name(Queues.PUSH_OUTBOX);
        SingleOutputStreamOperator<OutboxBatch> planned = good.keyBy(DispatchEvent::campaignId)
                .process(new WavePlanner(audience, settings.waveInterval(), settings.maxWave(), settings.batchSize()))
                .uid(WavePlanner.UID)
                .name("wave planner");
        DataStream<AmqpMessage> batches = planned.map(b -> AmqpMessage.of(outbox, b.batchId, "OUTBOX", Json.bytes(b)))
                .uid("outbox-encode")
                .name("outbox encode");
        String reports = settings.queues().name(Queues.CAMPAIGN_REPORTS);
        DataStream<AmqpMessage> completions = planned.getSideOutput(WavePlanner.COMPLETIONS)
                .map(done -> {
                    var report = done.report();
                    return AmqpMessage.of(reports, report.reportId(), done.type, Json.write(report));
                })
                .uid("report-encode")
                .name("report encode");
        String deadFeedback = settings.queues().dead(Queues.BANDIT_FEEDBACK);
        DataStream<AmqpMessage> refused = planned.getSideOutput(WavePlanner.REFUSED_FEEDBACK)
                .map(f -> {
                    AmqpMessage dead = AmqpMessage.of(deadFeedback, f.feedbackId, "DEAD", Json.write(f.message()));
                    dead.error = f.error;
                    return dead;
                })
                .uid("refused-feedback-encode")
                .name("refused feedback");
        messageSink.accept(batches.union(good.getSideOutput(SetAsideBadInput.DEAD_LETTERS), completions, refused));
        allocationSink.accept(planned.getSideOutput(WavePlanner.ALLOCATIONS));
    }

    /** The job as it runs: checkpointed, no Kryo fallback, every operator with a fixed uid. */
    public static void build(StreamExecutionEnvironment env, Settings settings, AudienceSource.Factory audience) {
        settings.checkpoints().apply(env);
        defineWorkflow(sources(env, settings), audience, settings, messageSink(settings), allocationSink(settings));
    }

    /** Campaign commands and bandit feedback from RabbitMQ, as one stream. */
    public static DataStream<DispatchEvent> sources(StreamExecutionEnvironment env, Settings settings) {
        return source(
                        env,
                        settings,
                        Queues.CAMPAIGN_COMMANDS,
                        DispatchEventSchema.Kind.COMMANDS,
                        "campaign-commands-source")
                .union(source(
                        env,
                        settings,
                        Queues.BANDIT_FEEDBACK,
                        DispatchEventSchema.Kind.FEEDBACK,
                        "bandit-feedback-source"));
    }

    private static DataStream<DispatchEvent> source(
            StreamExecutionEnvironment env,
            Settings settings,
            String queue,
            DispatchEventSchema.Kind kind,
            String uid) {
        return env.addSource(new PushflowRabbitSource<>(
                        settings.rabbit(),
                        settings.queues(),
                        queue,
                        new DispatchEventSchema(kind, settings.queues().name(queue)),
                        settings.prefetch()))
                .setParallelism(1)
                .uid(uid)
                .name(queue);
    }

    /** Outbox batches, completion reports and dead letters, published with confirms. */
    public static Consumer<DataStream<AmqpMessage>> messageSink(Settings settings) {
        return out -> out.sinkTo(new ConfirmingRabbitSink(settings.rabbit(), settings.queues()))
                .uid("rabbit-sink")
                .name("rabbitmq");
    }

    /** Each variant's share per wave in ClickHouse {@code campaign_allocations}. */
    public static Consumer<DataStream<Allocation>> allocationSink(Settings settings) {
        return allocations -> allocations
                .sinkTo(ClickHouseSink.jsonEachRow(
                        Allocation::jsonEachRow, settings.clickHouse(), "campaign_allocations"))
                .uid("allocations-sink")
                .name("campaign_allocations");
    }

    public static void main(String[] args) throws Exception {
        Settings settings = Settings.fromEnvironment();
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        build(env, settings, new ClickHouseAudience(settings.clickHouse()));
        env.execute("pushflow dispatch");
    }
}
