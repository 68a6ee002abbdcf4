package io.pushflow.admin.stats;

import io.pushflow.admin.api.ApiException;
import io.pushflow.admin.campaign.Campaign;
import io.pushflow.admin.campaign.CampaignService;
import io.pushflow.admin.users.UserTables;
import io.pushflow.core.campaign.CampaignSnapshot;
import io.pushflow.core.filter.FilterChain;
import io.pushflow.core.json.Json;
import io.pushflow.store.CampaignStats;
import io.pushflow.store.HoldoutLift;
import io.pushflow.store.UserStore;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** A campaign's statistics: its variants and split from MySQL, its audience counted once, the numbers from ClickHouse. */
@Singleton
public class StatsService {

    static final Duration MIN_STEP = Duration.ofSeconds(1);
    static final Duration MAX_STEP = Duration.ofDays(1);

    private final CampaignService campaigns;
    private final CampaignStats stats;
    private final HoldoutLift lift;
    private final UserStore users;
    private final UserTables tables;
    private final Clock clock;
    /**
     * The audience of a campaign as of its start does not change: counted once per campaign and start, the most recently
     * viewed {@value #AUDIENCES_KEPT} kept (a campaign long over falls out when others are viewed).
     */
    private final Map<String, Long> audiences = Collections.synchronizedMap(new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
            return size() > AUDIENCES_KEPT;
        }
    });

    static final int AUDIENCES_KEPT = 10_000;

    StatsService(
            CampaignService campaigns,
            CampaignStats stats,
            HoldoutLift lift,
            UserStore users,
            UserTables tables,
            Clock clock) {
        this.campaigns = campaigns;
        this.stats = stats;
        this.lift = lift;
        this.users = users;
        this.tables = tables;
        this.clock = clock;
    }

    public CampaignStats.Campaign stats(long id) {
        tables.ensure();
        Campaign c = campaigns.find(id);
        CampaignSnapshot s = campaigns.snapshot(c);
        List<String> keys =
                s.variants().stream().map(CampaignSnapshot.Variant::key).toList();
        return stats.of(
                new CampaignStats.Spec(
                        id, keys, audience(c, s), s.split().metric(), s.split().rewardSource()),
                clock.instant());
    }

    public Map<String, List<CampaignStats.Point>> series(long id, String metric, String step) {
        tables.ensure();
        Campaign c = campaigns.find(id);
        CampaignStats.Series m;
        try {
            m = CampaignStats.Series.valueOf(metric.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid("metric", "'" + metric + "' is not one of sends, opens, clicks, share");
        }
        return stats.series(id, m, c.rewardSource(), duration("step", step, MIN_STEP, MAX_STEP));
    }

    static final Duration MIN_LIFT_WINDOW = Duration.ofMinutes(1);
    static final Duration MAX_LIFT_WINDOW = Duration.ofDays(30);
    /** A lift is a join over every member (seconds at a million): one answer serves every page for this long. */
    static final Duration LIFT_KEPT = Duration.ofSeconds(30);

    private record KeptLift(HoldoutLift.Lift lift, Instant until) {}

    private final Map<String, KeptLift> lifts = Collections.synchronizedMap(new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, KeptLift> eldest) {
            return size() > 1_000;
        }
    });

    /** The share of each variant's members and of the holdout who opened the app within {@code window} after their wave. */
    public HoldoutLift.Lift lift(long id, String window) {
        tables.ensure();
        Campaign c = campaigns.find(id);
        Duration w = duration("window", window, MIN_LIFT_WINDOW, MAX_LIFT_WINDOW);
        Instant now = clock.instant();
        String key = id + "/" + w.toSeconds();
        KeptLift kept = lifts.get(key);
        if (kept == null || !now.isBefore(kept.until())) { // computed outside the lock: a lift takes a ClickHouse query
            List<String> keys = campaigns.snapshot(c).variants().stream()
                    .map(CampaignSnapshot.Variant::key)
                    .toList();
            kept = new KeptLift(lift.of(id, keys, w, now), now.plus(LIFT_KEPT));
            lifts.put(key, kept);
        }
        return kept.lift();
    }

    /** A query parameter that is an ISO 8601 duration from {@code min} to {@code max}, else a 400 that names it. */
    private static Duration duration(String name, String value, Duration min, Duration max) {
        Duration d;
        try {
            d = Duration.parse(value);
        } catch (RuntimeException e) {
            throw ApiException.invalid(name, "'" + value + "' is not an ISO 8601 duration such as " + min);
        }
        if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
            throw ApiException.invalid(name, "must be from " + min + " to " + max + ", got " + value);
        }
        return d;
    }

    /**
     * The cohort's size when the campaign started (0 before it was launched), counted exactly once per campaign: a
     * count without FINAL also counts the rows that users' changes (a token the provider called invalid) added since.
     */
    private long audience(Campaign c, CampaignSnapshot s) {
        Instant start = c.startAt() != null ? c.startAt() : c.launchedAt();
        if (start == null) {
            return 0;
        }
        String key = c.id() + "@" + start;
        Long known = audiences.get(key);
        if (known == null) { // counted outside the lock: a count takes a ClickHouse query
            known = users.count(FilterChain.fromJson(Json.write(s.cohort().filter())), start, true);
            audiences.put(key, known);
        }
        return known;
    }
}
