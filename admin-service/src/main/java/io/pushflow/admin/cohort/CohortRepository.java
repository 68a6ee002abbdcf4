package io.pushflow.admin.cohort;

import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.PageableRepository;
import java.util.Optional;

@JdbcRepository(dialect = Dialect.MYSQL)
public interface CohortRepository extends PageableRepository<Cohort, Long> {

    Optional<Cohort> findByName(String name);
}
