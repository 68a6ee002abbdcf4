package io.pushflow.admin.api;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Produces;
import io.micronaut.http.server.exceptions.ExceptionHandler;
import io.pushflow.store.ClickHouseException;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/** ClickHouse down or a query over its time limit: 503, so a client knows to retry later. */
@Produces
@Singleton
class ClickHouseErrorHandler implements ExceptionHandler<ClickHouseException, HttpResponse<ApiError>> {

    private static final Logger LOG = LoggerFactory.getLogger(ClickHouseErrorHandler.class);

    @Override
    public HttpResponse<ApiError> handle(HttpRequest request, ClickHouseException e) {
        LOG.warn("{} {}: ClickHouse failed: {}", request.getMethod(), request.getPath(), e.getMessage());
        HttpStatus status = HttpStatus.SERVICE_UNAVAILABLE;
        String reason = e.getMessage() == null ? "" : e.getMessage().lines().findFirst().orElse("");
        return HttpResponse.<ApiError>status(status).body(new ApiError(status.getCode(), status.getReason(),
                "the user store (ClickHouse) did not answer in time or failed: " + reason, request.getPath(), List.of()));
    }
}
