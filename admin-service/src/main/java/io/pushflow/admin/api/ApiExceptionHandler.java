package io.pushflow.admin.api;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Produces;
import io.micronaut.http.server.exceptions.ExceptionHandler;
import jakarta.inject.Singleton;

@Produces
@Singleton
class ApiExceptionHandler implements ExceptionHandler<ApiException, HttpResponse<ApiError>> {

    @Override
    public HttpResponse<ApiError> handle(HttpRequest request, ApiException e) {
        return HttpResponse.<ApiError>status(e.status())
                .body(new ApiError(
                        e.status().getCode(), e.status().getReason(), e.getMessage(), request.getPath(), e.errors()));
    }
}
