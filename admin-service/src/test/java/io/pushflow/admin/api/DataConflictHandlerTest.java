package io.pushflow.admin.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.data.exceptions.DataAccessException;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import java.sql.SQLException;
import java.sql.SQLTransactionRollbackException;
import org.junit.jupiter.api.Test;

class DataConflictHandlerTest {

    private final DataConflictHandler handler = new DataConflictHandler();

    @Test
    void a_deadlock_between_two_writes_is_a_409_that_says_to_try_again() {
        var deadlock = new DataAccessException(
                "update failed",
                new SQLTransactionRollbackException(
                        "Deadlock found when trying to get lock; try restarting transaction", "40001", 1213));
        HttpResponse<ApiError> r = handler.handle(HttpRequest.PUT("/api/v1/campaigns/3", ""), deadlock);
        assertThat(r.code()).isEqualTo(409);
        assertThat(r.body().message()).contains("try again");
    }

    @Test
    void any_other_database_failure_stays_a_500() {
        var broken = new DataAccessException("update failed", new SQLException("Communications link failure", "08S01"));
        assertThat(handler.handle(HttpRequest.PUT("/api/v1/campaigns/3", ""), broken)
                        .code())
                .isEqualTo(500);
    }
}
