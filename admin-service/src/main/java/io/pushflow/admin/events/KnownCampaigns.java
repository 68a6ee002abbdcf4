package io.pushflow.admin.events;

import io.micronaut.context.annotation.Value;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.scheduling.annotation.Scheduled;
import io.pushflow.admin.BackgroundRounds;
import io.pushflow.core.campaign.CampaignStatus;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every campaign with its status and variant keys, read from MySQL every few seconds and again on a miss (an id it
 * does not know, or a draft that may have been launched since), at most once per {@code miss-refresh}: events name
 * campaigns by the thousand per request, and none of them should cost a query.
 */
@Singleton
public class KnownCampaigns {

    /** A campaign as events see it: its status and its variant keys in order. */
    public record Known(CampaignStatus status, List<String> variants) {}

    private static final Logger LOG = LoggerFactory.getLogger(KnownCampaigns.class);

    private final CampaignKeyRepository repository;
    private final long missRefreshNanos;
    private final BackgroundRounds rounds;
    private volatile Map<Long, Known> byId;
    private volatile long loadedAtNanos;

    KnownCampaigns(
            CampaignKeyRepository repository,
            BackgroundRounds rounds,
            @Value("${pushflow.events.campaigns.miss-refresh:1s}") Duration missRefresh) {
        this.repository = repository;
        this.rounds = rounds;
        this.missRefreshNanos = missRefresh.toNanos();
    }

    /** The campaign, or null when there is none with this id (after a refresh, when the last one is old enough). */
    public @Nullable Known find(long campaignId) {
        Map<Long, Known> campaigns = byId;
        if (campaigns == null) {
            campaigns = load();
        }
        Known known = campaigns.get(campaignId);
        if ((known == null || known.status() == CampaignStatus.DRAFT)
                && System.nanoTime() - loadedAtNanos >= missRefreshNanos) {
            known = reloadAfterMiss().get(campaignId);
        }
        return known;
    }

    private synchronized Map<Long, Known> reloadAfterMiss() {
        // another request may have reloaded while this one waited for the lock
        return System.nanoTime() - loadedAtNanos >= missRefreshNanos ? load() : byId;
    }

    @Scheduled(
            fixedDelay = "${pushflow.events.campaigns.refresh:5s}",
            initialDelay = "${pushflow.events.campaigns.refresh:5s}")
    void refresh() {
        rounds.run(this::refreshNow);
    }

    private void refreshNow() {
        try {
            load();
        } catch (RuntimeException e) {
            LOG.warn("could not read the campaigns for the event intake, keeping the ones known: {}", e.getMessage());
        }
    }

    synchronized Map<Long, Known> load() {
        Map<Long, CampaignStatus> status = new HashMap<>();
        Map<Long, TreeSet<String>> keys = new HashMap<>();
        for (CampaignKeyRepository.CampaignKey row : repository.findCampaignKeys()) {
            status.put(row.campaignId(), row.status());
            TreeSet<String> variants = keys.computeIfAbsent(row.campaignId(), id -> new TreeSet<>());
            if (row.variantKey() != null) {
                variants.add(row.variantKey());
            }
        }
        Map<Long, Known> next = new HashMap<>(status.size() * 2);
        status.forEach((id, s) -> next.put(id, new Known(s, List.copyOf(keys.get(id)))));
        byId = Map.copyOf(next);
        loadedAtNanos = System.nanoTime();
        return byId;
    }
}
