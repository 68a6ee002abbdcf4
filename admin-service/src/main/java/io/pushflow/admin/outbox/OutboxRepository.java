package io.pushflow.admin.outbox;

import io.micronaut.data.annotation.Id;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.CrudRepository;
import java.time.Instant;
import java.util.List;

@JdbcRepository(dialect = Dialect.MYSQL)
public interface OutboxRepository extends CrudRepository<OutboxCommand, Long> {

    /** The oldest pending commands, in the order they were written. */
    List<OutboxCommand> findTop100ByPublishedAtIsNullOrderById();

    List<OutboxCommand> findByCampaignIdOrderById(long campaignId);

    long countByPublishedAtIsNull();

    void updatePublishedAt(@Id Long id, Instant publishedAt);

    void updateAttemptsAndLastError(@Id Long id, int attempts, String lastError);
}
