package io.pushflow.flink.status;

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
import java.util.function.Consumer;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.Collector;

/**
 * The status job: what happened to each push flows back. The app's opens and clicks ({@code push.events}) and
 * the provider's delivery and click counts (polled for every notification on {@code push.notifications}) go to
 * ClickHouse {@code push_events} and {@code provider_notifications}, and per-variant evidence goes to the bandit on
 * {@code bandit.feedback}, counted by each campaign's metric and reward source (from its commands on
 * {@code campaign.commands.status}). Read {@link #defineWorkflow} for the whole data path.
 */
public final class StatusJob {

    /**
     * Everything the job reads from its configuration. {@code clickWindow}: how long after sending the poller keeps
     * looking at a notification's click count; {@code looksInFlight}: the poller's view calls at once per task; the mean delays from a push to the app's report of a click and of an
     * open, and to the provider's count of a click (the click delay plus the poller's pause), which settle rewards;
     * {@code eventGrace}: how long an event may wait for its campaign's command before it is a dead letter.
     */
    public record Settings(
            Queues queues,
            RabbitSettings rabbit,
            ClickHouse.Config clickHouse,
            ProviderFactory provider,
            Duration firstLook,
            Duration maxPause,
            Duration clickWindow,
            Duration giveUpAfter,
            int looksInFlight,
            Duration feedbackInterval,
            Duration meanClickDelay,
            Duration meanOpenDelay,
            Duration providerClickDelay,
            Duration eventGrace,
            Checkpoints checkpoints,
            int prefetch)
            implements Serializable {

        public static Settings fromEnvironment() {
            Duration maxPause = JobSetting.STATUS_MAX_PAUSE_MS.millis();
            Duration clickDelay = JobSetting.FEEDBACK_CLICK_DELAY_MS.millis();
            return new Settings(
                    new Queues(JobSetting.PUSHFLOW_QUEUE_PREFIX.value()),
                    RabbitSettings.fromEnvironment(),
                    ClickHouse.Config.fromEnvironment(),
                    ProviderFactory.OneSignal.fromEnvironment(),
                    JobSetting.STATUS_FIRST_LOOK_MS.millis(),
                    maxPause,
                    JobSetting.STATUS_CLICK_WINDOW_MS.millis(),
                    Duration.ofHours(24),
                    JobSetting.STATUS_LOOKS_IN_FLIGHT.intValue(),
                    JobSetting.FEEDBACK_INTERVAL_MS.millis(),
                    clickDelay,
                    JobSetting.FEEDBACK_OPEN_DELAY_MS.millis(clickDelay),
                    JobSetting.FEEDBACK_PROVIDER_DELAY_MS.millis(clickDelay.plus(maxPause)),
                    JobSetting.STATUS_EVENT_GRACE_MS.millis(),
                    Checkpoints.fromEnvironment(),
                    Integer.parseInt(JobSetting.RABBITMQ_PREFETCH.value("5000")));
        }
    }

    private StatusJob() {}

