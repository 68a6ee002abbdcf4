package io.pushflow.admin.campaign;

import io.pushflow.admin.audit.AuditLog;
import io.pushflow.core.campaign.Provider;
import io.pushflow.core.campaign.SplitType;
import jakarta.inject.Singleton;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.util.Map;

/**
 * A campaign copied into a new draft: the same cohort, variants (pushes and weights), split, holdout, window, pace,
 * rate limit, quiet hours, frequency cap and guardrails, named "Copy of ..."; a start time already past is left out (the copy
 * starts at its launch). Both campaigns' histories record the copy.
 */
@Singleton
public class CampaignCloner {

    static final String PREFIX = "Copy of ";
    private static final int MAX_NAME = 200;

    private final CampaignService campaigns;
    private final AuditLog audit;
    private final Clock clock;

    CampaignCloner(CampaignService campaigns, AuditLog audit, Clock clock) {
        this.campaigns = campaigns;
        this.audit = audit;
        this.clock = clock;
    }

    @Transactional
    public CampaignView cloneOf(long id) {
        CampaignView source = campaigns.get(id);
        boolean weighted = source.split().type() == SplitType.AB_FIXED;
        String name = PREFIX + source.name();
        CampaignRequest request = new CampaignRequest(
                name.length() > MAX_NAME ? name.substring(0, MAX_NAME) : name,
                source.app(),
                source.cohortId(),
                source.variants().stream()
                        .map(v -> new CampaignRequest.Variant(v.pushId(), weighted ? v.weight() : null))
                        .toList(),
                source.split(),
                source.holdoutShare(),
                source.startAt() != null && source.startAt().isAfter(clock.instant()) ? source.startAt() : null,
                source.duration(),
                source.sendRateLimit(),
                source.pace(),
                source.quietHours(),
                source.frequencyCap(),
                Provider.of(source.provider()),
                source.guardrails());
        CampaignView copy = campaigns.create(request);
        audit.write(CampaignService.ENTITY, copy.id(), "cloned", Map.of("from", id));
        audit.write(CampaignService.ENTITY, id, "cloned to", Map.of("to", copy.id()));
        return copy;
    }
}
