package io.pushflow.admin.events;

import io.micronaut.core.annotation.Introspected;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.Query;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.GenericRepository;
import io.pushflow.admin.campaign.Campaign;
import io.pushflow.core.campaign.CampaignStatus;
import java.util.List;

@JdbcRepository(dialect = Dialect.MYSQL)
interface CampaignKeyRepository extends GenericRepository<Campaign, Long> {

    /** One campaign and one of its variant keys (null for a campaign without variants). */
    @Introspected
    record CampaignKey(
            long campaignId,
            CampaignStatus status,
            @Nullable String variantKey) {}

    @Query("SELECT c.id AS campaign_id, c.status AS status, v.variant_key AS variant_key "
            + "FROM campaigns c LEFT JOIN campaign_variants v ON v.campaign_id = c.id")
    List<CampaignKey> findCampaignKeys();
}
