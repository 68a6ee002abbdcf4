package io.pushflow.flink.delivery;

import io.pushflow.core.delivery.QuietHours;
import io.pushflow.core.delivery.Reason;
import io.pushflow.core.delivery.Suppression;
import io.pushflow.core.filter.FilterChain;
import io.pushflow.core.filter.UserPredicate;
import io.pushflow.core.json.Json;
import io.pushflow.core.user.DeviceTokenKind;
import io.pushflow.core.user.User;
import io.pushflow.core.user.UserFields;
import io.pushflow.flink.CampaignMetrics;
import io.pushflow.flink.dispatch.OutboxBatch;
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
import org.roaringbitmap.RoaringBitmap;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * Decides, right before sending, whether each user of an outbox batch may get the push, a whole batch in one step:
 * once per user per campaign (a bitmap per campaign and chunk, kept past the window), the campaign still running
 * (broadcast rules), not suppressed (broadcast bitmaps of unsubscribed users and dead tokens), still in the cohort
 * (the filter chain's in-memory predicate on the user's newest data), outside quiet hours in the user's own time zone
 * (else deferred inside the window, or skipped), and within the frequency cap across campaigns (who was sent what
 * when, per chunk and hour). Keyed by chunk of user ids, so a batch's state is a handful of reads and writes, not
 * one per user. Recipients go out at once as provider requests, one per variant and text language, named by the
 * batch so a replay builds the same requests; skips become outcome rows; deferred recipients go to the
 * {@link QuietHoursQueue}. Batches of a campaign whose rules have not arrived yet, or that is paused, wait in keyed
 * state and are decided when the rules say so; a batch still waiting when its campaign's window is long over (or whose
 * campaign never came) is decided as stopped, so its users get their outcome and the state is freed. A campaign's rules
 * are dropped once its dedup memory and cap history have expired.
 */
public class DeliveryGate extends KeyedBroadcastProcessFunction<Long, GateInput, GateControl, SendRequest> implements CheckpointedFunction {

    public static final String UID = "delivery-gate-chunks";
    public static final OutputTag<Outcomes> OUTCOMES = new OutputTag<>("gate-outcomes") { };
    public static final OutputTag<Later> LATER = new OutputTag<>("later") { };
    public static final MapStateDescriptor<Long, CampaignRules> CAMPAIGNS =
            new MapStateDescriptor<>("campaigns", Long.class, CampaignRules.class);
    static final MapStateDescriptor<String, byte[]> SUPPRESSION =
            new MapStateDescriptor<>("suppression", BasicTypeInfo.STRING_TYPE_INFO, PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO);
    /** Longer than any campaign window or frequency-cap period the admin service accepts (30 days each). */
    static final Duration STATE_TTL = Duration.ofDays(32);
    /** A campaign is remembered for a user this long after its window, so a late replay is still a duplicate. */
    static final long REMEMBER_AFTER_WINDOW_MILLIS = Duration.ofDays(1).toMillis();
    /** How long a batch waits for a campaign the gate has no rules of (they come with the launch, before any batch). */
    static final long WAIT_FOR_UNKNOWN_MILLIS = Duration.ofDays(1).toMillis();
    /** How far ahead a deferred push may be recorded: quiet hours are shorter than a day. */
    static final long LONGEST_DEFERRAL_MILLIS = Duration.ofDays(1).toMillis();

    static final MapStateDescriptor<String, Boolean> SEEN = ttl(new MapStateDescriptor<>("seen-batches", String.class, Boolean.class));
    static final MapStateDescriptor<Long, DecidedUsers> DECIDED = ttl(new MapStateDescriptor<>("decided", Long.class, DecidedUsers.class));
    static final MapStateDescriptor<Long, SendHour> SENDS = ttl(new MapStateDescriptor<>("sends", Long.class, SendHour.class));
    static final MapStateDescriptor<Long, UserDelta> CHANGES = ttl(new MapStateDescriptor<>("changes", Long.class, UserDelta.class));
    static final ValueStateDescriptor<byte[]> CHANGED = new ValueStateDescriptor<>("changed-users", PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO);
    static final MapStateDescriptor<String, OutboxBatch> WAITING = new MapStateDescriptor<>("waiting", String.class, OutboxBatch.class);

