package io.pushflow.admin.api;

import io.micronaut.data.exceptions.DataAccessException;
import io.micronaut.data.exceptions.OptimisticLockException;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Produces;
import io.micronaut.http.server.exceptions.ExceptionHandler;
import jakarta.inject.Singleton;
import java.sql.SQLIntegrityConstraintViolationException;
import java.sql.SQLTransactionRollbackException;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Concurrent edits and constraint races become 409s that say to reload; anything else stays a logged 500. */
@Produces
@Singleton
class DataConflictHandler implements ExceptionHandler<DataAccessException, HttpResponse<ApiError>> {

    private static final Logger LOG = LoggerFactory.getLogger(DataConflictHandler.class);

    @Override
    public HttpResponse<ApiError> handle(HttpRequest request, DataAccessException e) {
        String message;
        HttpStatus status = HttpStatus.CONFLICT;
        if (e instanceof OptimisticLockException) {
            message = "changed by someone else at the same time; reload it and try again";
        } else if (causedBy(e, SQLIntegrityConstraintViolationException.class)) {
            message = "conflicts with a concurrent change (a name taken or an item in use); reload and try again";
        } else if (causedBy(e, SQLTransactionRollbackException.class)) {
            // a deadlock or lock wait timeout between two writes of the same rows: the database rolled this one back
            message = "collided with a concurrent change of the same item and was rolled back; reload and try again";
        } else {
            LOG.error("{} {} failed", request.getMethod(), request.getPath(), e);
            status = HttpStatus.INTERNAL_SERVER_ERROR;
            message = "internal error; the server log has the details";
        }
        return HttpResponse.<ApiError>status(status)
                .body(new ApiError(status.getCode(), status.getReason(), message, request.getPath(), List.of()));
    }

    private static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }
}
