package io.pushflow.flink.delivery;

import io.pushflow.core.delivery.Reason;
import io.pushflow.flink.CampaignMetrics;
import io.pushflow.flink.contracts.OutboxBatch;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.BasicTypeInfo;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Decides, right before sending, whether each user of an outbox batch may get the push, a whole batch in one step: the
 * operator around {@link GateDecision}. It holds the state the decision reads and writes, keyed by chunk of user ids so a
 * batch costs a handful of reads and writes, not one per user: which users each campaign has decided, the chunk's send
 * history for frequency caps, the user changes since the batches were read, and in broadcast state the campaigns' rules
 * and the suppression bitmaps. Recipients go out at once as provider requests, skips as outcome rows, deferred recipients
 * to the {@link QuietHoursQueue}. Batches of a campaign whose rules have not arrived yet, or that is paused, wait in keyed
 * state and are decided when the rules say so; a batch still waiting when its campaign's window is long over (or whose
 * campaign never came) is decided as stopped, so its users get their outcome and the state is freed. A campaign's rules
 * are dropped once its dedup memory and cap history have expired.
 */
public class DeliveryGate extends KeyedBroadcastProcessFunction<Long, GateInput, GateControl, SendRequest>
        implements CheckpointedFunction {

    public static final String UID = "delivery-gate-chunks";
    public static final OutputTag<Outcomes> OUTCOMES = new OutputTag<>("gate-outcomes") {};
    public static final OutputTag<Later> LATER = new OutputTag<>("later") {};
    public static final MapStateDescriptor<Long, CampaignRules> CAMPAIGNS =
            new MapStateDescriptor<>("campaigns", Long.class, CampaignRules.class);
    static final MapStateDescriptor<String, byte[]> SUPPRESSION = new MapStateDescriptor<>(
            "suppression", BasicTypeInfo.STRING_TYPE_INFO, PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO);
    /** Longer than any campaign window or frequency-cap period the admin service accepts (30 days each). */
    static final Duration STATE_TTL = Duration.ofDays(32);

    static final MapStateDescriptor<String, Boolean> SEEN =
            ttl(new MapStateDescriptor<>("seen-batches", String.class, Boolean.class));
    static final MapStateDescriptor<Long, DecidedUsers> DECIDED =
            ttl(new MapStateDescriptor<>("decided", Long.class, DecidedUsers.class));
    static final MapStateDescriptor<Long, SendHour> SENDS =
            ttl(new MapStateDescriptor<>("sends", Long.class, SendHour.class));
    static final MapStateDescriptor<Long, UserDelta> CHANGES =
            ttl(new MapStateDescriptor<>("changes", Long.class, UserDelta.class));
    static final ValueStateDescriptor<byte[]> CHANGED =
            new ValueStateDescriptor<>("changed-users", PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO);
    /** Public for SavepointMigration: savepoints from before OutboxBatch moved need this state's serializer. */
    public static final MapStateDescriptor<String, OutboxBatch> WAITING =
            new MapStateDescriptor<>("waiting", String.class, OutboxBatch.class);

    private transient MapState<String, Boolean> seen;
    private transient MapState<Long, DecidedUsers> decided;
    private transient MapState<Long, SendHour> sends;
    private transient MapState<Long, UserDelta> userChanges;
    private transient ValueState<byte[]> changedUsers;
    private transient MapState<String, OutboxBatch> waiting;
    private transient BroadcastState<String, byte[]> storedSuppression;
    private transient SuppressionState suppression;
    private transient GateDecision decision;
    private transient CampaignMetrics metrics;

    private static <K, V> MapStateDescriptor<K, V> ttl(MapStateDescriptor<K, V> d) {
        d.enableTimeToLive(StateTtlConfig.newBuilder(STATE_TTL)
                .setUpdateType(StateTtlConfig.UpdateType.OnCreateAndWrite)
                .setStateVisibility(StateTtlConfig.StateVisibility.NeverReturnExpired)
                .build());
        return d;
    }

    @Override
    public void open(OpenContext context) {
        seen = getRuntimeContext().getMapState(SEEN);
        decided = getRuntimeContext().getMapState(DECIDED);
        sends = getRuntimeContext().getMapState(SENDS);
        userChanges = getRuntimeContext().getMapState(CHANGES);
        changedUsers = getRuntimeContext().getState(CHANGED);
        waiting = getRuntimeContext().getMapState(WAITING);
        decision = new GateDecision(suppression);
        metrics = new CampaignMetrics(getRuntimeContext().getMetricGroup());
    }

    /** Called before {@link #open}: the suppression bitmaps are restored first. */
    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        storedSuppression = context.getOperatorStateStore().getBroadcastState(SUPPRESSION);
        suppression = new SuppressionState(
                storedSuppression.get(Reason.UNSUBSCRIBED), storedSuppression.get(Reason.INVALID_TOKEN));
    }

    /** The bitmaps live in fields between checkpoints and are written to broadcast state only when one is taken. */
    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
        for (Map.Entry<String, byte[]> e : suppression.stored().entrySet()) {
            storedSuppression.put(e.getKey(), e.getValue());
        }
    }

    @Override
    public void processElement(GateInput in, ReadOnlyContext ctx, Collector<SendRequest> out) throws Exception {
        if (in.change != null) {
            remember(in.change);
            return;
        }
        OutboxBatch batch = in.batch;
        if (seen.contains(batch.batchId)) {
            metrics.inc(batch.campaignId, "batchesSeenBefore", 1);
            return; // published twice (a retried commit of the dispatch job's sink)
        }
        seen.put(batch.batchId, true);
        CampaignRules rules = ctx.getBroadcastState(CAMPAIGNS).get(batch.campaignId);
        if (BatchWait.mustWait(batch, rules)) {
            waiting.put(batch.batchId, batch);
            ctx.timerService().registerProcessingTimeTimer(BatchWait.deadline(rules, ctx.currentProcessingTime()));
            return;
        }
        decide(batch, rules, ctx.currentProcessingTime(), new Emitter(out, ctx::output, ctx::output));
    }

    /** Batches that waited past their deadline are decided as a stopped campaign's: duplicates stay duplicates, the rest skipped. */
    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<SendRequest> out) throws Exception {
        Map<Long, CampaignRules> rulesOf = new HashMap<>();
        for (OutboxBatch batch : waiting.values()) {
            rulesOf.put(batch.campaignId, ctx.getBroadcastState(CAMPAIGNS).get(batch.campaignId));
        }
        Emitter emit = new Emitter(out, ctx::output, ctx::output);
        for (OutboxBatch batch : BatchWait.over(waiting.values(), rulesOf, timestamp)) {
            waiting.remove(batch.batchId);
            decide(batch, CampaignRules.stopped(batch.campaignId, rulesOf.get(batch.campaignId)), timestamp, emit);
        }
    }

    @Override
    public void processBroadcastElement(GateControl control, Context ctx, Collector<SendRequest> out) throws Exception {
        if (control.change != null) {
            suppression.apply(control.change);
            return;
        }
        CampaignRules rules = control.campaign;
        BroadcastState<Long, CampaignRules> campaigns = ctx.getBroadcastState(CAMPAIGNS);
        CampaignRules known = campaigns.get(rules.campaignId);
        if (known != null && known.version > rules.version) {
            return; // an older command arriving late changes nothing
        }
        campaigns.put(rules.campaignId, rules);
        forgetOldCampaigns(campaigns, ctx.currentProcessingTime());
        ctx.output(LATER, Later.of(rules));
        if (rules.is(CampaignRules.Status.PAUSED)) {
            return;
        }
        long now = ctx.currentProcessingTime();
        Emitter emit = new Emitter(out, ctx::output, ctx::output);
        ctx.applyToKeyedState(WAITING, (chunk, state) -> {
            for (OutboxBatch batch : BatchWait.due(state.values(), rules)) {
                state.remove(batch.batchId);
                decide(batch, rules, now, emit);
            }
        });
    }

    /** Rules of campaigns whose dedup memory and cap history have expired (their windows ended over 32 days ago) are dropped. */
    private static void forgetOldCampaigns(BroadcastState<Long, CampaignRules> campaigns, long now) throws Exception {
        List<Long> old = new ArrayList<>();
        for (Map.Entry<Long, CampaignRules> e : campaigns.entries()) {
            if (e.getValue().windowEndMillis + STATE_TTL.toMillis() < now) {
                old.add(e.getKey());
            }
        }
        for (Long id : old) {
            campaigns.remove(id);
        }
    }

    /** Where one decision's results go: requests to the provider, outcome rows, deferred recipients. */
    private record Emitter(Collector<SendRequest> requests, Side<Outcomes> outcomes, Side<Later> later) {
        @FunctionalInterface
        interface Side<T> {
            void output(OutputTag<T> tag, T value);
        }

        void outcome(Outcomes o) {
            outcomes.output(OUTCOMES, o);
        }

        void defer(DeferredSends d) {
            later.output(LATER, Later.of(d));
        }
    }

    /** One batch's walk: read the chunk's state, decide, store what the decision changed, then emit its outputs. */
    private void decide(OutboxBatch b, CampaignRules rules, long now, Emitter emit) throws Exception {
        ChunkChanges changes = new ChunkChanges(changedUsers.value());
        for (long userId : changes.usersIn(b)) {
            UserDelta change = userChanges.get(userId);
            if (change != null) {
                changes.read(change);
            }
        }
        FrequencyCap cap = new FrequencyCap(
                rules, sendHours(FrequencyCap.hoursToRead(rules, now)).values());
        GateVerdicts verdicts = decision.decide(b, rules, now, new ChunkState(decided.get(b.campaignId), changes, cap));

        if (verdicts.decided() != null) {
            decided.put(b.campaignId, verdicts.decided());
        }
        Map<Long, SendHour> stored = sendHours(FrequencyCap.hoursOf(verdicts.sentAt()));
        for (Map.Entry<Long, SendHour> hour :
                FrequencyCap.recorded(b.campaignId, verdicts.sentAt(), stored).entrySet()) {
            sends.put(hour.getKey(), hour.getValue());
        }
        if (changes.pruned()) {
            changedUsers.update(changes.record());
        }

        for (Outcomes o : verdicts.outcomes()) {
            o.countByKind((kind, n) -> metrics.inc(o.campaignId, Outcomes.metric(kind), n));
            emit.outcome(o);
        }
        verdicts.requests(emit.requests()::collect);
        verdicts.deferred().forEach(emit::defer);
    }

    /** The chunk's stored send history of these hours (hours without any are missing). */
    private Map<Long, SendHour> sendHours(Collection<Long> hours) throws Exception {
        Map<Long, SendHour> stored = new HashMap<>();
        for (long hour : hours) {
            SendHour h = sends.get(hour);
            if (h != null) {
                stored.put(hour, h);
            }
        }
        return stored;
    }

    /** A change newer than what the gate holds for this user is merged field by field; an older one is ignored. */
    private void remember(UserDelta change) throws Exception {
        UserDelta merged = ChunkChanges.merged(userChanges.get(change.userId), change);
        if (merged == null) {
            return;
        }
        userChanges.put(change.userId, merged);
        byte[] record = ChunkChanges.withUser(changedUsers.value(), change.userId);
        if (record != null) {
            changedUsers.update(record);
        }
    }
}
