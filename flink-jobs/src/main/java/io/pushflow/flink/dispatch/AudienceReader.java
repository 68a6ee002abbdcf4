package io.pushflow.flink.dispatch;

import io.pushflow.core.filter.FilterChain;
import io.pushflow.core.user.UserColumns;
import java.time.Instant;

/**
 * The planner's reads of a campaign's audience as of its launch, off the task thread: the cohort's count, and the page
 * of the next wave after the cursor. A read that is still under way answers null; one that failed throws.
 */
final class AudienceReader implements AutoCloseable {

    private final AudienceSource audience;
    private final AudienceReadAhead readAhead;

    AudienceReader(AudienceSource audience) {
        this.audience = audience;
        this.readAhead = new AudienceReadAhead(audience);
    }

    Long count(PlanState plan) {
        CampaignControl c = plan.campaign;
        Instant asOf = Instant.ofEpochMilli(plan.asOfMillis);
        return readAhead.once(c.campaignId, "count", () -> audience.count(chain(c), asOf));
    }

    /** The next {@code size} users after the cursor; {@code ahead}: the pages after it are read on meanwhile, up to {@code largestWave} each. */
    UserColumns page(PlanState plan, int size, boolean ahead, int largestWave) {
        CampaignControl c = plan.campaign;
        Instant asOf = Instant.ofEpochMilli(plan.asOfMillis);
        long after = plan.cursor;
        if (ahead) {
            return readAhead.take(
                    c, chain(c), asOf, after, size, plan.audienceEstimate - plan.released - plan.heldOut, largestWave);
        }
        return readAhead.once(
                c.campaignId, "page " + after + " " + size, () -> audience.page(chain(c), asOf, after, size));
    }

    /** Drops what is being read for the campaign: it sends nothing more for now. */
    void forget(long campaignId) {
        readAhead.forget(campaignId);
    }

    @Override
    public void close() {
        readAhead.close();
        audience.close();
    }

    private static FilterChain chain(CampaignControl c) {
        return FilterChain.fromJson(c.filterJson);
    }
}
