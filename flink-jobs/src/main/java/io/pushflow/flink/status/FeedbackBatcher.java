package io.pushflow.flink.status;

import io.pushflow.core.bandit.BanditFeedback;
import io.pushflow.core.bandit.DelayedFeedback;
import io.pushflow.core.campaign.Metric;
import io.pushflow.core.campaign.RewardSource;
import io.pushflow.core.json.Json;
import io.pushflow.flink.CampaignMetrics;
import io.pushflow.flink.rabbit.AmqpMessage;
import java.time.Duration;
import java.util.Arrays;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Turns a campaign's deliveries and rewards into {@code bandit.feedback} messages, one per variant every
 * {@code interval} while there is news. The reward is the campaign's metric counted from its reward source
 * ({@link RewardSource#reward}: the app's first clicks or opens, the provider's click counts, or the larger of the two),
 * each source kept as a running total so a switch between them or a second source never counts a click twice. A
 * delivery counts as a trial only as far as its rewards can have come in by now ({@link DelayedFeedback#settled}, from
 * the moment it was sent): the app reports opens and clicks after their mean delays, the provider's counts are seen
 * only at the poller's next look, so rewards from the provider settle with {@code providerDelay}. The campaign's rule arrives with its commands; one the
 * job never saw counts clicks from both sources.
 */
public class FeedbackBatcher extends KeyedCoProcessFunction<Long, RewardRule, VariantDelta, AmqpMessage> {

    public static final String UID = "feedback-batcher";
    /** Each variant's running totals, written with every flush for the statistics. */
    public static final OutputTag<VariantTotals> TOTALS = new OutputTag<>("variant-totals") {};

    static final ValueStateDescriptor<FeedbackState> FEEDBACK =
            new ValueStateDescriptor<>("feedback", FeedbackState.class);
    private static final double SETTLED = 0.999;
    /** A campaign's evidence is forgotten this long after its window ends: its clicks have come by then, its totals are written. */
    public static final Duration FORGET_AFTER_WINDOW = Duration.ofDays(1);

    private final String queue;
    private final long intervalMillis;
    private final Duration clickDelay;
    private final Duration openDelay;
    private final Duration providerDelay;
    private transient ValueState<FeedbackState> feedback;
    private transient CampaignMetrics metrics;

    /** Rewards settle with the mean delay from the push to the app's click, to its open, or to the provider's count of a click. */
    public FeedbackBatcher(
            String queue, Duration interval, Duration clickDelay, Duration openDelay, Duration providerDelay) {
        this.queue = queue;
        this.intervalMillis = interval.toMillis();
        this.clickDelay = clickDelay;
        this.openDelay = openDelay;
        this.providerDelay = providerDelay;
    }

    @Override
    public void open(OpenContext context) {
        feedback = getRuntimeContext().getState(FEEDBACK);
        metrics = new CampaignMetrics(getRuntimeContext().getMetricGroup());
    }

    /** A campaign's rule; an older version arriving late changes nothing. */
    @Override
    public void processElement1(RewardRule rule, Context ctx, Collector<AmqpMessage> out) throws Exception {
        FeedbackState s = state();
        if (s.rule == null || rule.version >= s.rule.version) {
            s.rule = rule;
            feedback.update(s);
            ctx.timerService().registerProcessingTimeTimer(rule.windowEndMillis + FORGET_AFTER_WINDOW.toMillis());
        }
    }

    @Override
    public void processElement2(VariantDelta d, Context ctx, Collector<AmqpMessage> out) throws Exception {
        FeedbackState s = state();
        int v = variant(s, d.variant);
        s.totalDelivered[v] += d.delivered;
        s.totalOpened[v] += d.opens;
        s.totalClicked[v] += d.clicks;
        s.totalProviderClicks[v] += d.providerClicks;
        s.appSeen |= d.opens > 0 || d.clicks > 0;
        metrics.inc(d.campaignId, "delivered", d.delivered);
        metrics.inc(d.campaignId, "opened", d.opens);
        metrics.inc(d.campaignId, "clicked", d.clicks);
        metrics.inc(d.campaignId, "providerClicks", d.providerClicks);
        if (d.delivered > 0) {
            s.bucketVariant = append(s.bucketVariant, v);
            s.bucketAtMillis = append(s.bucketAtMillis, d.atMillis);
            s.bucketCount = append(s.bucketCount, d.delivered);
        }
        if (!s.timerSet && (d.delivered > 0 || d.clicks > 0 || d.opens > 0 || d.providerClicks > 0)) {
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
        if (s.rule != null && timestamp >= s.rule.windowEndMillis + FORGET_AFTER_WINDOW.toMillis()) {
            feedback.clear(); // the campaign is long over
            return;
        }
        normalize(s);
        long campaign = ctx.getCurrentKey();
        RewardRule rule = s.rule != null ? s.rule : RewardRule.unknown(campaign);
        Metric metric = rule.metric();
        RewardSource source = rule.source();
        Duration delay = metric == Metric.OPENS
                ? openDelay
                : source == RewardSource.APP || (source == RewardSource.AUTO && s.appSeen) ? clickDelay : providerDelay;
        double[] trials = s.settled.clone();
        int keep = 0;
        for (int b = 0; b < s.bucketCount.length; b++) {
            double share = DelayedFeedback.settled(Duration.ofMillis(timestamp - s.bucketAtMillis[b]), delay);
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
        for (int v = 0; v < s.variants.length; v++) {
            VariantTotals totals = new VariantTotals();
            totals.campaignId = campaign;
            totals.variant = s.variants[v];
            totals.delivered = s.totalDelivered[v];
            totals.opened = s.totalOpened[v];
            totals.clicked = s.totalClicked[v];
            totals.providerClicked = s.totalProviderClicks[v];
            totals.atMillis = timestamp;
            ctx.output(TOTALS, totals);
        }
        for (int v = 0; v < s.variants.length; v++) {
            double newTrials = trials[v] - s.reported[v];
            long reward = source.reward(metric, s.totalOpened[v], s.totalClicked[v], s.totalProviderClicks[v]);
            long newRewards = Math.max(0, reward - s.reportedRewards[v]);
            if (newTrials <= 1e-9 && newRewards == 0) {
                continue;
            }
            String id = "fb-" + campaign + "-" + s.variants[v] + "-" + (++s.sequence[v]);
            BanditFeedback f = new BanditFeedback(
                    BanditFeedback.VERSION, id, campaign, s.variants[v], Math.max(0, newTrials), newRewards);
            out.collect(AmqpMessage.of(queue, id, "FEEDBACK", Json.write(f)));
            s.reported[v] = Math.max(s.reported[v], trials[v]);
            s.reportedRewards[v] += newRewards;
        }
        s.timerSet = keep > 0;
        if (s.timerSet) {
            ctx.timerService().registerProcessingTimeTimer(timestamp + intervalMillis);
        }
        feedback.update(s);
    }

    private FeedbackState state() throws Exception {
        FeedbackState s = feedback.value();
        return s == null ? new FeedbackState() : normalize(s);
    }

    /** State written before reward sources lacks the newer arrays: what it had reported of the app's clicks is what it reported. */
    static FeedbackState normalize(FeedbackState s) {
        int n = s.variants.length;
        if (s.reportedRewards.length < n) {
            long[] reported = Arrays.copyOf(s.reportedRewards, n);
            for (int v = s.reportedRewards.length; v < n; v++) {
                reported[v] = s.totalClicked[v] - (v < s.clicks.length ? s.clicks[v] : 0);
            }
            s.reportedRewards = reported;
            s.clicks = new long[0];
        }
        if (s.totalProviderClicks.length < n) {
            s.totalProviderClicks = Arrays.copyOf(s.totalProviderClicks, n);
        }
        return s;
    }

    private static int variant(FeedbackState s, String key) {
        int v = Arrays.asList(s.variants).indexOf(key);
        if (v >= 0) {
            return v;
        }
        int n = s.variants.length + 1;
        s.variants = Arrays.copyOf(s.variants, n);
        s.variants[n - 1] = key;
        s.settled = Arrays.copyOf(s.settled, n);
        s.reported = Arrays.copyOf(s.reported, n);
        s.reportedRewards = Arrays.copyOf(s.reportedRewards, n);
        s.sequence = Arrays.copyOf(s.sequence, n);
        s.totalDelivered = Arrays.copyOf(s.totalDelivered, n);
        s.totalOpened = Arrays.copyOf(s.totalOpened, n);
        s.totalClicked = Arrays.copyOf(s.totalClicked, n);
        s.totalProviderClicks = Arrays.copyOf(s.totalProviderClicks, n);
        return n - 1;
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
