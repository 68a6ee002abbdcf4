package io.pushflow.flink.delivery;

import io.pushflow.core.delivery.Reason;
import io.pushflow.flink.CampaignMetrics;
import io.pushflow.provider.PushMessage;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns one campaign's verdicts into provider requests. It waits until every user of an outbox batch has a
 * verdict, then groups the batch's recipients by the language of the text they get, so each request holds
 * exactly the same users on every replay (its idempotency key depends on it). Recipients deferred past quiet
 * hours wait for a processing-time timer; skips become outcome rows at once.
 */
public class SendAssembler extends KeyedProcessFunction<Long, GateOutput, SendRequest> {

    public static final String UID = "send-assembler";
    public static final OutputTag<Outcome> OUTCOMES = new OutputTag<>("outcomes") { };
    static final ValueStateDescriptor<CampaignRules> RULES = new ValueStateDescriptor<>("rules", CampaignRules.class);
    static final MapStateDescriptor<String, BatchProgress> PROGRESS = new MapStateDescriptor<>("progress", String.class, BatchProgress.class);
    static final MapStateDescriptor<String, Recipient> MEMBERS = new MapStateDescriptor<>("members", String.class, Recipient.class);
    static final MapStateDescriptor<Long, DeferredGroup> DEFERRED = new MapStateDescriptor<>("deferred", Long.class, DeferredGroup.class);

    private transient ValueState<CampaignRules> rules;
    private transient MapState<String, BatchProgress> progress;
    private transient MapState<String, Recipient> members;
    private transient MapState<Long, DeferredGroup> deferred;
    private transient CampaignMetrics metrics;

    @Override
    public void open(OpenContext context) {
        rules = getRuntimeContext().getState(RULES);
        progress = getRuntimeContext().getMapState(PROGRESS);
        members = getRuntimeContext().getMapState(MEMBERS);
        deferred = getRuntimeContext().getMapState(DEFERRED);
        metrics = new CampaignMetrics(getRuntimeContext().getMetricGroup());
    }

    @Override
    public void processElement(GateOutput in, Context ctx, Collector<SendRequest> out) throws Exception {
        if (in.campaign != null) {
            update(in.campaign, ctx, out);
        } else {
            collect(in.verdict, ctx, out);
        }
    }

    private void update(CampaignRules next, Context ctx, Collector<SendRequest> out) throws Exception {
        CampaignRules known = rules.value();
        if (known != null && known.version >= next.version && known.status.equals(next.status)) {
            return; // every gate task forwards the same rules
        }
        if (known != null && known.version > next.version) {
            return;
        }
        rules.update(next);
        if (!next.is(CampaignRules.Status.PAUSED)) {
            releaseDeferred(next.is(CampaignRules.Status.STOPPED) ? Long.MAX_VALUE : ctx.timerService().currentProcessingTime(), ctx, out);
        }
    }

