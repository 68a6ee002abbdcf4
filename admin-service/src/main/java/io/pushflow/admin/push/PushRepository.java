package io.pushflow.admin.push;

import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.PageableRepository;
import java.util.Optional;

@JdbcRepository(dialect = Dialect.MYSQL)
public interface PushRepository extends PageableRepository<Push, Long> {

    Optional<Push> findByName(String name);
}
