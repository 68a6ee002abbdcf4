package io.pushflow.flink.status;

import io.pushflow.flink.rabbit.AmqpMessage;
import java.time.Duration;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Lets through only the engagement events of campaigns the job knows from their commands, for variants those
 * campaigns have (keyed by campaign): anything else would make keyed state, metrics and rows for ids nobody sent. An
 * event of a campaign whose command has not come yet waits for it (at most {@code grace}, at most
 * {@value #MAX_WAITING} per campaign); what cannot be matched goes to {@code push.events.dead} with the reason. A
 * campaign is forgotten {@code keepAfterWindow} after its send window ends, later events for it are dead letters.
 */
public class EngagementCheck extends KeyedCoProcessFunction<Long, RewardRule, EngagementEvent, EngagementEvent> {

    public static final String UID = "engagement-check";
    /** How long an event may wait for its campaign's command (it comes with the launch, long before any click). */
    public static final Duration GRACE = Duration.ofMinutes(10);
    /** How long after its window a campaign's events are still taken (late opens and clicks). */
    public static final Duration KEEP_AFTER_WINDOW = Duration.ofDays(7);

    public static final OutputTag<AmqpMessage> DEAD_LETTERS = new OutputTag<>("engagement-dead-letters") {};
    static final int MAX_WAITING = 10_000;
    static final ValueStateDescriptor<RewardRule> RULE = new ValueStateDescriptor<>("rule", RewardRule.class);
    static final ListStateDescriptor<EngagementEvent> WAITING =
            new ListStateDescriptor<>("waiting", EngagementEvent.class);
    static final ValueStateDescriptor<Integer> WAITING_COUNT =
            new ValueStateDescriptor<>("waiting-count", Integer.class);

    private final String deadQueue;
    private final long graceMillis;
    private final long keepAfterWindowMillis;
    private transient ValueState<RewardRule> rule;
    private transient ListState<EngagementEvent> waiting;
    private transient ValueState<Integer> waitingCount;

    public EngagementCheck(String deadQueue, Duration grace, Duration keepAfterWindow) {
        this.deadQueue = deadQueue;
        this.graceMillis = grace.toMillis();
        this.keepAfterWindowMillis = keepAfterWindow.toMillis();
    }

    @Override
    public void open(OpenContext context) {
        rule = getRuntimeContext().getState(RULE);
        waiting = getRuntimeContext().getListState(WAITING);
        waitingCount = getRuntimeContext().getState(WAITING_COUNT);
    }

    /** The campaign's rule (the newest version wins): events that waited for it are checked now. */
    @Override
    public void processElement1(RewardRule next, Context ctx, Collector<EngagementEvent> out) throws Exception {
        RewardRule known = rule.value();
        if (known != null && next.version < known.version) {
            return;
        }
        rule.update(next);
        ctx.timerService().registerProcessingTimeTimer(next.windowEndMillis + keepAfterWindowMillis);
        Iterable<EngagementEvent> held = waiting.get();
        if (held != null) {
            for (EngagementEvent e : held) {
                check(next, e, ctx, out);
            }
        }
        waiting.clear();
        waitingCount.clear();
    }

    @Override
    public void processElement2(EngagementEvent e, Context ctx, Collector<EngagementEvent> out) throws Exception {
        RewardRule known = rule.value();
        if (known != null) {
            check(known, e, ctx, out);
            return;
        }
        int held = waitingCount.value() == null ? 0 : waitingCount.value();
        if (held >= MAX_WAITING) {
            ctx.output(
                    DEAD_LETTERS,
                    e.deadLetter(
                            deadQueue,
                            "campaign " + e.campaignId + " is unknown and " + MAX_WAITING
                                    + " of its events wait already"));
            return;
        }
        if (held == 0) {
            ctx.timerService().registerProcessingTimeTimer(ctx.timerService().currentProcessingTime() + graceMillis);
        }
        waiting.add(e);
        waitingCount.update(held + 1);
    }

    /** The grace of waiting events ran out (their campaign is unknown), or a known campaign's time is over. */
    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<EngagementEvent> out) throws Exception {
        RewardRule known = rule.value();
        if (known == null) {
            Iterable<EngagementEvent> held = waiting.get();
            if (held != null) {
                for (EngagementEvent e : held) {
                    ctx.output(
                            DEAD_LETTERS,
                            e.deadLetter(
                                    deadQueue,
                                    "campaign " + e.campaignId + " is unknown (never launched, or its "
                                            + "window ended long ago): no command of it came within "
                                            + Duration.ofMillis(graceMillis)));
                }
            }
            waiting.clear();
            waitingCount.clear();
        } else if (timestamp >= known.windowEndMillis + keepAfterWindowMillis) {
            rule.clear();
        }
    }

    private void check(RewardRule known, EngagementEvent e, Context ctx, Collector<EngagementEvent> out) {
        if (known.hasVariant(e.variant)) {
            out.collect(e);
        } else {
            ctx.output(
                    DEAD_LETTERS,
                    e.deadLetter(deadQueue, "campaign " + e.campaignId + " has no variant '" + e.variant + "'"));
        }
    }
}
