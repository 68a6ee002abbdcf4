package io.pushflow.admin.stats;

import io.pushflow.admin.api.ApiException;
import io.pushflow.admin.campaign.Campaign;
import io.pushflow.admin.campaign.CampaignService;
import io.pushflow.admin.users.UserTables;
import io.pushflow.core.campaign.CampaignSnapshot;
import io.pushflow.core.filter.FilterChain;
import io.pushflow.core.json.Json;
import io.pushflow.store.CampaignStats;
import io.pushflow.store.UserStore;
import jakarta.inject.Singleton;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
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
    private final UserStore users;
    private final UserTables tables;
    private final Clock clock;
    /**
     * The audience of a campaign as of its start does not change: counted once per campaign and start, the most recently
     * viewed {@value #AUDIENCES_KEPT} kept (a campaign long over falls out when others are viewed).
     */
    private final Map<String, Long> audiences = java.util.Collections.synchronizedMap(new java.util.LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
            return size() > AUDIENCES_KEPT;
        }
    });
    static final int AUDIENCES_KEPT = 10_000;

    StatsService(CampaignService campaigns, CampaignStats stats, UserStore users, UserTables tables, Clock clock) {
        this.campaigns = campaigns;
        this.stats = stats;
        this.users = users;
        this.tables = tables;
        this.clock = clock;
    }

    public CampaignStats.Campaign stats(long id) {
        tables.ensure();
        Campaign c = campaigns.find(id);
        CampaignSnapshot s = campaigns.snapshot(c);
        List<String> keys = s.variants().stream().map(CampaignSnapshot.Variant::key).toList();
        return stats.of(new CampaignStats.Spec(id, keys, audience(c, s), s.split().metric(), s.split().rewardSource()), clock.instant());
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
        Duration d;
        try {
            d = Duration.parse(step);
        } catch (RuntimeException e) {
            throw ApiException.invalid("step", "'" + step + "' is not an ISO 8601 duration such as PT1M");
        }
        if (d.compareTo(MIN_STEP) < 0 || d.compareTo(MAX_STEP) > 0) {
            throw ApiException.invalid("step", "must be from PT1S to P1D, got " + step);
        }
        return stats.series(id, m, c.rewardSource(), d);
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
