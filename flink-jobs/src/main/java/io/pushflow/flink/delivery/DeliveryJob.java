package io.pushflow.flink.delivery;

import io.pushflow.core.json.Json;
import io.pushflow.core.messaging.Queues;
import io.pushflow.flink.Checkpoints;
import io.pushflow.flink.JobSetting;
import io.pushflow.flink.clickhouse.ClickHouseSink;
import io.pushflow.flink.contracts.ProviderNotification;
import io.pushflow.flink.provider.ProviderFactory;
import io.pushflow.flink.rabbit.AmqpMessage;
import io.pushflow.flink.rabbit.ConfirmingRabbitSink;
import io.pushflow.flink.rabbit.PushflowRabbitSource;
import io.pushflow.flink.rabbit.RabbitSettings;
import io.pushflow.flink.rabbit.SetAsideBadInput;
import io.pushflow.store.ClickHouse;
import java.io.Serializable;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.flink.streaming.api.datastream.AsyncDataStream;
import org.apache.flink.streaming.api.datastream.BroadcastStream;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.Collector;

/**
 * The delivery job: outbox batches, campaign commands and user changes in; every push checked at the gate right
 * before it goes out, sent once through the provider, and one outcome row per audience member out to ClickHouse
 * {@code push_sends}. Read {@link #defineWorkflow} for the whole data path.
 */
public final class DeliveryJob {

    /** Everything the job reads from its configuration; {@code direct}: APNs and FCM for DIRECT campaigns. */
    public record Settings(
            Queues queues,
            RabbitSettings rabbit,
            ClickHouse.Config clickHouse,
            ProviderFactory provider,
            int sendThreads,
            int inFlightRequests,
            Duration sendTimeout,
            Checkpoints checkpoints,
            int prefetch,
            DirectServices direct)
            implements Serializable {

        public Settings {
            direct = direct == null ? DirectServices.NONE : direct;
        }

        /** Without direct sending (a DIRECT campaign's pushes fail, saying what to configure). */
        public Settings(
                Queues queues,
                RabbitSettings rabbit,
                ClickHouse.Config clickHouse,
                ProviderFactory provider,
                int sendThreads,
                int inFlightRequests,
                Duration sendTimeout,
                Checkpoints checkpoints,
                int prefetch) {
            this(
                    queues,
                    rabbit,
                    clickHouse,
                    provider,
                    sendThreads,
                    inFlightRequests,
                    sendTimeout,
                    checkpoints,
                    prefetch,
                    DirectServices.NONE);
        }

        public static Settings fromEnvironment() {
            return new Settings(
                    new Queues(JobSetting.PUSHFLOW_QUEUE_PREFIX.value()),
                    RabbitSettings.fromEnvironment(),
                    ClickHouse.Config.fromEnvironment(),
                    ProviderFactory.OneSignal.fromEnvironment(),
                    JobSetting.DELIVERY_SEND_THREADS.intValue(),
                    JobSetting.DELIVERY_IN_FLIGHT.intValue(),
                    Duration.ofMinutes(10),
                    Checkpoints.fromEnvironment(),
                    JobSetting.DELIVERY_PREFETCH.intValue(),
                    DirectServices.fromEnvironment());
        }

        public Settings withDirect(DirectServices services) {
            return new Settings(
                    queues,
                    rabbit,
                    clickHouse,
                    provider,
                    sendThreads,
                    inFlightRequests,
                    sendTimeout,
                    checkpoints,
                    prefetch,
                    services);
        }
    }

    private DeliveryJob() {}

