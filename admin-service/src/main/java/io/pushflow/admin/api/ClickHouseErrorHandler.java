package io.pushflow.admin.api;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Produces;
import io.micronaut.http.server.exceptions.ExceptionHandler;
import io.pushflow.store.ClickHouseException;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ClickHouse down, over its time limit or refusing a query: 503, so a client knows to retry later. ClickHouse's own
 * text (statement, table names, versions) stays in the log under a reference the answer gives.
 */
@Produces
@Singleton
class ClickHouseErrorHandler implements ExceptionHandler<ClickHouseException, HttpResponse<ApiError>> {

    private static final Logger LOG = LoggerFactory.getLogger(ClickHouseErrorHandler.class);

    @Override
    public HttpResponse<ApiError> handle(HttpRequest request, ClickHouseException e) {
        String reference = UUID.randomUUID().toString();
        LOG.warn(
                "{} {}: ClickHouse failed (reference {}): {}",
                request.getMethod(),
                request.getPath(),
                reference,
                e.getMessage(),
                e);
        HttpStatus status = HttpStatus.SERVICE_UNAVAILABLE;
        return HttpResponse.<ApiError>status(status)
                .body(new ApiError(
                        status.getCode(),
                        status.getReason(),
                        "the user store (ClickHouse) did not answer in time or failed; try again later. The server log has the details "
                                + "under reference " + reference,
                        request.getPath(),
                        List.of()));
    }
}
