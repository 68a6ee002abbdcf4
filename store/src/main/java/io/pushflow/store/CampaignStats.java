package io.pushflow.store;

import static io.pushflow.store.ClickHouse.longValue;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.pushflow.core.bandit.ArmEvidence;
import io.pushflow.core.campaign.Metric;
import io.pushflow.core.campaign.RewardSource;
import io.pushflow.core.stats.ProbabilityOfBest;
import io.pushflow.core.stats.RateInterval;
import io.pushflow.core.stats.SampleRatioMismatch;
import jakarta.annotation.Nullable;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A campaign's statistics from ClickHouse, as the marketer's screen shows them: per variant the audience
 * assigned, outcomes (sent, failed, skipped by reason), deliveries and receipts the provider reports, installs that
 * opened and clicked as the app reported them (the status job's exact running totals), clicks as the provider counted
 * them, the clicks of the campaign's reward source, rates per delivered push with 95% credible intervals, the
 * probability of being best by the campaign's metric, and the share of the latest wave; per campaign the metric and
 * reward source, progress, send rate, ETA, sample-ratio tests of what was sent and delivered, and how fresh the data is. Every
 * query is bounded by the client's {@code max_execution_time}.
 */
public final class CampaignStats {

    public static final double LEVEL = 0.95;

    /**
     * What the statistics need to know of the campaign: its variants, its audience, the metric its split test optimises
     * and where that is counted.
     */
    public record Spec(
            long campaignId, List<String> variants, long audience, Metric metric, RewardSource rewardSource) {}

    /**
     * One variant. {@code clicked} is counted by the campaign's reward source (the app's first clicks, the provider's
     * click count, or under AUTO the larger, named in {@code clicksFrom}); {@code clickedByApp} and
     * {@code clickedByProvider} are the two counts. {@code probabilityBest} is by the campaign's metric.
     */
    public record Variant(
            String variant,
            long assigned,
            long sent,
            long failed,
            @JsonInclude(JsonInclude.Include.ALWAYS) Map<String, Long> skipped,
            long delivered,
            long received,
            long opened,
            long clicked,
            long clickedByApp,
            long clickedByProvider,
            RewardSource clicksFrom,
            RateInterval openRate,
            RateInterval clickRate,
            double probabilityBest,
            @Nullable Double share) {}

    /**
     * {@code sampleRatio}: the users sent per variant against the planner's intended shares; {@code sampleRatioDelivered}:
     * the devices reached per variant against the recipients of the same notifications (see {@link CampaignHealth}); each
     * null until there is something to test, its {@code mismatch} true below {@link SampleRatioMismatch#ALARM}, and
     * {@code sampleRatio} as of the outcomes read at most {@link CampaignHealth#OUTCOMES_LIFETIME} ago.
     */
    public record Campaign(
            long campaignId,
            Metric metric,
            RewardSource rewardSource,
            long audience,
            long outcomes,
            long holdout,
            double progress,
            double sendRatePerSecond,
            @Nullable Long etaSeconds,
            @Nullable SampleRatioMismatch sampleRatio,
            @Nullable SampleRatioMismatch sampleRatioDelivered,
            @Nullable Instant dataAsOf,
            @Nullable Long dataAgeSeconds,
            List<Variant> variants,
            @JsonInclude(JsonInclude.Include.ALWAYS) List<ProviderOutcomes> providers) {}

    /**
     * What each service took (from {@code provider_notifications}): {@code onesignal}, or for a DIRECT campaign {@code apns}
     * and {@code fcm}. {@code requests}: OneSignal's notifications, or the direct sends' requests; {@code recipients}: the
     * users in them; {@code delivered}: OneSignal's delivered count, or the devices APNs or FCM accepted (they report no
     * delivery); {@code invalid}: ids OneSignal calls unsubscribed, or tokens APNs or FCM refused as dead; {@code errored}:
     * OneSignal's errored count, or the devices a direct send failed (refused, retries exhausted, unconfirmed).
     */
    public record ProviderOutcomes(
            String provider, long requests, long recipients, long delivered, long invalid, long errored) {}

    /** One point of a series: the start of a step and the value in it. */
    public record Point(Instant at, double value) {}

    public enum Series {
        SENDS,
        OPENS,
        CLICKS,
        SHARE
    }

    private final ClickHouse clickHouse;
    private final CampaignHealth health;

    public CampaignStats(ClickHouse clickHouse) {
        this(clickHouse, new CampaignHealth(clickHouse));
    }

    /** {@code health} shared with the guardrail watch, so both read a campaign's outcomes per wave once per its lifetime. */
    public CampaignStats(ClickHouse clickHouse, CampaignHealth health) {
        this.clickHouse = clickHouse;
        this.health = health;
    }

    public Campaign of(Spec spec, Instant now) {
        String id = Long.toString(spec.campaignId());
        Map<String, Long> sent = new LinkedHashMap<>();
        Map<String, Long> failed = new LinkedHashMap<>();
        Map<String, Map<String, Long>> skipped = new LinkedHashMap<>();
        long outcomes = 0;
        long holdout = 0;
        for (Map<String, Object> r :
                clickHouse.select("SELECT variant, toString(outcome) AS outcome, reason, count() AS n FROM "
                        + clickHouse.table("push_sends") + " FINAL WHERE campaign_id = " + id
                        + " GROUP BY variant, outcome, reason")) {
            String variant = (String) r.get("variant");
            long n = longValue(r.get("n"));
            outcomes += n;
            switch ((String) r.get("outcome")) {
                case "sent" -> sent.merge(variant, n, Long::sum);
                case "failed" -> failed.merge(variant, n, Long::sum);
                default -> {
                    skipped.computeIfAbsent(variant, v -> new TreeMap<>())
                            .merge((String) r.get("reason"), n, Long::sum);
                    if ("holdout".equals(r.get("reason"))) {
                        holdout += n;
                    }
                }
            }
        }
        Map<String, Long> delivered = new LinkedHashMap<>();
        Map<String, Long> received = new LinkedHashMap<>();
        Map<String, Long> converted = new LinkedHashMap<>();
        Instant freshest = null;
        for (Map<String, Object> r :
                clickHouse.select("SELECT variant, sum(successful) AS delivered, sum(received) AS received, "
                        + "sum(converted) AS converted, toUnixTimestamp(max(checked_at)) AS checked FROM "
                        + clickHouse.table("provider_notifications") + " FINAL WHERE campaign_id = " + id
                        + " GROUP BY variant")) {
            delivered.put((String) r.get("variant"), longValue(r.get("delivered")));
            received.put((String) r.get("variant"), longValue(r.get("received")));
            converted.put((String) r.get("variant"), longValue(r.get("converted")));
            freshest = later(freshest, Instant.ofEpochSecond(longValue(r.get("checked"))));
        }
        Map<String, Long> opened = new LinkedHashMap<>();
        Map<String, Long> clicked = new LinkedHashMap<>();
        for (Map<String, Object> r :
                clickHouse.select("SELECT variant, opened, clicked, toUnixTimestamp(at) AS at FROM "
                        + clickHouse.table("variant_totals") + " FINAL WHERE campaign_id = " + id)) {
            opened.put((String) r.get("variant"), longValue(r.get("opened")));
            clicked.put((String) r.get("variant"), longValue(r.get("clicked")));
            freshest = later(freshest, Instant.ofEpochSecond(longValue(r.get("at"))));
        }
        Map<String, Long> assigned = new LinkedHashMap<>();
        Map<String, Double> share = new LinkedHashMap<>();
        for (Map<String, Object> r :
                clickHouse.select("SELECT variant, sum(users) AS assigned, argMax(share, wave) AS share FROM "
                        + clickHouse.table("campaign_allocations") + " FINAL WHERE campaign_id = " + id
                        + " GROUP BY variant")) {
            assigned.put((String) r.get("variant"), longValue(r.get("assigned")));
            share.put((String) r.get("variant"), ((Number) r.get("share")).doubleValue());
        }
        // sends over the last minute, or since the first send when the campaign is younger than that
        List<Map<String, Object>> recent =
                clickHouse.select("SELECT count() AS n, toUnixTimestamp(min(at)) AS first FROM "
                        + clickHouse.table("push_sends") + " WHERE campaign_id = " + id
                        + " AND outcome = 'sent' AND at >= '"
                        + ClickHouse.dateTime(now.minusSeconds(60)) + "'");
        long inMinute = recent.isEmpty() ? 0 : longValue(recent.get(0).get("n"));
        double seconds = inMinute == 0
                ? 60
                : Math.max(
                        1,
                        Math.min(
                                60,
                                now.getEpochSecond() - longValue(recent.get(0).get("first")) + 1));
        double rate = inMinute / seconds;

        List<ArmEvidence> evidence = new ArrayList<>();
        for (String v : spec.variants()) {
            long d = delivered.getOrDefault(v, 0L);
            long reward = spec.rewardSource()
                    .reward(
                            spec.metric(),
                            opened.getOrDefault(v, 0L),
                            clicked.getOrDefault(v, 0L),
                            converted.getOrDefault(v, 0L));
            evidence.add(new ArmEvidence(Math.max(d, reward), reward));
        }
        double[] best = ProbabilityOfBest.of(evidence);
        List<Variant> variants = new ArrayList<>();
        for (int i = 0; i < spec.variants().size(); i++) {
            String v = spec.variants().get(i);
            long d = delivered.getOrDefault(v, 0L);
            long o = opened.getOrDefault(v, 0L);
            long app = clicked.getOrDefault(v, 0L);
            long provider = converted.getOrDefault(v, 0L);
            long c = spec.rewardSource().reward(Metric.CLICKS, o, app, provider);
            RewardSource from = spec.rewardSource() != RewardSource.AUTO
                    ? spec.rewardSource()
                    : provider > app ? RewardSource.PROVIDER : RewardSource.APP;
            variants.add(new Variant(
                    v,
                    assigned.getOrDefault(v, 0L),
                    sent.getOrDefault(v, 0L),
                    failed.getOrDefault(v, 0L),
                    skipped.getOrDefault(v, Map.of()),
                    d,
                    received.getOrDefault(v, 0L),
                    o,
                    c,
                    app,
                    provider,
                    from,
                    RateInterval.of(o, Math.max(d, o), LEVEL),
                    RateInterval.of(c, Math.max(d, c), LEVEL),
                    best[i],
                    share.get(v)));
        }
        List<ProviderOutcomes> providers = new ArrayList<>();
        for (Map<String, Object> r : clickHouse.select(
                "SELECT multiIf(notification_id LIKE 'apns:%', 'apns', notification_id LIKE 'fcm:%', 'fcm', "
                        + "'onesignal') AS provider, count() AS requests, sum(recipients) AS recipients, sum(successful) AS delivered, sum(failed) AS invalid, "
                        + "sum(errored) AS errored FROM " + clickHouse.table("provider_notifications")
                        + " FINAL WHERE campaign_id = " + id
                        + " GROUP BY provider ORDER BY provider")) {
            providers.add(new ProviderOutcomes(
                    (String) r.get("provider"),
                    longValue(r.get("requests")),
                    longValue(r.get("recipients")),
                    longValue(r.get("delivered")),
                    longValue(r.get("invalid")),
                    longValue(r.get("errored"))));
        }
        CampaignHealth.Ratios srm = health.ratios(spec.campaignId(), spec.variants(), null, SampleRatioMismatch.ALARM);
        long left = Math.max(0, spec.audience() - outcomes);
        Long eta = left == 0 ? Long.valueOf(0) : rate > 0 ? Long.valueOf(Math.round(left / rate)) : null;
        return new Campaign(
                spec.campaignId(),
                spec.metric(),
                spec.rewardSource(),
                spec.audience(),
                outcomes,
                holdout,
                spec.audience() == 0 ? 0 : Math.min(1, (double) outcomes / spec.audience()),
                rate,
                eta,
                srm.sent(),
                srm.delivered(),
                freshest,
                freshest == null
                        ? null
                        : Math.max(0, Duration.between(freshest, now).toSeconds()),
                variants,
                providers);
    }

    /**
     * A series per variant in steps of {@code step} (whole seconds), oldest first. Opens and clicks per step are the
     * growth of the running totals the status job writes ({@code variant_totals_history}), clicks counted by
     * {@code rewards} as the statistics count them.
     */
    public Map<String, List<Point>> series(long campaignId, Series series, RewardSource rewards, Duration step) {
        long seconds = Math.max(1, step.toSeconds());
        String t = "intDiv(toUInt32(%s), " + seconds + ") * " + seconds;
        String id = Long.toString(campaignId);
        String total = switch (series) {
            case OPENS -> "opened";
            case CLICKS ->
                switch (rewards) {
                    case APP -> "clicked";
                    case PROVIDER -> "provider_clicked";
                    case AUTO -> "greatest(clicked, provider_clicked)";
                };
            default -> null;
        };
        String sql = switch (series) {
            case SENDS ->
                "SELECT variant, " + t.formatted("at") + " AS t, count() AS v FROM " + clickHouse.table("push_sends")
                        + " FINAL WHERE campaign_id = " + id
                        + " AND outcome = 'sent' GROUP BY variant, t ORDER BY variant, t";
            case OPENS, CLICKS ->
                "SELECT variant, " + t.formatted("at") + " AS t, max(" + total + ") AS v FROM "
                        + clickHouse.table("variant_totals_history") + " WHERE campaign_id = " + id
                        + " GROUP BY variant, t ORDER BY variant, t";
            case SHARE ->
                "SELECT variant, " + t.formatted("at") + " AS t, avg(share) AS v FROM "
                        + clickHouse.table("campaign_allocations") + " FINAL WHERE campaign_id = " + id
                        + " GROUP BY variant, t ORDER BY variant, t";
        };
        Map<String, List<Point>> out = new LinkedHashMap<>();
        Map<String, Double> before = new LinkedHashMap<>();
        for (Map<String, Object> r : clickHouse.select(sql)) {
            String variant = (String) r.get("variant");
            double value = number(r.get("v")).doubleValue();
            if (total != null) { // a running total: what it grew by in this step
                double previous = before.getOrDefault(variant, 0.0);
                before.put(variant, Math.max(value, previous));
                value = Math.max(0, value - previous);
            }
            out.computeIfAbsent(variant, v -> new ArrayList<>())
                    .add(new Point(Instant.ofEpochSecond(longValue(r.get("t"))), value));
        }
        return out;
    }

    private static Instant later(Instant a, Instant b) {
        return a == null || b.isAfter(a) ? b : a;
    }

    /** ClickHouse writes 64-bit integers in JSON as strings. */
    private static Number number(Object v) {
        return v instanceof Number n ? n : Double.valueOf(String.valueOf(v));
    }
}
