package io.pushflow.core.campaign;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.util.List;
import java.util.Map;

/** Everything the jobs need to run a campaign, as of one campaign version. */
public record CampaignSnapshot(
        long id,
        String name,
        String app,
        CampaignStatus status,
        Cohort cohort,
        List<Variant> variants,
        Split split,
        double holdoutShare,
        Instant startAt,
        Duration duration,
        Integer sendRateLimit,
        QuietHours quietHours,
        FrequencyCap frequencyCap,
        String provider,
        SendPace pace) {

    /** Older snapshots (before {@code pace}) and callers that leave it out spread the audience evenly. */
    public CampaignSnapshot {
        pace = pace == null ? SendPace.EVEN : pace;
    }

    /** The cohort with its filter chain in the canonical JSON shape. */
    public record Cohort(long id, String name, JsonNode filter) {}

    /** One arm of the split: a push (creative) under a short key (A, B, C...). */
    public record Variant(String key, long pushId, String name, double weight, PushContent content) {}

    public record PushContent(
            String defaultLocale,
            Map<String, LocalizedText> texts,
            String deepLink,
            String imageUrl,
            Map<String, Object> data) {}

    public record LocalizedText(String title, String body) {}

    /**
     * The split test. {@code weights} for AB_FIXED are in the variants; AB_WINNER uses testShare,
     * testDuration and metric; BANDIT uses metric, minShare and burnIn (deliveries per variant before sampling).
     * {@code rewardSource} says where the metric is counted (snapshots from before it: AUTO; a missing metric: CLICKS).
     */
    public record Split(
            SplitType type,
            Metric metric,
            Double testShare,
            Duration testDuration,
            Double minShare,
            Integer burnIn,
            RewardSource rewardSource) {

        public Split {
            metric = metric == null ? Metric.CLICKS : metric;
            rewardSource = rewardSource == null ? RewardSource.AUTO : rewardSource;
        }
    }

    /** No pushes between start and end in the user's own time zone (the window may wrap midnight). */
    public record QuietHours(LocalTime start, LocalTime end) {}

    /** At most {@code count} campaign pushes per user in any {@code period}. */
    public record FrequencyCap(int count, Duration period) {}
}
