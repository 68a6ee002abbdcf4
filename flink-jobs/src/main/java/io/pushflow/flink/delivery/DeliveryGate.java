package io.pushflow.flink.delivery;

import io.pushflow.core.delivery.QuietHours;
import io.pushflow.core.delivery.Reason;
import io.pushflow.core.delivery.SendHistory;
import io.pushflow.core.delivery.Suppression;
import io.pushflow.core.filter.FilterChain;
import io.pushflow.core.filter.UserPredicate;
import io.pushflow.core.json.Json;
import io.pushflow.core.user.User;
import io.pushflow.core.user.UserFields;
import io.pushflow.flink.dispatch.OutboxBatch;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.BroadcastState;
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

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Decides, per user and right before sending, whether a push may go out: once per user per campaign (keyed
 * state, kept past the campaign window), the campaign still running (broadcast rules), not suppressed
 * (broadcast bitmaps of unsubscribed users and dead tokens), still in the cohort (the filter chain's in-memory
 * predicate on the user's newest data), outside quiet hours in the user's own time zone (else deferred inside
 * the window, or skipped), and within the frequency cap across campaigns. Pushes of a campaign whose rules have
 * not arrived yet, or that is paused, wait in keyed state and are decided when the rules say so.
 */
public class DeliveryGate extends KeyedBroadcastProcessFunction<Long, GateInput, GateControl, GateOutput> implements CheckpointedFunction {

    public static final String UID = "delivery-gate";
    public static final MapStateDescriptor<Long, CampaignRules> CAMPAIGNS =
            new MapStateDescriptor<>("campaigns", Long.class, CampaignRules.class);
    static final MapStateDescriptor<String, byte[]> SUPPRESSION =
            new MapStateDescriptor<>("suppression", BasicTypeInfo.STRING_TYPE_INFO, PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO);
    /** Longer than any campaign window or frequency-cap period the admin service accepts (30 days each). */
    static final Duration USER_STATE_TTL = Duration.ofDays(32);
    /** A campaign is remembered for a user this long after its window, so a late replay is still a duplicate. */
    static final long REMEMBER_AFTER_WINDOW_MILLIS = Duration.ofDays(1).toMillis();
    static final ValueStateDescriptor<UserState> USER = userDescriptor();
    static final ValueStateDescriptor<Pending> PENDING = new ValueStateDescriptor<>("pending", Pending.class);

    private transient ValueState<UserState> users;
    private transient ValueState<Pending> pending;
    private transient Suppression unsubscribed;
    private transient Suppression invalidTokens;
    private transient BroadcastState<String, byte[]> suppressionState;
    private transient Map<Long, Map.Entry<Long, Predicate<User>>> cohorts;

    private static ValueStateDescriptor<UserState> userDescriptor() {
        ValueStateDescriptor<UserState> d = new ValueStateDescriptor<>("user", UserState.class);
        d.enableTimeToLive(StateTtlConfig.newBuilder(USER_STATE_TTL)
                .setUpdateType(StateTtlConfig.UpdateType.OnCreateAndWrite)
                .setStateVisibility(StateTtlConfig.StateVisibility.NeverReturnExpired)
                .build());
        return d;
    }

    @Override
    public void open(OpenContext context) {
        users = getRuntimeContext().getState(USER);
        pending = getRuntimeContext().getState(PENDING);
        cohorts = new HashMap<>();
    }

    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        suppressionState = context.getOperatorStateStore().getBroadcastState(SUPPRESSION);
        byte[] u = suppressionState.get(Reason.UNSUBSCRIBED);
        byte[] t = suppressionState.get(Reason.INVALID_TOKEN);
        unsubscribed = u == null ? new Suppression() : Suppression.fromBytes(u);
        invalidTokens = t == null ? new Suppression() : Suppression.fromBytes(t);
    }

    /** The bitmaps live in fields between checkpoints and are written to broadcast state only when one is taken. */
    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
        unsubscribed.compact();
        invalidTokens.compact();
        suppressionState.put(Reason.UNSUBSCRIBED, unsubscribed.toBytes());
        suppressionState.put(Reason.INVALID_TOKEN, invalidTokens.toBytes());
    }

    @Override
    public void processElement(GateInput in, ReadOnlyContext ctx, Collector<GateOutput> out) throws Exception {
        if (in.change != null) {
            remember(in.change);
            return;
        }
        UserPush push = in.push;
        CampaignRules rules = ctx.getBroadcastState(CAMPAIGNS).get(push.campaignId);
        if (mustWait(push, rules)) {
            Pending p = pending.value();
            if (p == null) {
                p = new Pending();
            }
            p.pushes = append(p.pushes, push);
            pending.update(p);
            return;
        }
        out.collect(GateOutput.of(decide(push, rules, ctx.currentProcessingTime())));
    }

    @Override
    public void processBroadcastElement(GateControl control, Context ctx, Collector<GateOutput> out) throws Exception {
        if (control.change != null) {
            suppress(control.change);
            return;
        }
        CampaignRules rules = control.campaign;
        BroadcastState<Long, CampaignRules> campaigns = ctx.getBroadcastState(CAMPAIGNS);
        CampaignRules known = campaigns.get(rules.campaignId);
        if (known != null && known.version > rules.version) {
            return; // an older command arriving late changes nothing
        }
        campaigns.put(rules.campaignId, rules);
        out.collect(GateOutput.of(rules));
        if (rules.is(CampaignRules.Status.PAUSED)) {
            return;
        }
        long now = ctx.currentProcessingTime();
        ctx.applyToKeyedState(PENDING, (userId, state) -> {
            Pending p = state.value();
            List<UserPush> waiting = new ArrayList<>();
            for (UserPush push : p.pushes) {
                if (push.campaignId == rules.campaignId && !mustWait(push, rules)) {
                    out.collect(GateOutput.of(decide(push, rules, now)));
                } else {
                    waiting.add(push);
                }
            }
            if (waiting.isEmpty()) {
                state.clear();
            } else if (waiting.size() < p.pushes.length) {
                p.pushes = waiting.toArray(UserPush[]::new);
                state.update(p);
            }
        });
    }

    private static boolean mustWait(UserPush push, CampaignRules rules) {
        return rules == null || rules.version < push.campaignVersion || rules.is(CampaignRules.Status.PAUSED);
    }

    /** The one decision for this user and campaign; the checks run in the order their reasons are most telling. */
    private Verdict decide(UserPush push, CampaignRules rules, long now) throws Exception {
        UserState state = users.value();
        if (state == null) {
            state = new UserState();
        }
        forgetExpired(state, now);
        for (long campaign : state.campaigns) {
            if (campaign == push.campaignId) {
                return Verdict.of(push, Verdict.Kind.SKIP, Reason.DUPLICATE, now);
            }
        }
        state.campaigns = append(state.campaigns, push.campaignId);
        state.forgetAtMillis = append(state.forgetAtMillis, Math.max(rules.windowEndMillis, now) + REMEMBER_AFTER_WINDOW_MILLIS);
        User user = current(push, state);
        Verdict verdict = check(push, user, rules, state, now);
        if (verdict.is(Verdict.Kind.SEND) || verdict.is(Verdict.Kind.DEFER)) {
            state.sentAtMillis = new SendHistory(state.sentAtMillis).with(Instant.ofEpochMilli(verdict.notBeforeMillis)).sentAtMillis();
            verdict.pushToken = user.pushToken();
        }
        users.update(state);
        return verdict;
    }

    private Verdict check(UserPush push, User user, CampaignRules rules, UserState state, long now) {
        if (rules.is(CampaignRules.Status.STOPPED)) {
            return Verdict.of(push, Verdict.Kind.SKIP, Reason.CAMPAIGN_STOPPED, now);
        }
        if (OutboxBatch.HOLDOUT.equals(push.variant)) {
            return Verdict.of(push, Verdict.Kind.SKIP, Reason.HOLDOUT, now);
        }
        long id = push.user.userId;
        if (unsubscribed.isSuppressed(id) || !user.subscribed()) {
            return Verdict.of(push, Verdict.Kind.SKIP, Reason.UNSUBSCRIBED, now);
        }
        if (invalidTokens.isSuppressed(id) || !user.tokenValid() || user.pushToken() == null || user.pushToken().isBlank()) {
            return Verdict.of(push, Verdict.Kind.SKIP, Reason.INVALID_TOKEN, now);
        }
        if (!cohort(rules).test(user)) {
            return Verdict.of(push, Verdict.Kind.SKIP, Reason.LEFT_COHORT, now);
        }
        long at = now;
        Verdict.Kind kind = Verdict.Kind.SEND;
        QuietHours quiet = rules.quietHours();
        if (quiet != null) {
            QuietHours.Decision d = quiet.decide(Instant.ofEpochMilli(now), zone(user.timezone()), Instant.ofEpochMilli(rules.windowEndMillis));
            if (d.kind() == QuietHours.Decision.Kind.SKIP) {
                return Verdict.of(push, Verdict.Kind.SKIP, Reason.QUIET_HOURS, now);
            }
            if (d.kind() == QuietHours.Decision.Kind.DEFER) {
                kind = Verdict.Kind.DEFER;
                at = d.notBefore().toEpochMilli();
            }
        }
        if (rules.capCount > 0 && !new SendHistory(state.sentAtMillis).allows(Instant.ofEpochMilli(at), rules.capCount, rules.capPeriod())) {
            return Verdict.of(push, Verdict.Kind.SKIP, Reason.FREQUENCY_CAP, now);
        }
        Verdict v = Verdict.of(push, kind, null, now);
        v.notBeforeMillis = at;
        v.locale = user.locale();
        return v;
    }

    /** The user as the batch read them, with the changes seen since applied. */
    private static User current(UserPush push, UserState state) {
        User user = push.user.toUser();
        if (state.changesJson != null && state.changesVersion > push.user.version) {
            user = UserFields.apply(user, Json.read(state.changesJson, Map.class));
        }
        return user;
    }

    /** A change newer than what the gate holds for this user is merged field by field; an older one is ignored. */
    private void remember(UserDelta change) throws Exception {
        UserState state = users.value();
        if (state == null) {
            state = new UserState();
        }
        if (change.version <= state.changesVersion) {
            return;
        }
        Map<String, Object> merged = new LinkedHashMap<>();
        if (state.changesJson != null) {
            merged.putAll(Json.read(state.changesJson, Map.class));
        }
        merged.putAll(change.set());
        state.changesJson = Json.write(merged);
        state.changesVersion = change.version;
        users.update(state);
    }

    private void suppress(UserDelta change) {
        if (change.subscribed == 0) {
            unsubscribed.suppress(change.userId);
        } else if (change.subscribed == 1) {
            unsubscribed.allow(change.userId);
        }
        if (change.tokenValid == 0) {
            invalidTokens.suppress(change.userId);
        } else if (change.tokenValid == 1 || change.tokenValid == -1 && change.setJson.contains("\"push_token\"")) {
            invalidTokens.allow(change.userId); // a new token is a working token until the provider says otherwise
        }
    }

    /** The predicate of the campaign's chain, compiled once per campaign version. */
    private Predicate<User> cohort(CampaignRules rules) {
        Map.Entry<Long, Predicate<User>> cached = cohorts.get(rules.campaignId);
        if (cached == null || cached.getKey() != rules.version) {
            cached = Map.entry(rules.version, UserPredicate.of(FilterChain.fromJson(rules.filterJson), Instant.ofEpochMilli(rules.asOfMillis)));
            cohorts.put(rules.campaignId, cached);
        }
        return cached.getValue();
    }

    private static void forgetExpired(UserState state, long now) {
        int keep = 0;
        for (long at : state.forgetAtMillis) {
            if (at > now) {
                keep++;
            }
        }
        if (keep < state.campaigns.length) {
            long[] campaigns = new long[keep];
            long[] forget = new long[keep];
            for (int i = 0, j = 0; i < state.campaigns.length; i++) {
                if (state.forgetAtMillis[i] > now) {
                    campaigns[j] = state.campaigns[i];
                    forget[j++] = state.forgetAtMillis[i];
                }
            }
            state.campaigns = campaigns;
            state.forgetAtMillis = forget;
        }
        if (state.sentAtMillis.length > 0 && state.sentAtMillis[0] <= now - USER_STATE_TTL.toMillis()) {
            state.sentAtMillis = new SendHistory(state.sentAtMillis).since(Instant.ofEpochMilli(now).minus(USER_STATE_TTL)).sentAtMillis();
        }
    }

    private static ZoneId zone(String timezone) {
        try {
            return ZoneId.of(timezone);
        } catch (RuntimeException e) {
            return ZoneOffset.UTC; // the store only accepts known zones; an old row without one is read as UTC
        }
    }

    private static long[] append(long[] values, long value) {
        long[] next = java.util.Arrays.copyOf(values, values.length + 1);
        next[values.length] = value;
        return next;
    }

    private static UserPush[] append(UserPush[] values, UserPush value) {
        UserPush[] next = java.util.Arrays.copyOf(values, values.length + 1);
        next[values.length] = value;
        return next;
    }
}