    /**
     * events → (bad ones to their dead-letter queue) → app opens to their own rows; the others checked against their
     * campaign's rule (unknown campaigns and variants to the dead-letter queue) → engagement rows, and first opens and
     * clicks per install; notifications → the poller per notification → delivery rows, and deliveries and provider
     * clicks per variant; campaign commands → each campaign's reward rule; evidence and rules → the feedback batcher per
     * campaign → {@code bandit.feedback}, and each variant's running totals.
     */
    public static void defineWorkflow(
            DataStream<StatusEvent> events,
            Settings settings,
            Consumer<DataStream<AmqpMessage>> messageSink,
            Consumer<DataStream<EngagementEvent>> engagementSink,
            Consumer<DataStream<EngagementEvent>> appOpenSink,
            Consumer<DataStream<ProviderNotification>> notificationSink,
            Consumer<DataStream<VariantTotals>> totalsSink) {
        SingleOutputStreamOperator<StatusEvent> good = events.process(new SetAsideBadInput<StatusEvent>())
                .returns(StatusEvent.class)
                .uid("status-set-aside-bad-input")
                .name("set aside bad input");
        DataStream<EngagementEvent> all = good.flatMap((StatusEvent e, Collector<EngagementEvent> out) -> {
                    if (e.engagements != null) {
                        for (EngagementEvent event : e.engagements) {
                            out.collect(event);
                        }
                    }
                })
                .returns(EngagementEvent.class)
                .uid("engagement-events-each")
                .name("engagement events");
        appOpenSink.accept(
                all.filter(EngagementEvent::appOpened).uid("app-opens").name("app opens"));
        DataStream<RewardRule> rules = good.filter(e -> e.rule != null)
                .uid("campaign-commands")
                .name("campaign commands")
                .map(e -> e.rule)
                .returns(RewardRule.class)
                .uid("reward-rule")
                .name("reward rule");
        SingleOutputStreamOperator<EngagementEvent> engagement = rules.keyBy(r -> r.campaignId)
                .connect(all.filter(e -> !e.appOpened())
                        .uid("push-engagement")
                        .name("push engagement")
                        .keyBy(e -> e.campaignId))
                .process(new EngagementCheck(
                        settings.queues().dead(Queues.PUSH_EVENTS),
                        settings.eventGrace(),
                        EngagementCheck.KEEP_AFTER_WINDOW))
                .uid(EngagementCheck.UID)
                .name("events of known campaigns");
        engagementSink.accept(engagement);
        DataStream<VariantDelta> firsts = engagement
                .keyBy(FirstEngagement::key)
                .process(new FirstEngagement())
                .uid(FirstEngagement.UID)
                .name("first open and click");
        SingleOutputStreamOperator<ProviderNotification> polled = good.filter(e -> e.notification != null)
                .uid("notifications-to-poll")
                .name("notifications to poll")
                .map(e -> e.notification)
                .returns(ProviderNotification.class)
                .uid("notification-to-poll")
                .name("notification")
                .keyBy(n -> n.notificationId)
                .process(new DeliveryPoller(
                        settings.provider(),
                        settings.firstLook(),
                        settings.maxPause(),
                        settings.clickWindow(),
                        settings.giveUpAfter(),
                        settings.looksInFlight()))
                .uid(DeliveryPoller.UID)
                .name("delivery poller");
        notificationSink.accept(polled);
        SingleOutputStreamOperator<AmqpMessage> feedback = rules.keyBy(r -> r.campaignId)
                .connect(firsts.union(polled.getSideOutput(DeliveryPoller.DELIVERIES))
                        .keyBy(d -> d.campaignId))
                .process(new FeedbackBatcher(
                        settings.queues().name(Queues.BANDIT_FEEDBACK),
                        settings.feedbackInterval(),
                        settings.meanClickDelay(),
                        settings.meanOpenDelay(),
                        settings.providerClickDelay()))
                .uid(FeedbackBatcher.UID)
                .name("bandit feedback");
        totalsSink.accept(feedback.getSideOutput(FeedbackBatcher.TOTALS));
        messageSink.accept(feedback.union(
                good.getSideOutput(SetAsideBadInput.DEAD_LETTERS),
                engagement.getSideOutput(EngagementCheck.DEAD_LETTERS)));
    }

    /** The job as it runs: checkpointed, no Kryo fallback, every operator with a fixed uid. */
    public static void build(StreamExecutionEnvironment env, Settings settings) {
        settings.checkpoints().apply(env);
        DataStream<StatusEvent> events = source(env, settings, Queues.PUSH_EVENTS, StatusEventSchema.Kind.EVENTS);
        DataStream<StatusEvent> notifications =
                source(env, settings, Queues.PUSH_NOTIFICATIONS, StatusEventSchema.Kind.NOTIFICATIONS);
        DataStream<StatusEvent> commands =
                source(env, settings, Queues.STATUS_COMMANDS, StatusEventSchema.Kind.COMMANDS);
        defineWorkflow(
                events.union(notifications, commands),
                settings,
                out -> out.sinkTo(new ConfirmingRabbitSink(settings.rabbit(), settings.queues()))
                        .uid("status-rabbit-sink")
                        .name("rabbitmq"),
                rows -> rows.sinkTo(ClickHouseSink.jsonEachRow(
                                EngagementEvent::jsonEachRow, settings.clickHouse(), "push_events"))
                        .uid("push-events-sink")
                        .name("push_events"),
                rows -> rows.sinkTo(ClickHouseSink.jsonEachRow(
                                EngagementEvent::appOpenRow, settings.clickHouse(), "app_opens"))
                        .uid("app-opens-sink")
                        .name("app_opens"),
                rows -> rows.sinkTo(ClickHouseSink.jsonEachRow(
                                ProviderNotification::jsonEachRow, settings.clickHouse(), "provider_notifications"))
                        .uid("notification-status-sink")
                        .name("provider_notifications"),
                rows -> {
                    rows.sinkTo(ClickHouseSink.jsonEachRow(
                                    VariantTotals::jsonEachRow, settings.clickHouse(), "variant_totals"))
                            .uid("variant-totals-sink")
                            .name("variant_totals");
                    rows.sinkTo(ClickHouseSink.jsonEachRow(
                                    VariantTotals::jsonEachRow, settings.clickHouse(), "variant_totals_history"))
                            .uid("variant-totals-history-sink")
                            .name("variant_totals_history");
                });
    }

    private static DataStream<StatusEvent> source(
            StreamExecutionEnvironment env, Settings settings, String queue, StatusEventSchema.Kind kind) {
        return env.addSource(new PushflowRabbitSource<>(
                        settings.rabbit(),
                        settings.queues(),
                        queue,
                        new StatusEventSchema(kind, settings.queues().name(queue)),
                        settings.prefetch()))
                .setParallelism(1)
                .uid(queue + "-source")
                .name(queue);
    }

    public static void main(String[] args) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        build(env, Settings.fromEnvironment());
        env.execute("pushflow status");
    }
}