    private transient MapState<String, Boolean> seen;
    private transient MapState<Long, DecidedUsers> decided;
    private transient MapState<Long, SendHour> sends;
    private transient MapState<Long, UserDelta> changes;
    private transient ValueState<byte[]> changed;
    private transient MapState<String, OutboxBatch> waiting;
    private transient Suppression unsubscribed;
    private transient Suppression invalidTokens;
    private transient BroadcastState<String, byte[]> suppressionState;
    private transient Map<Long, Map.Entry<Long, Predicate<User>>> cohorts;
    private transient Map<String, ZoneId> zones;
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
        changes = getRuntimeContext().getMapState(CHANGES);
        changed = getRuntimeContext().getState(CHANGED);
        waiting = getRuntimeContext().getMapState(WAITING);
        cohorts = new HashMap<>();
        zones = new HashMap<>();
        metrics = new CampaignMetrics(getRuntimeContext().getMetricGroup());
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
        if (mustWait(batch, rules)) {
            waiting.put(batch.batchId, batch);
            ctx.timerService().registerProcessingTimeTimer(waitDeadline(rules, ctx.currentProcessingTime()));
            return;
        }
        decide(batch, rules, ctx.currentProcessingTime(), new Emitter(out, ctx::output, ctx::output));
    }

    /** Until when a batch may wait: a paused campaign until its window is over and remembered, an unknown one a day. */
    private static long waitDeadline(CampaignRules rules, long now) {
        return rules == null ? now + WAIT_FOR_UNKNOWN_MILLIS : Math.max(rules.windowEndMillis, now) + REMEMBER_AFTER_WINDOW_MILLIS;
    }

    /** Batches that waited past their deadline are decided as a stopped campaign's: duplicates stay duplicates, the rest skipped. */
    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<SendRequest> out) throws Exception {
        List<OutboxBatch> over = new ArrayList<>();
        for (OutboxBatch batch : waiting.values()) {
            CampaignRules rules = ctx.getBroadcastState(CAMPAIGNS).get(batch.campaignId);
            if (!mustWait(batch, rules)) {
                continue; // decided when its rules came
            }
            long deadline = rules == null ? -1 : waitDeadline(rules, 0);
            if (rules == null || deadline <= timestamp) {
                over.add(batch);
            }
        }
        over.sort((a, b) -> a.batchId.compareTo(b.batchId));
        Emitter emit = new Emitter(out, ctx::output, ctx::output);
        for (OutboxBatch batch : over) {
            waiting.remove(batch.batchId);
            CampaignRules rules = ctx.getBroadcastState(CAMPAIGNS).get(batch.campaignId);
            decide(batch, CampaignRules.stopped(batch.campaignId, rules), timestamp, emit);
        }
    }

    @Override
    public void processBroadcastElement(GateControl control, Context ctx, Collector<SendRequest> out) throws Exception {
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
        forgetOldCampaigns(campaigns, ctx.currentProcessingTime());
        ctx.output(LATER, Later.of(rules));
        if (rules.is(CampaignRules.Status.PAUSED)) {
            return;
        }
        long now = ctx.currentProcessingTime();
        Emitter emit = new Emitter(out, ctx::output, ctx::output);
        ctx.applyToKeyedState(WAITING, (chunk, state) -> {
            List<OutboxBatch> due = new ArrayList<>();
            for (OutboxBatch batch : state.values()) {
                if (batch.campaignId == rules.campaignId && !mustWait(batch, rules)) {
                    due.add(batch);
                }
            }
            due.sort((a, b) -> a.batchId.compareTo(b.batchId));
            for (OutboxBatch batch : due) {
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

    private static boolean mustWait(OutboxBatch batch, CampaignRules rules) {
        return rules == null || rules.version < batch.campaignVersion || rules.is(CampaignRules.Status.PAUSED);
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

    /** The one decision for every user of the batch; the checks run in the order their reasons are most telling. */
    private void decide(OutboxBatch b, CampaignRules rules, long now, Emitter emit) throws Exception {
        int n = b.size();
        DecidedUsers before = decided.get(b.campaignId);
        boolean remembered = before != null && before.forgetAtMillis > now;
        RoaringBitmap done = remembered ? ChunkBitmaps.read(before.users) : new RoaringBitmap();
        int decidedBefore = done.getCardinality();
        boolean stopped = rules.is(CampaignRules.Status.STOPPED);
        boolean holdout = OutboxBatch.HOLDOUT.equals(b.variant);
        CampaignRules.VariantTexts texts = holdout ? null : rules.variant(b.variant);
        Predicate<User> cohort = cohort(rules);
        QuietHours quiet = rules.quietHours();
        Instant windowEnd = Instant.ofEpochMilli(rules.windowEndMillis);
        QuietHours.Decision[] quietByZone = new QuietHours.Decision[b.timezones.values.length];
        CapHistory cap = rules.capCount > 0 ? new CapHistory(now, rules.capPeriodMillis) : null;
        RoaringBitmap changedUsers = changedUsers();
        RoaringBitmap staleChanges = new RoaringBitmap();

        byte[] kinds = new byte[n];
        Arrays.fill(kinds, (byte) -1);
        String[] tokens = new String[n];
        DeviceTokenKind[] services = rules.direct() ? new DeviceTokenKind[n] : null;
        String[] locales = new String[n];
        long[] sendAt = new long[n];
        Map<Long, RoaringBitmap> sentAt = new TreeMap<>();
        for (int i = 0; i < n; i++) {
            long id = b.userIds[i];
            int low = ChunkBitmaps.low(id);
            if (!done.checkedAdd(low)) {
                kinds[i] = Outcomes.skipped(Reason.DUPLICATE);
                continue;
            }
            if (stopped || holdout) {
                kinds[i] = Outcomes.skipped(stopped ? Reason.CAMPAIGN_STOPPED : Reason.HOLDOUT);
                continue;
            }
            User changedUser = null;
            if (changedUsers != null && changedUsers.contains(low)) {
                UserDelta change = changes.get(id);
                if (change == null) {
                    staleChanges.add(low); // expired: nothing newer to apply any more
                } else if (change.version > b.versions[i]) {
                    changedUser = UserFields.apply(b.user(i), change.set());
                }
            }
            boolean subscribed = changedUser != null ? changedUser.subscribed() : b.flag(i, OutboxBatch.SUBSCRIBED);
            boolean tokenValid = changedUser != null ? changedUser.tokenValid() : b.flag(i, OutboxBatch.TOKEN_VALID);
            String token = changedUser != null ? changedUser.pushToken() : b.pushTokens[i];
            if (unsubscribed.isSuppressed(id) || !subscribed) {
                kinds[i] = Outcomes.skipped(Reason.UNSUBSCRIBED);
                continue;
            }
            if (services != null) {
                // a direct send needs the device token; OneSignal's verdict on its subscription id does not decide it
                DeviceTokenKind service = changedUser != null ? changedUser.deviceTokenKind() : b.deviceTokenKind(i);
                token = changedUser != null ? changedUser.deviceToken() : b.deviceToken(i);
                if (service == DeviceTokenKind.NONE || token == null || token.isBlank()) {
                    kinds[i] = Outcomes.skipped(Reason.NO_DEVICE_TOKEN);
                    continue;
                }
                services[i] = service;
            } else if (token == null || token.isBlank()) {
                kinds[i] = Outcomes.skipped(Reason.NO_PUSH_TOKEN);
                continue;
            } else if (invalidTokens.isSuppressed(id) || !tokenValid) {
                kinds[i] = Outcomes.skipped(Reason.INVALID_TOKEN);
                continue;
            }
            if (!cohort.test(changedUser != null ? changedUser : b.user(i))) {
                kinds[i] = Outcomes.skipped(Reason.LEFT_COHORT);
                continue;
            }
            long at = now;
            if (quiet != null) {
                QuietHours.Decision d;
                if (changedUser != null) {
                    d = quiet.decide(Instant.ofEpochMilli(now), zone(changedUser.timezone()), windowEnd);
                } else {
                    int z = b.timezones.codes[i];
                    if (quietByZone[z] == null) {
                        quietByZone[z] = quiet.decide(Instant.ofEpochMilli(now), zone(b.timezones.values[z]), windowEnd);
                    }
                    d = quietByZone[z];
                }
                if (d.kind() == QuietHours.Decision.Kind.SKIP) {
                    kinds[i] = Outcomes.skipped(Reason.QUIET_HOURS);
                    continue;
                }
                if (d.kind() == QuietHours.Decision.Kind.DEFER) {
                    at = d.notBefore().toEpochMilli();
                }
            }
            if (cap != null && !cap.allows(low, at, rules.capCount)) {
                kinds[i] = Outcomes.skipped(Reason.FREQUENCY_CAP);
                continue;
            }
            if (texts == null) {
                kinds[i] = Outcomes.KIND_FAILED; // nothing to send: it counts against no cap
                continue;
            }
            sentAt.computeIfAbsent(SendHour.moment(at), m -> new RoaringBitmap()).add(low);
            kinds[i] = Outcomes.KIND_SENT;
            tokens[i] = token;
            locales[i] = changedUser != null ? changedUser.locale() : b.locales.get(i);
            sendAt[i] = at;
        }

        if (done.getCardinality() > decidedBefore) {
            DecidedUsers after = new DecidedUsers();
            // one moment for the whole chunk: the latest any of its users may be forgotten
            after.forgetAtMillis = Math.max(remembered ? before.forgetAtMillis : 0, Math.max(rules.windowEndMillis, now) + REMEMBER_AFTER_WINDOW_MILLIS);
            after.users = ChunkBitmaps.bytes(done);
            decided.put(b.campaignId, after);
        }
        record(b.campaignId, sentAt, cap);
        if (!staleChanges.isEmpty()) {
            changedUsers.andNot(staleChanges);
            changed.update(changedUsers.isEmpty() ? null : ChunkBitmaps.bytes(changedUsers));
        }
        emitOutcomes(b, kinds, now, rules, emit);
        if (texts != null) {
            emitSends(b, kinds, tokens, services, locales, sendAt, now, texts, rules, emit);
        }
    }

    /** Skipped users as outcome rows now; with no texts for the variant, the users it would have sent fail. */
    private void emitOutcomes(OutboxBatch b, byte[] kinds, long now, CampaignRules rules, Emitter emit) {
        int skipped = 0;
        int failed = 0;
        for (byte k : kinds) {
            skipped += k != Outcomes.KIND_SENT && k != Outcomes.KIND_FAILED ? 1 : 0;
            failed += k == Outcomes.KIND_FAILED ? 1 : 0;
        }
        for (int pass = 0; pass < 2; pass++) {
            int size = pass == 0 ? skipped : failed;
            if (size == 0) {
                continue;
            }
            Outcomes o = Outcomes.of(b.campaignId, b.variant, b.wave, b.batchId, now, size);
            if (pass == 1) {
                o.error = "variant " + b.variant + " is not part of the campaign as of version " + rules.version;
            }
            for (int i = 0, j = 0; i < kinds.length; i++) {
                boolean skip = kinds[i] != Outcomes.KIND_SENT && kinds[i] != Outcomes.KIND_FAILED;
                if (pass == 0 ? skip : kinds[i] == Outcomes.KIND_FAILED) {
                    o.userIds[j] = b.userIds[i];
                    o.kinds[j++] = kinds[i];
                }
            }
            count(o);
            emit.outcome(o);
        }
    }

    /**
     * Recipients due now as requests per service (OneSignal, or APNs and FCM for a direct campaign) and text language;
     * deferred ones grouped by the moment their quiet hours end.
     */
    private static void emitSends(OutboxBatch b, byte[] kinds, String[] tokens, DeviceTokenKind[] services, String[] locales, long[] sendAt,
                                  long now, CampaignRules.VariantTexts texts, CampaignRules rules, Emitter emit) {
        List<Integer> due = new ArrayList<>();
        Map<Long, List<Integer>> later = new TreeMap<>();
        for (int i = 0; i < kinds.length; i++) {
            if (kinds[i] == Outcomes.KIND_SENT) {
                (sendAt[i] > now ? later.computeIfAbsent(sendAt[i], at -> new ArrayList<>()) : due).add(i);
            }
        }
        Recipients recipients = new Recipients(b.batchId, b.wave, b.variant, b.userIds, tokens, locales, services);
        SendRequests.build(b.batchId, rules, recipients.select(due), emit.requests()::collect);
        later.forEach((at, rows) -> emit.defer(recipients.select(rows).deferredUntil(b.campaignId, at)));
    }

    private void count(Outcomes o) {
        o.countByKind((kind, n) -> metrics.inc(o.campaignId, Outcomes.metric(kind), n));
    }

    /** Who got (or will get, when deferred) a push of this campaign and when, for later frequency caps. */
    private void record(long campaignId, Map<Long, RoaringBitmap> sentAt, CapHistory loaded) throws Exception {
        Map<Long, SendHour> hours = new HashMap<>();
        for (Map.Entry<Long, RoaringBitmap> e : sentAt.entrySet()) {
            long hour = SendHour.hourOf(e.getKey());
            SendHour h = hours.get(hour);
            if (h == null) {
                h = loaded != null && loaded.hours.containsKey(hour) ? loaded.hours.get(hour) : sends.get(hour);
                h = h == null ? new SendHour() : h;
                hours.put(hour, h);
            }
            h.add(e.getKey(), campaignId, e.getValue());
        }
        for (Map.Entry<Long, SendHour> e : hours.entrySet()) {
            sends.put(e.getKey(), e.getValue());
        }
    }

    /** The chunk's pushes that can count against a cap of {@code period} decided {@code now}, read once per batch. */
    private final class CapHistory {
        final Map<Long, SendHour> hours = new HashMap<>();
        final List<RoaringBitmap> users = new ArrayList<>();
        long[] moments = new long[0];
        final long period;

        CapHistory(long now, long period) throws Exception {
            this.period = period;
            for (long hour = SendHour.hourOf(now - period); hour <= SendHour.hourOf(now + LONGEST_DEFERRAL_MILLIS); hour++) {
                SendHour h = sends.get(hour);
                if (h == null) {
                    continue;
                }
                hours.put(hour, h);
                int from = moments.length;
                moments = Arrays.copyOf(moments, from + h.at.length);
                for (int i = 0; i < h.at.length; i++) {
                    moments[from + i] = h.at[i];
                    users.add(ChunkBitmaps.read(h.users[i]));
                }
            }
        }

        /** Whether one more push at {@code at} keeps the user below {@code count} pushes in the period before it. */
        boolean allows(int low, long at, int count) {
            long since = at - period;
            int recent = 0;
            for (int i = 0; i < moments.length; i++) {
                if (moments[i] > since && users.get(i).contains(low)) {
                    recent++;
                }
            }
            return recent < count;
        }
    }

    /** The chunk's users with changes on record, or null when none. */
    private RoaringBitmap changedUsers() throws Exception {
        byte[] bytes = changed.value();
        return bytes == null ? null : ChunkBitmaps.read(bytes);
    }

    /** A change newer than what the gate holds for this user is merged field by field; an older one is ignored. */
    private void remember(UserDelta change) throws Exception {
        UserDelta known = changes.get(change.userId);
        if (known != null && change.version <= known.version) {
            return;
        }
        Map<String, Object> merged = new LinkedHashMap<>();
        if (known != null) {
            merged.putAll(known.set());
        }
        merged.putAll(change.set());
        UserDelta next = new UserDelta();
        next.userId = change.userId;
        next.version = change.version;
        next.setJson = Json.write(merged);
        changes.put(change.userId, next);
        RoaringBitmap users = changedUsers();
        users = users == null ? new RoaringBitmap() : users;
        if (users.checkedAdd(ChunkBitmaps.low(change.userId))) {
            changed.update(ChunkBitmaps.bytes(users));
        }
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

    private ZoneId zone(String timezone) {
        return zones.computeIfAbsent(timezone == null ? "" : timezone, z -> {
            try {
                return ZoneId.of(z);
            } catch (RuntimeException e) {
                return ZoneOffset.UTC; // the store only accepts known zones; an old row without one is read as UTC
            }
        });
    }
}
