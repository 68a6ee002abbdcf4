package io.pushflow.flink.dispatch;

import io.pushflow.core.campaign.CampaignReport;
import io.pushflow.core.user.UserColumns;
import io.pushflow.flink.CampaignMetrics;
import io.pushflow.flink.contracts.OutboxBatch;
import java.time.Duration;
import java.util.Optional;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Paces one campaign's audience across its send window: a processing-time timer fires a wave every interval, and each
 * wave reads the next page of the cohort after the cursor and splits it between variants. The cursor lives in keyed
 * state and moves in the same step as the wave's output, so a restore from a checkpoint resumes where it was, never from
 * the start. This class holds the state, the timers and the output; {@link CampaignLifecycle} decides what a command
 * does, {@link WavePacing} when a wave goes out and how large, {@link AudienceReadFailure} what a failed read means,
 * {@link VariantShares} and {@link WaveSplit} who gets which variant, {@link FeedbackIntake} which evidence counts.
 *
 * <p>The outbox sink holds every batch until the checkpoint after it completes (then it publishes them), so a
 * wave waits while this subtask has {@value WavePacing#HELD_WAVES} full waves released and not yet past a completed
 * checkpoint ({@link ReleaseCredit}): a slow checkpoint then slows the release instead of filling the heap (a 5M-user
 * ASAP campaign did). An ASAP campaign without a rate limit releases its next wave as soon as the last one is out, so
 * only that credit and the checkpoints pace it, not the wave interval.
 */
public class WavePlanner extends KeyedProcessFunction<Long, DispatchEvent, OutboxBatch>
        implements CheckpointedFunction, CheckpointListener {

    public static final String UID = "wave-planner";
    /** Each variant's share of each wave, for ClickHouse campaign_allocations. */
    public static final OutputTag<Allocation> ALLOCATIONS = new OutputTag<>("allocations") {};
    /** Feedback for a campaign the planner does not know (never launched, or forgotten) or for a variant it lacks, with the reason. */
    public static final OutputTag<VariantFeedback> REFUSED_FEEDBACK = new OutputTag<>("refused-feedback") {};
    /** A campaign that has released its audience, for the admin service. */
    public static final OutputTag<Completion> COMPLETIONS = new OutputTag<>("completions") {};

    static final ValueStateDescriptor<PlanState> PLAN = new ValueStateDescriptor<>("plan", PlanState.class);

    /** How soon a wave whose page is still being read ahead looks again. */
    static final long READ_AHEAD_POLL_MILLIS = 10;

    private static final Logger LOG = LoggerFactory.getLogger(WavePlanner.class);

    private final AudienceSource.Factory audienceFactory;
    private final Duration waveInterval;
    private final int maxWave;
    private final int batchSize;
    private transient ValueState<PlanState> plan;
    private transient AudienceReader reads;
    private transient WavePacing pacing;
    private transient ReleaseCredit credit;
    private transient CampaignMetrics metrics;

    public WavePlanner(AudienceSource.Factory audienceFactory, Duration waveInterval, int maxWave, int batchSize) {
        this.audienceFactory = audienceFactory;
        this.waveInterval = waveInterval;
        this.maxWave = maxWave;
        this.batchSize = batchSize;
    }

    @Override
    public void open(OpenContext context) {
        plan = getRuntimeContext().getState(PLAN);
        reads = new AudienceReader(audienceFactory.open());
        pacing = new WavePacing(waveInterval, maxWave);
        credit = new ReleaseCredit();
        metrics = new CampaignMetrics(getRuntimeContext().getMetricGroup());
    }

    @Override
    public void initializeState(FunctionInitializationContext context) {
        // nothing to restore: after a restart nothing released is held by the sink any more
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) {
        credit.barrier(context.getCheckpointId());
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) {
        credit.completed(checkpointId);
    }

    @Override
    public void close() {
        if (reads != null) {
            reads.close();
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
        Optional<String> refusal = FeedbackIntake.take(state, feedback);
        if (refusal.isEmpty()) {
            plan.update(state);
            return;
        }
        feedback.error = refusal.get();
        ctx.output(REFUSED_FEEDBACK, feedback);
    }

    private void control(CampaignControl control, Context ctx) throws Exception {
        long now = ctx.timerService().currentProcessingTime();
        CampaignLifecycle.Step step = CampaignLifecycle.on(control, plan.value(), now);
        PlanState state = step.plan();
        if (state == null) {
            return;
        }
        if (step.dropsReads()) {
            reads.forget(control.campaignId);
        }
        if (step.report() != null) {
            ctx.output(COMPLETIONS, Completion.of(state, step.report(), now, null));
        }
        if (step.wakeAtMillis() != CampaignLifecycle.Step.KEEP_TIMER) {
            schedule(state, step.wakeAtMillis(), ctx);
        }
        plan.update(state);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<OutboxBatch> out) throws Exception {
        PlanState state = plan.value();
        if (state == null || timestamp != state.nextWaveAtMillis) {
            return; // a timer from before a pause or a resume
        }
        switch (CampaignLifecycle.due(state)) {
            case FORGET -> plan.clear();
            case COMPLETE -> end(state, CampaignReport.Type.COMPLETED, null, ctx, timestamp);
            case WAVE -> wave(state, timestamp, ctx, out);
        }
    }

    private void wave(PlanState state, long timestamp, OnTimerContext ctx, Collector<OutboxBatch> out)
            throws Exception {
        // a wave whose reads take a while (or fail for a while) keeps the time it was due: the pacing and the next wave
        // count from it, as they would had the read been instant
        long due = state.waveDueMillis > 0 ? state.waveDueMillis : timestamp;
        state.waveDueMillis = due;
        if (state.audienceEstimate < 0) {
            Long count;
            try {
                count = reads.count(state);
            } catch (RuntimeException e) {
                readFailed(state, e, ctx, due);
                return;
            }
            if (count == null) {
                wakeAgain(state, READ_AHEAD_POLL_MILLIS, ctx); // still counting
                return;
            }
            state.audienceEstimate = count;
        }
        WavePacing.Wave wave =
                pacing.wave(state, due, ctx.timerService().currentProcessingTime(), credit.uncommitted());
        switch (wave.action()) {
            case READ -> read(state, wave.size(), due, timestamp, ctx, out);
            case DONE -> end(state, CampaignReport.Type.COMPLETED, null, ctx, due);
            case AWAIT_WINNER -> {
                state.waveDueMillis = 0;
                schedule(state, wave.atMillis(), ctx);
                plan.update(state);
            }
            case HOLD -> {
                schedule(state, wave.atMillis(), ctx);
                plan.update(state);
            }
        }
    }

    /** Reads the wave's page and releases it; the next wave is due an interval after this one (or at once, ASAP unlimited). */
    private void read(
            PlanState state, int size, long due, long timestamp, OnTimerContext ctx, Collector<OutboxBatch> out)
            throws Exception {
        CampaignControl c = state.campaign;
        UserColumns page;
        try {
            page = reads.page(state, size, pacing.readsAhead(c, due), pacing.largestWave(c));
        } catch (RuntimeException e) {
            readFailed(state, e, ctx, timestamp);
            return;
        }
        if (page == null) {
            wakeAgain(state, READ_AHEAD_POLL_MILLIS, ctx); // still being read
            return;
        }
        state.readFailures = 0;
        if (page.size() == 0) {
            end(state, CampaignReport.Type.COMPLETED, null, ctx, due);
            return;
        }
        release(state, page, out, ctx, due);
        state.waveDueMillis = 0;
        schedule(state, pacing.nextWaveAt(c, due, timestamp), ctx);
        plan.update(state);
    }

    /** Splits one page between the holdout and the variants, emits it, and moves the cursor past it. */
    private void release(PlanState state, UserColumns page, Collector<OutboxBatch> out, OnTimerContext ctx, long due) {
        CampaignControl c = state.campaign;
        state.wave++;
        WaveSplit split = WaveSplit.of(c, state.wave, VariantShares.of(state, due), page, batchSize, due);
        split.batches().forEach(out::collect);
        split.allocations().forEach(allocation -> ctx.output(ALLOCATIONS, allocation));
        state.cursor = page.userIds[page.size() - 1];
        state.released += split.released();
        state.heldOut += split.heldOut();
        credit.released(page.size());
        metrics.inc(c.campaignId, "released", split.released());
        metrics.inc(c.campaignId, "heldOut", split.heldOut());
    }

    private void readFailed(PlanState state, RuntimeException e, OnTimerContext ctx, long timestamp) throws Exception {
        CampaignControl c = state.campaign;
        metrics.inc(c.campaignId, "audienceReadFailures", 1);
        AudienceReadFailure failure = AudienceReadFailure.of(e, state.readFailures + 1);
        if (failure.failsCampaign()) {
            LOG.warn("campaign {}: its audience cannot be read, the campaign fails", c.campaignId, e);
            end(state, CampaignReport.Type.FAILED, failure.campaignFailure(), ctx, timestamp);
            return;
        }
        state.readFailures++;
        LOG.warn(
                "campaign {}: reading its audience failed ({} in a row), trying again in {} ms: {}",
                c.campaignId,
                state.readFailures,
                failure.retryAfterMillis(),
                e.getMessage());
        wakeAgain(state, failure.retryAfterMillis(), ctx);
    }

    /** The campaign is over (its audience is out, its window closed, or it cannot be read): the admin service hears it once. */
    private void end(PlanState state, CampaignReport.Type how, String reason, OnTimerContext ctx, long timestamp)
            throws Exception {
        reads.forget(state.campaign.campaignId);
        schedule(
                state,
                CampaignLifecycle.end(state, how, reason, ctx.timerService().currentProcessingTime()),
                ctx);
        plan.update(state);
        ctx.output(COMPLETIONS, Completion.of(state, how, timestamp, reason));
    }

    private void wakeAgain(PlanState state, long afterMillis, OnTimerContext ctx) throws Exception {
        schedule(state, ctx.timerService().currentProcessingTime() + afterMillis, ctx);
        plan.update(state);
    }

    private void schedule(PlanState state, long at, Context ctx) {
        state.nextWaveAtMillis = at;
        ctx.timerService().registerProcessingTimeTimer(at);
    }
}
