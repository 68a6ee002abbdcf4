package io.pushflow.flink.dispatch;

import io.pushflow.core.bandit.ArmEvidence;
import io.pushflow.core.bandit.FixedSplit;
import io.pushflow.core.bandit.Pacing;
import io.pushflow.core.bandit.Policy;
import io.pushflow.core.bandit.Shares;
import io.pushflow.core.bandit.TestThenWinner;
import io.pushflow.core.bandit.ThompsonSampling;
import io.pushflow.core.bandit.WaveAssignment;
import io.pushflow.core.campaign.CampaignReport;
import io.pushflow.core.filter.FilterChain;
import io.pushflow.core.user.UserColumns;
import io.pushflow.flink.CampaignMetrics;
import io.pushflow.store.ClickHouseException;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * Paces one campaign's audience across its send window: LAUNCH plans it, a processing-time timer fires a wave
 * every interval, each wave reads the next page of the cohort after the cursor and splits it between variants
 * by the campaign's policy; PAUSE stops the waves, RESUME continues from the cursor, STOP ends the campaign,
 * UPDATE takes new limits. The cursor lives in keyed state and moves in the same step as the wave's output,
 * so a restore from a checkpoint resumes where it was, never from the start. Feedback (settled deliveries
 * and clicks per variant) accumulates in the same state and steers the bandit's next shares.
 *
 * <p>The outbox sink holds every batch until the checkpoint after it completes (then it publishes them), so a
 * wave waits while this subtask has {@value #HELD_WAVES} full waves released and not yet past a completed checkpoint:
 * a slow checkpoint then slows the release instead of filling the heap (a 5M-user ASAP campaign did). An ASAP
 * campaign without a rate limit releases its next wave as soon as the last one is out, so only that credit and the
 * checkpoints pace it, not the wave interval.
 */
public class WavePlanner extends KeyedProcessFunction<Long, DispatchEvent, OutboxBatch> implements CheckpointedFunction, CheckpointListener {

    public static final String UID = "wave-planner";
    /** Each variant's share of each wave, for ClickHouse campaign_allocations. */
    public static final OutputTag<Allocation> ALLOCATIONS = new OutputTag<>("allocations") { };
    /** Feedback for a campaign the planner does not know (never launched, or forgotten) or for a variant it lacks, with the reason. */
    public static final OutputTag<VariantFeedback> REFUSED_FEEDBACK = new OutputTag<>("refused-feedback") { };
    /** A campaign that has released its audience, for the admin service. */
    public static final OutputTag<Completion> COMPLETIONS = new OutputTag<>("completions") { };
    static final ValueStateDescriptor<PlanState> PLAN = new ValueStateDescriptor<>("plan", PlanState.class);

    /** How soon a wave whose page is still being read ahead looks again. */
    static final long READ_AHEAD_POLL_MILLIS = 10;
    /** How soon a wave held back by uncommitted batches looks again. */
    static final long BACKLOG_RETRY_MILLIS = 100;
    /** How many full waves a subtask may have released and not yet committed before it waits for a checkpoint. */
    static final long HELD_WAVES = 3;

    public enum Status { SCHEDULED, RUNNING, PAUSED, STOPPED, COMPLETED, FAILED }

    /** A campaign is forgotten this long after it is over; a LAUNCH of a campaign whose window ended longer ago is ignored. */
    static final long FORGET_AFTER_OVER_MILLIS = Duration.ofDays(1).toMillis();
    /** The longest pause between tries while ClickHouse does not answer the audience reads. */
    static final long MAX_RETRY_MILLIS = 60_000;
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(WavePlanner.class);

    private final AudienceSource.Factory audienceFactory;
    private final long waveIntervalMillis;
    private final int maxWave;
    private final int batchSize;
    private transient AudienceSource audience;
    private transient ValueState<PlanState> plan;
    private transient CampaignMetrics metrics;
    /** Users this subtask released since it started, and how many of them a completed checkpoint has passed. */
    private transient long releasedTotal;
    private transient long committedTotal;
    /** {@link #releasedTotal} at each pending checkpoint's barrier. */
    private transient NavigableMap<Long, Long> releasedAtBarrier;
    /** ASAP campaigns' next pages, read on a thread of their own. */
    private transient AudienceReadAhead readAhead;

    public WavePlanner(AudienceSource.Factory audienceFactory, Duration waveInterval, int maxWave, int batchSize) {
        this.audienceFactory = audienceFactory;
        this.waveIntervalMillis = waveInterval.toMillis();
        this.maxWave = maxWave;
        this.batchSize = batchSize;
    }

    @Override
    public void open(OpenContext context) {
        plan = getRuntimeContext().getState(PLAN);
        audience = audienceFactory.open();
        metrics = new CampaignMetrics(getRuntimeContext().getMetricGroup());
        releasedAtBarrier = new TreeMap<>();
        readAhead = new AudienceReadAhead(audience);
    }

    @Override
    public void initializeState(FunctionInitializationContext context) {
        // nothing to restore: after a restart nothing released is held by the sink any more
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) {
        releasedAtBarrier.put(context.getCheckpointId(), releasedTotal);
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) {
        Map.Entry<Long, Long> passed = releasedAtBarrier.floorEntry(checkpointId);
        if (passed != null) {
            committedTotal = Math.max(committedTotal, passed.getValue());
            releasedAtBarrier.headMap(checkpointId, true).clear();
        }
    }

    /** Users released and still held by the sink until a checkpoint completes. */
    long uncommitted() {
        return releasedTotal - committedTotal;
    }

    @Override
    public void close() {
        if (readAhead != null) {
            readAhead.close();
        }
        if (audience != null) {
            audience.close();
        }
    }

    @Override
    public void processElement(DispatchEvent event, Context ctx, Collector<OutboxBatch> out) throws Exception {
        if (event.feedback != null) {
            learn(event.feedback, ctx);
        } else {
            control(event.control, ctx);
        }
    }

    /** New evidence for a variant; the next wave's shares follow it. Feedback nothing can join is refused with the reason. */
    private void learn(VariantFeedback feedback, Context ctx) throws Exception {
        PlanState state = plan.value();
        if (state == null) {
            feedback.error = "campaign " + feedback.campaignId + " is unknown to the planner (never launched, or over for more than a day)";
            ctx.output(REFUSED_FEEDBACK, feedback);
            return;
        }
        int arm = Arrays.asList(state.campaign.variantKeys).indexOf(feedback.variant);
        if (arm < 0) {
            feedback.error = "campaign " + feedback.campaignId + " has no variant '" + feedback.variant + "'";
            ctx.output(REFUSED_FEEDBACK, feedback);
            return;
        }
        state.trials[arm] += feedback.trials;
        state.successes[arm] += feedback.rewards;
        plan.update(state);
    }

    private void control(CampaignControl control, Context ctx) throws Exception {
        PlanState state = plan.value();
        long now = ctx.timerService().currentProcessingTime();
        if (state != null && control.campaignVersion < state.campaign.campaignVersion) {
            return; // an older command arriving late changes nothing
        }
        switch (control.type) {
            case "LAUNCH" -> {
                if (state != null) {
                    return; // launched already: a redelivered LAUNCH must not restart the audience
                }
                if (control.startAtMillis + control.durationMillis + FORGET_AFTER_OVER_MILLIS < now) {
                    LOG.warn("campaign {}: a LAUNCH for a window that ended long ago is ignored (command {})", control.campaignId, control.commandId);
                    return; // a republished old command: the campaign ran, and its state may be gone by now
                }
                state = new PlanState();
                state.campaign = control;
                state.asOfMillis = now;
                state.audienceEstimate = -1; // counted at the first wave, off the task thread
                state.trials = new double[control.variantKeys.length];
                state.successes = new long[control.variantKeys.length];
                state.status = (control.startAtMillis > now ? Status.SCHEDULED : Status.RUNNING).name();
                schedule(state, Math.max(now, control.startAtMillis), ctx);
            }
            case "PAUSE" -> {
                if (state == null || isOver(state)) {
                    return;
                }
                state.status = Status.PAUSED.name();
                state.campaign = control;
                readAhead.forget(control.campaignId);
                // paused past its window for a day: done, and then forgotten (a RESUME before that moves the timer)
                schedule(state, Math.max(now, control.startAtMillis + control.durationMillis) + FORGET_AFTER_OVER_MILLIS, ctx);
            }
            case "RESUME" -> {
                if (state == null) {
                    return;
                }
                if (!Status.PAUSED.name().equals(state.status)) {
                    if (!isOver(state)) {
                        state.campaign = control; // the newest version: a PAUSE it overtook on the way is older, and changes nothing
                        plan.update(state);
                    }
                    return;
                }
                state.campaign = control;
                state.status = (control.startAtMillis > now ? Status.SCHEDULED : Status.RUNNING).name();
                schedule(state, Math.max(now, control.startAtMillis), ctx);
            }
            case "STOP" -> {
                if (state == null || isOver(state)) {
                    return;
                }
                state.campaign = control;
                state.status = Status.STOPPED.name();
                readAhead.forget(control.campaignId);
                ctx.output(COMPLETIONS, report(state, CampaignReport.Type.STOPPED, ctx.timerService().currentProcessingTime()));
                schedule(state, now + FORGET_AFTER_OVER_MILLIS, ctx);
            }
            case "UPDATE" -> {
                if (state == null || isOver(state)) {
                    return;
                }
                state.campaign = control;
            }
            default -> throw new IllegalArgumentException("unknown command type " + control.type);
        }
        plan.update(state);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<OutboxBatch> out) throws Exception {
        PlanState state = plan.value();
        if (state == null || timestamp != state.nextWaveAtMillis) {
            return; // a timer from before a pause or a resume
        }
        if (isOver(state)) {
            plan.clear(); // over for a day: nothing more will come for it
            return;
        }
        if (Status.PAUSED.name().equals(state.status)) {
            complete(state, ctx, timestamp); // still paused a day after its window
            return;
        }
        if (Status.SCHEDULED.name().equals(state.status)) {
            state.status = Status.RUNNING.name();
        }
        if (!Status.RUNNING.name().equals(state.status)) {
            return;
        }
        CampaignControl c = state.campaign;
        // a wave whose reads take a while (or fail for a while) keeps the time it was due: the pacing and the next wave
        // count from it, as they would had the read been instant
        long due = state.waveDueMillis > 0 ? state.waveDueMillis : timestamp;
        state.waveDueMillis = due;
        if (state.audienceEstimate < 0) {
            Long count;
            try {
                count = readAhead.once(c.campaignId, "count", () -> audience.count(chain(c), Instant.ofEpochMilli(state.asOfMillis)));
            } catch (RuntimeException e) {
                readFailed(state, e, ctx, due);
                return;
            }
            if (count == null) {
                schedule(state, ctx.timerService().currentProcessingTime() + READ_AHEAD_POLL_MILLIS, ctx); // still counting
                plan.update(state);
                return;
            }
            state.audienceEstimate = count;
        }
        long testEnd = c.startAtMillis + c.testDurationMillis;
        boolean testing = "AB_WINNER".equals(c.splitType) && due < testEnd;
        int size = waveSize(state, due);
        if (size < 0) {
            state.waveDueMillis = 0;
            schedule(state, testEnd, ctx); // the test audience is out: wait for the winner
            plan.update(state);
            return;
        }
        if (size == 0) {
            complete(state, ctx, due);
            return;
        }
        if (uncommitted() >= HELD_WAVES * maxWave) {
            long now = ctx.timerService().currentProcessingTime();
            schedule(state, now + Math.min(waveIntervalMillis, BACKLOG_RETRY_MILLIS), ctx); // the sink is behind: try again soon
            plan.update(state);
            return;
        }
        UserColumns page;
        try {
            if (c.asap && !testing) {
                page = readAhead.take(c, chain(c), Instant.ofEpochMilli(state.asOfMillis), state.cursor, size,
                        state.audienceEstimate - state.released - state.heldOut, Pacing.cap(Duration.ofMillis(waveIntervalMillis), c.sendRateLimit, maxWave));
            } else {
                long after = state.cursor;
                page = readAhead.once(c.campaignId, "page " + after + " " + size, () -> audience.page(chain(c), Instant.ofEpochMilli(state.asOfMillis),
                        after, size));
            }
        } catch (RuntimeException e) {
            readFailed(state, e, ctx, timestamp);
            return;
        }
        if (page == null) {
            schedule(state, ctx.timerService().currentProcessingTime() + READ_AHEAD_POLL_MILLIS, ctx); // still being read
            plan.update(state);
            return;
        }
        state.readFailures = 0;
        if (page.size() == 0) {
            complete(state, ctx, due);
            return;
        }
        release(state, page, out, ctx, due);
        state.waveDueMillis = 0;
        // ASAP without a rate limit: the next wave right away, held back only by what the sink has not committed yet
        boolean unlimited = c.asap && !testing && c.sendRateLimit <= 0;
        long next = Math.max(due + (unlimited ? 1 : waveIntervalMillis), unlimited ? timestamp + 1 : 0);
        schedule(state, next, ctx);
        plan.update(state);
    }

    /**
     * A read of the campaign's audience failed. A statement ClickHouse turned down (the cohort compiled to SQL it
     * refuses) fails the campaign, with the reason, never the job; a server that is away, slow or busy only slows the
     * campaign: the wave is tried again after a pause that doubles up to {@value #MAX_RETRY_MILLIS} ms.
     */
    private void readFailed(PlanState state, RuntimeException e, OnTimerContext ctx, long timestamp) throws Exception {
        CampaignControl c = state.campaign;
        metrics.inc(c.campaignId, "audienceReadFailures", 1);
        if (!(e instanceof ClickHouseException clickHouse) || clickHouse.refused()) {
            LOG.warn("campaign {}: its audience cannot be read, the campaign fails", c.campaignId, e);
            String why = e instanceof ClickHouseException clickHouse ? "ClickHouse refused the cohort's query (code " + clickHouse.serverCode()
                    + "): " + clickHouse.serverMessage() : e.toString();
            fail(state, ctx, "its audience cannot be read: " + abbreviate(why), timestamp);
            return;
        }
        state.readFailures++;
        long pause = Math.min(MAX_RETRY_MILLIS, 500L << Math.min(state.readFailures, 10));
        LOG.warn("campaign {}: reading its audience failed ({} in a row), trying again in {} ms: {}", c.campaignId, state.readFailures, pause,
                e.getMessage());
        schedule(state, ctx.timerService().currentProcessingTime() + pause, ctx);
        plan.update(state);
    }

    private void fail(PlanState state, OnTimerContext ctx, String reason, long timestamp) throws Exception {
        readAhead.forget(state.campaign.campaignId);
        state.waveDueMillis = 0;
        state.status = Status.FAILED.name();
        state.failure = reason;
        schedule(state, ctx.timerService().currentProcessingTime() + FORGET_AFTER_OVER_MILLIS, ctx);
        plan.update(state);
        Completion failed = report(state, CampaignReport.Type.FAILED, timestamp);
        failed.reason = reason;
        ctx.output(COMPLETIONS, failed);
    }

    private static String abbreviate(String text) {
        return text.length() <= 300 ? text : text.substring(0, 300) + "...";
    }

    /**
     * How many users the wave at {@code timestamp} releases: 0 when the campaign is done, -1 while an AB_WINNER test
     * audience is out and the test still runs.
     */
    private int waveSize(PlanState state, long timestamp) {
        CampaignControl c = state.campaign;
        long done = state.released + state.heldOut;
        long testEnd = c.startAtMillis + c.testDurationMillis;
        // AB_WINNER first paces only its test share of the audience over the test, the rest after it
        boolean testing = "AB_WINNER".equals(c.splitType) && timestamp < testEnd;
        Instant phaseEnd = Instant.ofEpochMilli(testing ? testEnd : c.startAtMillis + c.durationMillis);
        long target = testing ? Math.round(c.testShare * state.audienceEstimate) : state.audienceEstimate;
        long remaining = Math.max(0, target - done);
        if (testing && remaining == 0) {
            return -1;
        }
        // past the launch-time estimate (users joined since), drain what is left as fast as the limits allow
        return Pacing.waveSize(remaining > 0 || testing ? Math.max(remaining, 1) : maxWave, Instant.ofEpochMilli(timestamp), phaseEnd,
                Duration.ofMillis(waveIntervalMillis), c.sendRateLimit, maxWave, c.asap && !testing);
    }

    /** The audience is out (or the window closed): the campaign is done, and the admin service hears it once. */
    private void complete(PlanState state, OnTimerContext ctx, long timestamp) throws Exception {
        readAhead.forget(state.campaign.campaignId);
        state.waveDueMillis = 0;
        state.status = Status.COMPLETED.name();
        schedule(state, ctx.timerService().currentProcessingTime() + FORGET_AFTER_OVER_MILLIS, ctx);
        plan.update(state);
        ctx.output(COMPLETIONS, report(state, CampaignReport.Type.COMPLETED, timestamp));
    }

    private static Completion report(PlanState state, CampaignReport.Type type, long at) {
        Completion done = new Completion();
        done.type = type.name();
        done.campaignId = state.campaign.campaignId;
        done.released = state.released;
        done.heldOut = state.heldOut;
        done.unreleased = Math.max(0, state.audienceEstimate - state.released - state.heldOut);
        done.atMillis = at;
        return done;
    }

    /** Splits one page: the holdout aside, the rest between variants in the policy's shares; the cursor moves past it. */
    private void release(PlanState state, UserColumns page, Collector<OutboxBatch> out, OnTimerContext ctx, long timestamp) {
        CampaignControl c = state.campaign;
        state.wave++;
        int n = page.size();
        int[] held = new int[n];
        int[] sent = new int[n];
        int heldCount = 0;
        int sentCount = 0;
        for (int i = 0; i < n; i++) {
            if (WaveAssignment.heldOut(c.campaignId, page.userIds[i], c.holdoutShare)) {
                held[heldCount++] = i;
            } else {
                sent[sentCount++] = i;
            }
        }
        emit(state, OutboxBatch.HOLDOUT, page, Arrays.copyOf(held, heldCount), out);
        double[] shares = shares(state, timestamp);
        int[] arms = WaveAssignment.assign(sentCount, shares, c.campaignId, state.wave);
        for (int arm = 0; arm < c.variantKeys.length; arm++) {
            int[] mine = new int[sentCount];
            int count = 0;
            for (int i = 0; i < sentCount; i++) {
                if (arms[i] == arm) {
                    mine[count++] = sent[i];
                }
            }
            emit(state, c.variantKeys[arm], page, Arrays.copyOf(mine, count), out);
            Allocation allocation = new Allocation();
            allocation.campaignId = c.campaignId;
            allocation.wave = state.wave;
            allocation.variant = c.variantKeys[arm];
            allocation.share = shares[arm];
            allocation.users = count;
            allocation.atMillis = timestamp;
            ctx.output(ALLOCATIONS, allocation);
        }
        state.cursor = page.userIds[n - 1];
        releasedTotal += n;
        state.released += sentCount;
        state.heldOut += heldCount;
        metrics.inc(c.campaignId, "released", sentCount);
        metrics.inc(c.campaignId, "heldOut", heldCount);
    }

    /**
     * One variant's users of a wave ({@code rows} of the page, in id order) as outbox batches of at most
     * {@code batchSize}, never across a chunk border: the delivery gate keeps its state per chunk and takes a batch
     * in one step.
     */
    private void emit(PlanState state, String variant, UserColumns page, int[] rows, Collector<OutboxBatch> out) {
        int from = 0;
        int part = 0;
        while (from < rows.length) {
            long chunk = OutboxBatch.chunkOf(page.userIds[rows[from]]);
            int to = from + 1;
            while (to < rows.length && to - from < batchSize && OutboxBatch.chunkOf(page.userIds[rows[to]]) == chunk) {
                to++;
            }
            CampaignControl c = state.campaign;
            out.collect(OutboxBatch.of(OutboxBatch.batchId(c.campaignId, state.wave, variant, part++), c.campaignId, c.campaignVersion, variant,
                    state.wave, page, Arrays.copyOfRange(rows, from, to)));
            from = to;
        }
    }

    /** This wave's share per variant; random choices are seeded by (campaign, wave), so a replay repeats them. */
    private static double[] shares(PlanState state, long at) {
        CampaignControl c = state.campaign;
        Policy policy = switch (c.splitType) {
            case "AB_FIXED" -> new FixedSplit(c.weights);
            case "BANDIT" -> new ThompsonSampling(1, 1, c.minShare, c.burnIn, ThompsonSampling.DEFAULT_DRAWS);
            case "AB_WINNER" -> new TestThenWinner();
            default -> throw new IllegalArgumentException("unknown split type " + c.splitType);
        };
        List<ArmEvidence> evidence = new ArrayList<>();
        for (int i = 0; i < c.variantKeys.length; i++) {
            evidence.add(new ArmEvidence(state.trials[i], state.successes[i]));
        }
        policy.update(evidence);
        if (policy instanceof TestThenWinner winner && at >= c.startAtMillis + c.testDurationMillis) {
            winner.endTest();
        }
        double[] shares = policy.shares(WaveAssignment.rng(c.campaignId, state.wave));
        return shares.length == c.variantKeys.length ? shares : Shares.even(c.variantKeys.length);
    }

    private void schedule(PlanState state, long at, Context ctx) {
        state.nextWaveAtMillis = at;
        ctx.timerService().registerProcessingTimeTimer(at);
    }

    private static boolean isOver(PlanState state) {
        return Status.STOPPED.name().equals(state.status) || Status.COMPLETED.name().equals(state.status)
                || Status.FAILED.name().equals(state.status);
    }

    private static FilterChain chain(CampaignControl c) {
        return FilterChain.fromJson(c.filterJson);
    }
}
