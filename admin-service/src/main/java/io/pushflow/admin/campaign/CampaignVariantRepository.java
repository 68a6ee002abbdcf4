package io.pushflow.admin.campaign;

import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.CrudRepository;
import java.util.Collection;
import java.util.List;

@JdbcRepository(dialect = Dialect.MYSQL)
public interface CampaignVariantRepository extends CrudRepository<CampaignVariant, Long> {

    List<CampaignVariant> findByCampaignIdOrderByVariantKey(long campaignId);

    List<CampaignVariant> findByCampaignIdInListOrderByVariantKey(Collection<Long> campaignIds);

    List<Long> findCampaignIdByPushId(long pushId);

    void deleteByCampaignId(long campaignId);
}
