package io.pushflow.flink.delivery;

import io.pushflow.core.delivery.Reason;
import io.pushflow.flink.CampaignMetrics;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Holds one campaign's recipients whose quiet hours had not ended when the gate decided them, and sends each group
 * when its moment comes (a processing-time timer), as requests named by the batch and the moment. A paused campaign's
 * due recipients wait for it to resume; a stopped campaign's are skipped, and so are those of a campaign whose window
 * has been over for a day (paused for good), after which the campaign is forgotten.
 */
public class QuietHoursQueue extends KeyedProcessFunction<Long, Later, SendRequest> {

    public static final String UID = "quiet-hours-queue";
    public static final OutputTag<Outcomes> OUTCOMES = new OutputTag<>("deferred-outcomes") {};
    static final ValueStateDescriptor<CampaignRules> RULES = new ValueStateDescriptor<>("rules", CampaignRules.class);
    /** Keyed by moment and batch, so a group is one write however many wait for the same moment. */
    static final MapStateDescriptor<String, DeferredSends> DUE =
            new MapStateDescriptor<>("due-groups", String.class, DeferredSends.class);

    private transient ValueState<CampaignRules> rules;
    private transient MapState<String, DeferredSends> due;
    private transient CampaignMetrics metrics;

    @Override
    public void open(OpenContext context) {
        rules = getRuntimeContext().getState(RULES);
        due = getRuntimeContext().getMapState(DUE);
        metrics = new CampaignMetrics(getRuntimeContext().getMetricGroup());
    }

    @Override
    public void processElement(Later in, Context ctx, Collector<SendRequest> out) throws Exception {
        if (in.campaign != null) {
            update(in.campaign, ctx, out);
            return;
        }
        DeferredSends sends = in.sends;
        due.put(key(sends), sends);
        ctx.timerService().registerProcessingTimeTimer(sends.notBeforeMillis);
    }

    private void update(CampaignRules next, Context ctx, Collector<SendRequest> out) throws Exception {
        CampaignRules known = rules.value();
        if (known != null && known.version >= next.version && known.status() == next.status()) {
            return; // every gate task forwards the same rules
        }
        if (known != null && known.version > next.version) {
            return;
        }
        rules.update(next);
        ctx.timerService()
                .registerProcessingTimeTimer(next.windowEndMillis + CampaignRules.REMEMBER_AFTER_WINDOW_MILLIS);
        if (!next.is(CampaignRules.Status.PAUSED)) {
            release(
                    next.is(CampaignRules.Status.STOPPED)
                            ? Long.MAX_VALUE
                            : ctx.timerService().currentProcessingTime(),
                    ctx,
                    out);
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<SendRequest> out) throws Exception {
        CampaignRules r = rules.value();
        if (r != null && timestamp >= r.windowEndMillis + CampaignRules.REMEMBER_AFTER_WINDOW_MILLIS) {
            rules.update(CampaignRules.stopped(r.campaignId, r)); // long over: whoever still waits is skipped
            release(Long.MAX_VALUE, ctx, out);
            rules.clear();
            return;
        }
        if (r == null || r.is(CampaignRules.Status.PAUSED)) {
            return; // sent when the campaign resumes
        }
        release(r.is(CampaignRules.Status.STOPPED) ? Long.MAX_VALUE : timestamp, ctx, out);
    }

    /** Sends (or, for a stopped campaign, skips) the recipients due by {@code upTo}, earliest first. */
    private void release(long upTo, Context ctx, Collector<SendRequest> out) throws Exception {
        CampaignRules r = rules.value();
        List<String> keys = new ArrayList<>();
        for (String key : due.keys()) {
            if (momentOf(key) <= upTo) {
                keys.add(key);
            }
        }
        keys.sort(null);
        long now = ctx.timerService().currentProcessingTime();
        for (String key : keys) {
            DeferredSends group = due.get(key);
            due.remove(key);
            if (r.is(CampaignRules.Status.STOPPED) || r.variant(group.variant) == null) {
                Outcomes o = Outcomes.of(
                        group.campaignId, group.variant, group.wave, group.batchId, now, group.userIds.length);
                System.arraycopy(group.userIds, 0, o.userIds, 0, group.userIds.length);
                if (r.is(CampaignRules.Status.STOPPED)) {
                    Arrays.fill(o.kinds, Outcomes.skipped(Reason.CAMPAIGN_STOPPED));
                } else {
                    Arrays.fill(o.kinds, Outcomes.KIND_FAILED);
                    o.error = "variant " + group.variant + " is not part of the campaign as of version " + r.version;
                }
                metrics.inc(r.campaignId, Outcomes.metric(o.kinds[0]), o.kinds.length);
                ctx.output(OUTCOMES, o);
            } else {
                SendRequests.build(group.batchId + "@" + group.notBeforeMillis, r, Recipients.of(group), out::collect);
            }
        }
    }

    /** The moment first, zero-padded, so keys sort by it. */
    private static String key(DeferredSends sends) {
        return String.format(Locale.ROOT, "%015d|%s", sends.notBeforeMillis, sends.batchId);
    }

    private static long momentOf(String key) {
        return Long.parseLong(key.substring(0, key.indexOf('|')));
    }
}
