package io.pushflow.admin.campaign;

import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.Page;
import io.micronaut.data.model.Pageable;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.PageableRepository;
import io.pushflow.core.campaign.CampaignStatus;
import java.time.Instant;
import java.util.List;

@JdbcRepository(dialect = Dialect.MYSQL)
public interface CampaignRepository extends PageableRepository<Campaign, Long> {

    Page<Campaign> findByStatus(CampaignStatus status, Pageable pageable);

    List<Campaign> findByStatus(CampaignStatus status);

    List<String> findNameByCohortId(long cohortId);

    List<Campaign> findByStatusAndStartAtLessThanEquals(CampaignStatus status, Instant now);
}
