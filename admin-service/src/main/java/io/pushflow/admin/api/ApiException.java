package io.pushflow.admin.api;

import io.micronaut.http.HttpStatus;
import io.pushflow.admin.api.ApiError.FieldError;
import java.util.List;

/** A request the service refuses, with the status and the fields that say why. */
public class ApiException extends RuntimeException {

    private final HttpStatus status;
    private final List<FieldError> errors;

    public ApiException(HttpStatus status, String message, List<FieldError> errors) {
        super(message);
        this.status = status;
        this.errors = List.copyOf(errors);
    }

    public static ApiException notFound(String what, long id) {
        return new ApiException(HttpStatus.NOT_FOUND, "no " + what + " with id " + id, List.of());
    }

    public static ApiException conflict(String message) {
        return new ApiException(HttpStatus.CONFLICT, message, List.of());
    }

    /** 409 for a name another item of the same kind already has, naming that item. */
    public static ApiException nameTaken(String what, String name, long holder) {
        return new ApiException(
                HttpStatus.CONFLICT,
                "a " + what + " named '" + name + "' exists already (id " + holder + ")",
                List.of(new FieldError("name", "already used by " + what + " " + holder)));
    }

    public static ApiException invalid(String field, String message) {
        return invalid(List.of(new FieldError(field, message)));
    }

    public static ApiException invalid(List<FieldError> errors) {
        String first = errors.get(0).field() + ": " + errors.get(0).message();
        String more = errors.size() > 1 ? " (and " + (errors.size() - 1) + " more)" : "";
        return new ApiException(HttpStatus.BAD_REQUEST, first + more, errors);
    }

    public HttpStatus status() {
        return status;
    }

    public List<FieldError> errors() {
        return errors;
    }
}