    /**
     * events → (bad ones to their dead-letter queue) → outbox batches (one chunk of user ids each) and user changes
     * → the gate per chunk (campaign rules and suppression broadcast), which sends what may go now as provider
     * requests and hands deferred recipients to the quiet-hours queue per campaign → requests through Async I/O →
     * outcome rows, invalid tokens as user changes, created notifications.
     */
    public static void defineWorkflow(
            DataStream<DeliveryEvent> events,
            Settings settings,
            Consumer<DataStream<AmqpMessage>> messageSink,
            Consumer<DataStream<Outcomes>> outcomeSink,
            Consumer<DataStream<ProviderNotification>> notificationSink) {
        SingleOutputStreamOperator<DeliveryEvent> good = events.process(new SetAsideBadInput<DeliveryEvent>())
                .returns(DeliveryEvent.class)
                .uid("delivery-set-aside-bad-input")
                .name("set aside bad input");
        DataStream<GateInput> batches = good.flatMap((DeliveryEvent e, Collector<GateInput> out) -> {
                    if (e.batch != null) {
                        e.batch.byChunk().forEach(b -> out.collect(GateInput.of(b)));
                    }
                })
                .returns(GateInput.class)
                .uid("outbox-batches-by-chunk")
                .name("outbox batches");
        DataStream<GateInput> changes = good.filter(e -> e.change != null)
                .uid("user-changes")
                .name("user changes")
                .map(e -> GateInput.of(e.change))
                .returns(GateInput.class)
                .uid("user-change-to-gate")
                .name("user change");
        BroadcastStream<GateControl> controls = good.flatMap((DeliveryEvent e, Collector<GateControl> out) -> {
                    if (e.campaign != null) {
                        out.collect(GateControl.of(e.campaign));
                    } else if (e.change != null) {
                        out.collect(GateControl.of(e.change));
                    }
                })
                .returns(GateControl.class)
                .uid("gate-controls")
                .name("campaign rules and suppression")
                .broadcast(DeliveryGate.CAMPAIGNS, DeliveryGate.SUPPRESSION);
        SingleOutputStreamOperator<SendRequest> now = batches.union(changes)
                .keyBy(GateInput::chunk)
                .connect(controls)
                .process(new DeliveryGate())
                .uid(DeliveryGate.UID)
                .name("delivery gate");
        SingleOutputStreamOperator<SendRequest> later = now.getSideOutput(DeliveryGate.LATER)
                .keyBy(Later::campaignId)
                .process(new QuietHoursQueue())
                .uid(QuietHoursQueue.UID)
                .name("quiet hours queue");
        DataStream<SendReport> reports = AsyncDataStream.unorderedWait(
                        now.union(later),
                        new ProviderSender(
                                settings.provider(), settings.direct(), settings.clickHouse(), settings.sendThreads()),
                        settings.sendTimeout().toMillis(),
                        TimeUnit.MILLISECONDS,
                        settings.inFlightRequests())
                .uid(ProviderSender.UID)
                .name("provider send");
        SingleOutputStreamOperator<Outcomes> sent = reports.process(new SendOutcomes(settings.queues()))
                .uid("send-outcomes")
                .name("send outcomes");
        outcomeSink.accept(
                sent.union(now.getSideOutput(DeliveryGate.OUTCOMES), later.getSideOutput(QuietHoursQueue.OUTCOMES)));
        DataStream<ProviderNotification> notifications = sent.getSideOutput(SendOutcomes.NOTIFICATIONS);
        notificationSink.accept(notifications);
        String toPoll = settings.queues().name(Queues.PUSH_NOTIFICATIONS);
        DataStream<AmqpMessage> polls = notifications
                .map(n -> AmqpMessage.of(toPoll, n.notificationId, "NOTIFICATION", Json.write(n)))
                .uid("notification-encode")
                .name("notifications to poll");
        messageSink.accept(good.getSideOutput(SetAsideBadInput.DEAD_LETTERS)
                .union(sent.getSideOutput(SendOutcomes.USER_CHANGES), polls));
    }

    /** The job as it runs: checkpointed, no Kryo fallback, every operator with a fixed uid. */
    public static void build(StreamExecutionEnvironment env, Settings settings) {
        settings.checkpoints().apply(env);
        defineWorkflow(
                sources(env, settings),
                settings,
                messageSink(settings),
                outcomeSink(settings),
                notificationSink(settings));
    }

    /** Outbox batches, campaign commands and user changes from RabbitMQ, as one stream. */
    public static DataStream<DeliveryEvent> sources(StreamExecutionEnvironment env, Settings settings) {
        DataStream<DeliveryEvent> outbox =
                source(env, settings, Queues.PUSH_OUTBOX, DeliveryEventSchema.Kind.OUTBOX, settings.prefetch());
        DataStream<DeliveryEvent> commands =
                source(env, settings, Queues.DELIVERY_COMMANDS, DeliveryEventSchema.Kind.COMMANDS, 100);
        DataStream<DeliveryEvent> changes =
                source(env, settings, Queues.DELIVERY_USER_CHANGES, DeliveryEventSchema.Kind.CHANGES, 10_000);
        return outbox.union(commands, changes);
    }

    /** Dead letters, user changes and notifications to poll, published with confirms. */
    public static Consumer<DataStream<AmqpMessage>> messageSink(Settings settings) {
        return out -> out.sinkTo(new ConfirmingRabbitSink(settings.rabbit(), settings.queues()))
                .uid("delivery-rabbit-sink")
                .name("rabbitmq");
    }

    /** One row per audience member in ClickHouse {@code push_sends}. */
    public static Consumer<DataStream<Outcomes>> outcomeSink(Settings settings) {
        return outcomes -> outcomes.sinkTo(
                        ClickHouseSink.rowBinary(Outcomes::rowBinary, settings.clickHouse(), "push_sends"))
                .uid("push-sends-sink")
                .name("push_sends");
    }

    /** Created notifications and direct requests in ClickHouse {@code provider_notifications}. */
    public static Consumer<DataStream<ProviderNotification>> notificationSink(Settings settings) {
        return notifications -> notifications
                .sinkTo(ClickHouseSink.jsonEachRow(
                        ProviderNotification::jsonEachRow, settings.clickHouse(), "provider_notifications"))
                .uid("provider-notifications-sink")
                .name("provider_notifications");
    }

    private static DataStream<DeliveryEvent> source(
            StreamExecutionEnvironment env,
            Settings settings,
            String queue,
            DeliveryEventSchema.Kind kind,
            int prefetch) {
        return env.addSource(new PushflowRabbitSource<>(
                        settings.rabbit(),
                        settings.queues(),
                        queue,
                        new DeliveryEventSchema(kind, settings.queues().name(queue)),
                        prefetch))
                .setParallelism(1)
                .uid(queue + "-source")
                .name(queue);
    }

    public static void main(String[] args) throws Exception {
        Settings settings = Settings.fromEnvironment();
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        build(env, settings);
        env.execute("pushflow delivery");
    }
}
