package io.pushflow.store;

import static io.pushflow.store.ClickHouse.longValue;

import io.pushflow.core.guard.GuardrailCheck;
import io.pushflow.core.stats.SampleRatioMismatch;
import io.pushflow.core.stats.SentRatio;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the guardrails watch, read from ClickHouse, from outside the jobs:
 * <ul>
 *   <li>sample ratio mismatch on what was sent: per variant the users the delivery job actually sent against the
 *       counts the planner intended, wave by wave ({@link SentRatio}), for every split policy, bandits included;</li>
 *   <li>the same on what was delivered: per variant the devices the provider reports reached against the recipients
 *       of the same notifications, once the provider has finished them (a provider that drops one variant's pushes);</li>
 *   <li>the provider's failures, and dead tokens and unsubscribes, in the last window and before it.</li>
 * </ul>
 * {@code since} leaves out what happened before a marketer resumed a halted campaign (they saw it, and chose to go on).
 * One instance serves the statistics and the watch alike, so they share its readings of the outcomes per wave.
 */
public final class CampaignHealth {

    /**
     * How long one reading of a campaign's outcomes per wave (a FINAL read of every outcome row of the campaign, the
     * dearest query here) serves every caller: the console polls each open page every 3 s and the guardrail watch
     * looks every 10 s. The SRM tests lag the outcomes by at most this much.
     */
    public static final Duration OUTCOMES_LIFETIME = Duration.ofSeconds(3);

    /** The two SRM tests; each null until there is something to test. */
    public record Ratios(SampleRatioMismatch sent, SampleRatioMismatch delivered) {

        public static final Ratios NONE = new Ratios(null, null);
    }

    /** One variant's users in one wave: those with an outcome, and those sent. */
    private record WaveOutcomes(long decided, long sent) {}

    /** A campaign's outcomes per wave and variant, and when they were read. */
    private record Reading(Instant at, Map<Long, Map<String, WaveOutcomes>> outcomes) {}

    private final ClickHouse clickHouse;
    private final InstantSource clock;
    private final Duration lifetime;
    // a map of readings, not Caffeine: neither the service nor the jobs have a cache library on their classpath
    private final Map<Long, Reading> readings = new ConcurrentHashMap<>();

    public CampaignHealth(ClickHouse clickHouse) {
        this(clickHouse, Clock.systemUTC(), OUTCOMES_LIFETIME);
    }

    /** Readings of the outcomes per wave are shared for {@code lifetime} by {@code clock}. */
    public CampaignHealth(ClickHouse clickHouse, InstantSource clock, Duration lifetime) {
        this.clickHouse = clickHouse;
        this.clock = clock;
        this.lifetime = lifetime;
    }

    public Ratios ratios(long campaignId, List<String> variants, Instant since, double alarm) {
        if (variants.size() < 2) {
            return Ratios.NONE;
        }
        String id = Long.toString(campaignId);
        String from = since == null ? "" : " AND at >= '" + ClickHouse.dateTime(since) + "'";
        Map<Long, Map<String, Long>> assigned = new TreeMap<>();
        for (Map<String, Object> r : clickHouse.select("SELECT wave, variant, users FROM "
                + clickHouse.table("campaign_allocations") + " FINAL WHERE campaign_id = " + id + from)) {
            assigned.computeIfAbsent(longValue(r.get("wave")), w -> new HashMap<>())
                    .put((String) r.get("variant"), longValue(r.get("users")));
        }
        Map<Long, Map<String, WaveOutcomes>> outcomes = outcomes(campaignId);
        SentRatio sentRatio = new SentRatio(variants.size());
        for (var wave : assigned.entrySet()) {
            Map<String, WaveOutcomes> done = outcomes.getOrDefault(wave.getKey(), Map.of());
            long[] users = new long[variants.size()];
            long[] decided = new long[variants.size()];
            long[] sent = new long[variants.size()];
            for (int i = 0; i < variants.size(); i++) {
                users[i] = wave.getValue().getOrDefault(variants.get(i), 0L);
                WaveOutcomes c = done.getOrDefault(variants.get(i), new WaveOutcomes(0, 0));
                sent[i] = c.sent();
                decided[i] = c.decided();
            }
            sentRatio.addWave(users, decided, sent);
        }
        long[] recipients = new long[variants.size()];
        long[] delivered = new long[variants.size()];
        for (Map<String, Object> r :
                clickHouse.select("SELECT variant, sum(recipients) AS recipients, sum(successful) AS delivered FROM "
                        + clickHouse.table("provider_notifications") + " FINAL WHERE campaign_id = " + id
                        + " AND version > 0 AND remaining = 0"
                        + (since == null ? "" : " AND sent_at >= '" + ClickHouse.dateTime(since) + "'")
                        + " GROUP BY variant")) {
            int i = variants.indexOf((String) r.get("variant"));
            if (i >= 0) {
                recipients[i] = longValue(r.get("recipients"));
                delivered[i] = longValue(r.get("delivered"));
            }
        }
        return new Ratios(sentRatio.test(alarm), deliveredRatio(recipients, delivered, alarm));
    }

    /**
     * The campaign's outcomes per wave and variant (holdout and duplicates left out), as read at most
     * {@code lifetime} ago: every caller within it shares one reading.
     */
    private Map<Long, Map<String, WaveOutcomes>> outcomes(long campaignId) {
        Instant now = clock.instant();
        Reading last = readings.get(campaignId);
        if (last != null && now.isBefore(last.at().plus(lifetime))) {
            return last.outcomes();
        }
        Map<Long, Map<String, WaveOutcomes>> outcomes = new HashMap<>();
        for (Map<String, Object> r :
                clickHouse.select("SELECT wave, variant, countIf(outcome = 'sent') AS sent, count() AS decided FROM "
                        + clickHouse.table("push_sends") + " FINAL WHERE campaign_id = " + campaignId
                        + " AND variant != 'holdout' AND reason != 'duplicate'"
                        + " GROUP BY wave, variant")) {
            outcomes.computeIfAbsent(longValue(r.get("wave")), w -> new HashMap<>())
                    .put(
                            (String) r.get("variant"),
                            new WaveOutcomes(longValue(r.get("decided")), longValue(r.get("sent"))));
        }
        readings.values().removeIf(old -> !now.isBefore(old.at().plus(lifetime))); // campaigns nobody looks at any more
        readings.put(campaignId, new Reading(now, outcomes));
        return outcomes;
    }

    /**
     * The campaign's SRM tests ({@link #ratios}) with its pushes sent and failed, and users decided and among them dead
     * tokens and unsubscribes, from {@code recentFrom} on and (users only) before it; holdout and duplicates are not
     * decisions, and nothing before {@code since} counts.
     */
    public GuardrailCheck.Numbers numbers(long campaignId, Ratios ratios, Instant recentFrom, Instant since) {
        String recent = "at >= '" + ClickHouse.dateTime(recentFrom) + "'";
        String invalid = "reason IN ('unsubscribed', 'invalid_token')";
        List<Map<String, Object>> rows = clickHouse.select(
                "SELECT countIf(outcome = 'sent' AND " + recent + ") AS rs, countIf(outcome = 'failed' AND "
                        + recent + ") AS rf, countIf(" + recent + ") AS rd, countIf(" + recent + " AND " + invalid
                        + ") AS ri, countIf(NOT (" + recent
                        + ")) AS ed, countIf(NOT (" + recent + ") AND " + invalid + ") AS ei FROM "
                        + clickHouse.table("push_sends")
                        + " FINAL WHERE campaign_id = " + campaignId
                        + " AND reason NOT IN ('holdout', 'duplicate', 'campaign_stopped')"
                        + (since == null ? "" : " AND at >= '" + ClickHouse.dateTime(since) + "'"));
        Map<String, Object> r = rows.isEmpty() ? Map.of() : rows.get(0);
        return new GuardrailCheck.Numbers(
                ratios.sent(),
                ratios.delivered(),
                longValue(r.get("rs")),
                longValue(r.get("rf")),
                longValue(r.get("rd")),
                longValue(r.get("ri")),
                longValue(r.get("ed")),
                longValue(r.get("ei")));
    }

    /** Devices reached against the recipients of the same notifications: alike for every variant, at the common rate. */
    private static SampleRatioMismatch deliveredRatio(long[] recipients, long[] delivered, double alarm) {
        long total = 0;
        long reached = 0;
        for (int i = 0; i < recipients.length; i++) {
            total += recipients[i];
            reached += Math.min(delivered[i], recipients[i]);
        }
        if (total == 0) {
            return null;
        }
        double rate = (double) reached / total;
        long[] not = new long[recipients.length];
        long[] through = new long[recipients.length];
        double[] expectedThrough = new double[recipients.length];
        double[] expectedNot = new double[recipients.length];
        for (int i = 0; i < recipients.length; i++) {
            through[i] = Math.min(delivered[i], recipients[i]);
            not[i] = recipients[i] - through[i];
            expectedThrough[i] = recipients[i] * rate;
            expectedNot[i] = recipients[i] * (1 - rate);
        }
        return SampleRatioMismatch.homogeneity(through, expectedThrough, not, expectedNot, alarm, total);
    }
}
