package io.pushflow.flink.status;

import io.pushflow.core.bandit.BanditFeedback;
import io.pushflow.core.bandit.DelayedFeedback;
import io.pushflow.core.json.Json;
import io.pushflow.flink.CampaignMetrics;
import io.pushflow.flink.rabbit.AmqpMessage;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

import java.time.Duration;
import java.util.Arrays;

/**
 * Turns a campaign's deliveries and first clicks into {@code bandit.feedback} messages, one per variant every
 * {@code interval} while there is news. A delivery counts as a trial only as far as its clicks can have come in
 * by now ({@link DelayedFeedback#settled} with the mean click delay), so the variant that got the newest traffic
 * is not punished for clicks still on their way.
 */
public class FeedbackBatcher extends KeyedProcessFunction<Long, VariantDelta, AmqpMessage> {

    public static final String UID = "feedback-batcher";
    /** Each variant's running totals, written with every flush for the statistics. */
    public static final OutputTag<VariantTotals> TOTALS = new OutputTag<>("variant-totals") { };
    static final ValueStateDescriptor<FeedbackState> FEEDBACK = new ValueStateDescriptor<>("feedback", FeedbackState.class);
    private static final double SETTLED = 0.999;

    private final String queue;
    private final long intervalMillis;
    private final Duration meanClickDelay;
    private transient ValueState<FeedbackState> feedback;
    private transient CampaignMetrics metrics;

    public FeedbackBatcher(String queue, Duration interval, Duration meanClickDelay) {
        this.queue = queue;
        this.intervalMillis = interval.toMillis();
        this.meanClickDelay = meanClickDelay;
    }

    @Override
    public void open(OpenContext context) {
        feedback = getRuntimeContext().getState(FEEDBACK);
        metrics = new CampaignMetrics(getRuntimeContext().getMetricGroup());
    }

    @Override
    public void processElement(VariantDelta d, Context ctx, Collector<AmqpMessage> out) throws Exception {
        FeedbackState s = feedback.value();
        if (s == null) {
            s = new FeedbackState();
        }
        int v = variant(s, d.variant);
        s.clicks[v] += d.clicks;
        s.totalDelivered[v] += d.delivered;
        s.totalOpened[v] += d.opens;
        s.totalClicked[v] += d.clicks;
        metrics.inc(d.campaignId, "delivered", d.delivered);
        metrics.inc(d.campaignId, "opened", d.opens);
        metrics.inc(d.campaignId, "clicked", d.clicks);
        if (d.delivered > 0) {
            s.bucketVariant = append(s.bucketVariant, v);
            s.bucketAtMillis = append(s.bucketAtMillis, d.atMillis);
            s.bucketCount = append(s.bucketCount, d.delivered);
        }
        if (!s.timerSet && (d.delivered > 0 || d.clicks > 0 || d.opens > 0)) {
            ctx.timerService().registerProcessingTimeTimer(ctx.timerService().currentProcessingTime() + intervalMillis);
            s.timerSet = true;
        }
        feedback.update(s);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<AmqpMessage> out) throws Exception {
        FeedbackState s = feedback.value();
        if (s == null) {
            return;
        }
        double[] trials = s.settled.clone();
        int keep = 0;
        for (int b = 0; b < s.bucketCount.length; b++) {
            double share = DelayedFeedback.settled(Duration.ofMillis(timestamp - s.bucketAtMillis[b]), meanClickDelay);
            if (share >= SETTLED) {
                s.settled[s.bucketVariant[b]] += s.bucketCount[b]; // fully settled: fold in, forget the bucket
                trials[s.bucketVariant[b]] += s.bucketCount[b];
            } else {
                trials[s.bucketVariant[b]] += share * s.bucketCount[b];
                s.bucketVariant[keep] = s.bucketVariant[b];
                s.bucketAtMillis[keep] = s.bucketAtMillis[b];
                s.bucketCount[keep++] = s.bucketCount[b];
            }
        }
        s.bucketVariant = Arrays.copyOf(s.bucketVariant, keep);
        s.bucketAtMillis = Arrays.copyOf(s.bucketAtMillis, keep);
        s.bucketCount = Arrays.copyOf(s.bucketCount, keep);
        long campaign = ctx.getCurrentKey();
        for (int v = 0; v < s.variants.length; v++) {
            VariantTotals totals = new VariantTotals();
            totals.campaignId = campaign;
            totals.variant = s.variants[v];
            totals.delivered = s.totalDelivered[v];
            totals.opened = s.totalOpened[v];
            totals.clicked = s.totalClicked[v];
            totals.atMillis = timestamp;
            ctx.output(TOTALS, totals);
        }
        for (int v = 0; v < s.variants.length; v++) {
            double newTrials = trials[v] - s.reported[v];
            if (newTrials <= 1e-9 && s.clicks[v] == 0) {
                continue;
            }
            String id = "fb-" + campaign + "-" + s.variants[v] + "-" + (++s.sequence[v]);
            BanditFeedback f = new BanditFeedback(BanditFeedback.VERSION, id, campaign, s.variants[v], Math.max(0, newTrials), s.clicks[v]);
            out.collect(AmqpMessage.of(queue, id, "FEEDBACK", Json.write(f)));
            s.reported[v] = trials[v];
            s.clicks[v] = 0;
        }
        s.timerSet = keep > 0;
        if (s.timerSet) {
            ctx.timerService().registerProcessingTimeTimer(timestamp + intervalMillis);
        }
        feedback.update(s);
    }

    private static int variant(FeedbackState s, String key) {
        int v = Arrays.asList(s.variants).indexOf(key);
        if (v >= 0) {
            return v;
        }
        s.variants = Arrays.copyOf(s.variants, s.variants.length + 1);
        s.variants[s.variants.length - 1] = key;
        s.settled = Arrays.copyOf(s.settled, s.variants.length);
        s.reported = Arrays.copyOf(s.reported, s.variants.length);
        s.clicks = Arrays.copyOf(s.clicks, s.variants.length);
        s.sequence = Arrays.copyOf(s.sequence, s.variants.length);
        s.totalDelivered = Arrays.copyOf(s.totalDelivered, s.variants.length);
        s.totalOpened = Arrays.copyOf(s.totalOpened, s.variants.length);
        s.totalClicked = Arrays.copyOf(s.totalClicked, s.variants.length);
        return s.variants.length - 1;
    }

    private static int[] append(int[] a, int x) {
        int[] next = Arrays.copyOf(a, a.length + 1);
        next[a.length] = x;
        return next;
    }

    private static long[] append(long[] a, long x) {
        long[] next = Arrays.copyOf(a, a.length + 1);
        next[a.length] = x;
        return next;
    }
}
