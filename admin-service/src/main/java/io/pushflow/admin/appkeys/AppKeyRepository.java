package io.pushflow.admin.appkeys;

import io.micronaut.data.annotation.Query;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.CrudRepository;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

@JdbcRepository(dialect = Dialect.MYSQL)
interface AppKeyRepository extends CrudRepository<AppKey, Long> {

    Optional<AppKey> findByName(String name);

    List<AppKey> findAllOrderById();

    /** Moves last_used_at forward only, so two instances writing their last uses never move it back. */
    @Query("UPDATE app_keys SET last_used_at = :at WHERE id = :id AND (last_used_at IS NULL OR last_used_at < :at)")
    void touch(long id, Instant at);
}
