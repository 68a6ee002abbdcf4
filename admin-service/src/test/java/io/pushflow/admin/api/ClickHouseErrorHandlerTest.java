package io.pushflow.admin.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.pushflow.store.ClickHouseException;
import org.junit.jupiter.api.Test;

class ClickHouseErrorHandlerTest {

    @Test
    void clickhouse_text_stays_in_the_log_and_the_answer_gives_a_reference() {
        var refused = new ClickHouseException(
                "Code: 60, e.displayText() = DB::Exception: Table pushflow_secret.users doesn't exist, "
                        + "version 18.16.1 SELECT count() FROM pushflow_secret.users WHERE app = 'x'",
                null);

        HttpResponse<ApiError> first =
                new ClickHouseErrorHandler().handle(HttpRequest.POST("/api/v1/cohorts/preview", ""), refused);
        HttpResponse<ApiError> second =
                new ClickHouseErrorHandler().handle(HttpRequest.POST("/api/v1/cohorts/preview", ""), refused);

        assertThat(first.code()).isEqualTo(503);
        assertThat(first.body().message())
                .startsWith("the user store (ClickHouse) did not answer in time or failed")
                .containsPattern("reference [0-9a-f-]{36}$")
                .doesNotContain("pushflow_secret", "18.16", "SELECT", "Code");
        assertThat(second.body().message()).isNotEqualTo(first.body().message());
    }
}