    private void collect(Verdict v, Context ctx, Collector<SendRequest> out) throws Exception {
        BatchProgress p = progress.get(v.batchId);
        if (p == null) {
            p = new BatchProgress();
            p.expected = v.batchSize;
        }
        p.decided++;
        CampaignRules r = rules.value();
        if (v.is(Verdict.Kind.SKIP)) {
            ctx.output(OUTCOMES, Outcome.skipped(v));
            metrics.inc(v.campaignId, "skipped_" + v.reason, 1);
        } else if (r == null || r.variant(v.variant) == null) {
            Outcome failed = Outcome.of(v.campaignId, v.userId, v.variant, v.wave, v.batchId, Outcome.FAILED, null, v.decidedAtMillis);
            failed.error = "variant " + v.variant + " is not part of the campaign" + (r == null ? "" : " as of version " + r.version);
            ctx.output(OUTCOMES, failed);
            metrics.inc(v.campaignId, "failed", 1);
        } else {
            members.put(v.batchId + ":" + p.recipients, Recipient.of(v));
            p.recipients++;
        }
        if (p.decided < p.expected) {
            progress.put(v.batchId, p);
            return;
        }
        progress.remove(v.batchId);
        List<Recipient> now = new ArrayList<>();
        Map<Long, List<Recipient>> later = new LinkedHashMap<>();
        for (int i = 0; i < p.recipients; i++) {
            String key = v.batchId + ":" + i;
            Recipient rec = members.get(key);
            members.remove(key);
            if (rec.deferred) {
                later.computeIfAbsent(rec.notBeforeMillis, at -> new ArrayList<>()).add(rec);
            } else {
                now.add(rec);
            }
        }
        emit(v.batchId, now, r, out);
        for (Map.Entry<Long, List<Recipient>> e : later.entrySet()) {
            DeferredGroup group = deferred.get(e.getKey());
            if (group == null) {
                group = new DeferredGroup();
            }
            List<Recipient> all = new ArrayList<>(Arrays.asList(group.recipients));
            all.addAll(e.getValue());
            group.recipients = all.toArray(Recipient[]::new);
            deferred.put(e.getKey(), group);
            ctx.timerService().registerProcessingTimeTimer(e.getKey());
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<SendRequest> out) throws Exception {
        CampaignRules r = rules.value();
        if (r == null || r.is(CampaignRules.Status.PAUSED)) {
            return; // sent when the campaign resumes
        }
        releaseDeferred(r.is(CampaignRules.Status.STOPPED) ? Long.MAX_VALUE : timestamp, ctx, out);
    }

    /** Sends (or, for a stopped campaign, skips) the deferred recipients due by {@code upTo}. */
    private void releaseDeferred(long upTo, Context ctx, Collector<SendRequest> out) throws Exception {
        CampaignRules r = rules.value();
        List<Long> due = new ArrayList<>();
        for (Long at : deferred.keys()) {
            if (at <= upTo) {
                due.add(at);
            }
        }
        due.sort(null);
        for (Long at : due) {
            Map<String, List<Recipient>> byBatch = new LinkedHashMap<>();
            for (Recipient rec : deferred.get(at).recipients) {
                byBatch.computeIfAbsent(rec.batchId, b -> new ArrayList<>()).add(rec);
            }
            deferred.remove(at);
            for (Map.Entry<String, List<Recipient>> e : byBatch.entrySet()) {
                if (r.is(CampaignRules.Status.STOPPED)) {
                    long now = ctx.timerService().currentProcessingTime();
                    for (Recipient rec : e.getValue()) {
                        ctx.output(OUTCOMES, Outcome.of(r.campaignId, rec.userId, rec.variant, rec.wave, rec.batchId, Outcome.SKIPPED,
                                Reason.CAMPAIGN_STOPPED, now));
                        metrics.inc(r.campaignId, "skipped_" + Reason.CAMPAIGN_STOPPED, 1);
                    }
                } else {
                    emit(e.getKey() + "@" + at, e.getValue(), r, out);
                }
            }
        }
    }

    /** One request per variant and text language, at most the provider's limit of recipients each. */
    private static void emit(String requestBase, List<Recipient> recipients, CampaignRules r, Collector<SendRequest> out) {
        Map<String, List<Recipient>> groups = new LinkedHashMap<>();
        for (Recipient rec : recipients) {
            CampaignRules.VariantTexts texts = r.variant(rec.variant);
            groups.computeIfAbsent(rec.variant + "\u0000" + texts.languages[texts.textFor(rec.locale)], g -> new ArrayList<>()).add(rec);
        }
        for (List<Recipient> group : groups.values()) {
            Recipient first = group.get(0);
            CampaignRules.VariantTexts texts = r.variant(first.variant);
            int text = texts.textFor(first.locale);
            for (int from = 0, chunk = 0; from < group.size(); from += PushMessage.MAX_RECIPIENTS, chunk++) {
                List<Recipient> part = group.subList(from, Math.min(group.size(), from + PushMessage.MAX_RECIPIENTS));
                SendRequest s = new SendRequest();
                s.language = texts.languages[text];
                s.requestId = requestBase + ":" + first.variant + ":" + s.language + (chunk == 0 ? "" : ":" + chunk);
                s.campaignId = r.campaignId;
                s.variant = first.variant;
                s.pushId = texts.pushId;
                s.wave = first.wave;
                s.batchId = first.batchId;
                s.title = texts.titles[text];
                s.body = texts.bodies[text];
                s.deepLink = texts.deepLink;
                s.imageUrl = texts.imageUrl;
                s.dataJson = texts.dataJson;
                s.userIds = part.stream().mapToLong(x -> x.userId).toArray();
                s.pushTokens = part.stream().map(x -> x.pushToken).toArray(String[]::new);
                out.collect(s);
            }
        }
    }
}
