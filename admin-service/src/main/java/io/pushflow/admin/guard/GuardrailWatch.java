package io.pushflow.admin.guard;

import io.micronaut.context.annotation.Requires;
import io.micronaut.scheduling.annotation.Scheduled;
import io.pushflow.admin.BackgroundRounds;
import io.pushflow.admin.campaign.Campaign;
import io.pushflow.admin.campaign.CampaignService;
import io.pushflow.admin.campaign.CampaignVariant;
import io.pushflow.admin.campaign.CampaignVariantRepository;
import io.pushflow.admin.users.UserTables;
import io.pushflow.core.guard.GuardrailCheck;
import io.pushflow.core.guard.Guardrails;
import io.pushflow.store.CampaignHealth;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Looks at every running campaign's numbers in ClickHouse every {@code pushflow.guardrails.interval} (10 s) and halts
 * the campaign whose guardrail trips (see {@link Guardrails}). It runs here, outside the jobs, on the numbers an
 * outsider can check (what the delivery job recorded, what the provider reported), and acts through the same path as
 * a marketer's pause: MySQL, the audit trail and the command outbox. Halting is idempotent (only a RUNNING campaign
 * halts), so several admin instances may watch at once.
 */
@Singleton
@Requires(property = "pushflow.guardrails.enabled", notEquals = "false")
public class GuardrailWatch {

    private static final Logger LOG = LoggerFactory.getLogger(GuardrailWatch.class);

    private final CampaignService campaigns;
    private final CampaignVariantRepository variants;
    private final CampaignHealth health;
    private final UserTables tables;
    private final Clock clock;
    private final BackgroundRounds rounds;

    GuardrailWatch(
            CampaignService campaigns,
            CampaignVariantRepository variants,
            CampaignHealth health,
            UserTables tables,
            Clock clock,
            BackgroundRounds rounds) {
        this.campaigns = campaigns;
        this.variants = variants;
        this.health = health;
        this.tables = tables;
        this.clock = clock;
        this.rounds = rounds;
    }

    @Scheduled(fixedDelay = "${pushflow.guardrails.interval:10s}", initialDelay = "${pushflow.guardrails.interval:10s}")
    void watch() {
        rounds.run(this::watchNow);
    }

    private void watchNow() {
        List<Campaign> running;
        try {
            tables.ensure();
            running = campaigns.running();
        } catch (RuntimeException e) {
            LOG.warn("Guardrails cannot look at the campaigns now (the next round tries again): {}", e.getMessage());
            return;
        }
        for (Campaign c : running) {
            try {
                check(c);
            } catch (RuntimeException e) {
                // ClickHouse or MySQL away: this campaign is looked at again in the next round
                LOG.warn("Guardrails cannot check campaign {} now: {}", c.id(), e.getMessage());
            }
        }
    }

    /** The reason campaign {@code c} halted, or empty when every guardrail holds (or it was no longer running). */
    public Optional<String> check(Campaign c) {
        Guardrails g = CampaignService.guardrails(c);
        if (!g.enabled()) {
            return Optional.empty();
        }
        List<String> keys = variants.findByCampaignIdOrderByVariantKey(c.id()).stream()
                .map(CampaignVariant::variantKey)
                .toList();
        Instant now = clock.instant();
        Instant recentFrom = now.minus(g.window());
        if (c.guardrailsSince() != null && c.guardrailsSince().isAfter(recentFrom)) {
            recentFrom = c.guardrailsSince();
        }
        GuardrailCheck.Numbers n = health.numbers(
                c.id(),
                health.ratios(c.id(), keys, c.guardrailsSince(), g.srmAlpha()),
                recentFrom,
                c.guardrailsSince());
        Optional<String> reason = GuardrailCheck.tripped(g, n);
        if (reason.isEmpty()) {
            return reason;
        }
        Map<String, Object> numbers = new LinkedHashMap<>();
        numbers.put("sentRatio", n.sentRatio());
        numbers.put("deliveredRatio", n.deliveredRatio());
        numbers.put(
                "recent",
                Map.of(
                        "from",
                        recentFrom.toString(),
                        "sent",
                        n.recentSent(),
                        "failed",
                        n.recentFailed(),
                        "decided",
                        n.recentDecided(),
                        "invalid",
                        n.recentInvalid()));
        numbers.put("before", Map.of("decided", n.earlierDecided(), "invalid", n.earlierInvalid()));
        if (!campaigns.halt(c.id(), reason.get(), numbers)) {
            return Optional.empty();
        }
        LOG.warn("Campaign {} halted by a guardrail: {}", c.id(), reason.get());
        return reason;
    }
}
