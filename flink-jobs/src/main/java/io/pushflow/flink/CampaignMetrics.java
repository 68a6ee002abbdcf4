package io.pushflow.flink;

import java.util.HashMap;
import java.util.Map;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;

/**
 * Per-campaign metrics of an operator, in the group {@code campaign=<id>} (the Flink dashboard lists them under
 * the operator: released, sent, failed, skipped_&lt;reason&gt;, providerLatencyMs, ...). Each is registered once,
 * on first use, and used from the task thread only.
 */
public final class CampaignMetrics {

    private final MetricGroup group;
    private final Map<String, Counter> counters = new HashMap<>();
    private final Map<String, Histogram> histograms = new HashMap<>();

    public CampaignMetrics(MetricGroup group) {
        this.group = group;
    }

    public void inc(long campaignId, String name, long n) {
        if (n != 0) {
            counters.computeIfAbsent(
                            campaignId + "/" + name,
                            k -> group.addGroup("campaign", Long.toString(campaignId))
                                    .counter(name))
                    .inc(n);
        }
    }

    /** A histogram over the last 500 values. */
    public void record(long campaignId, String name, long value) {
        histograms
                .computeIfAbsent(
                        campaignId + "/" + name,
                        k -> group.addGroup("campaign", Long.toString(campaignId))
                                .histogram(name, new DescriptiveStatisticsHistogram(500)))
                .update(value);
    }
}
