package io.pushflow.admin.web;

import io.micronaut.core.order.Ordered;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.ResponseFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.http.filter.ServerFilterPhase;
import io.pushflow.admin.api.ApiError;
import java.util.List;

/**
 * Gives the API's bodiless refusals the one error shape: Micronaut's CORS filter answers a foreign {@code Origin}
 * (and, on a server bound to localhost, any non-localhost origin: its drive-by-localhost guard) with a bare 403, which
 * no client of the OpenAPI document can read. Ordered before that filter, so its answers pass through here.
 */
@ServerFilter("/api/**")
class ErrorBodyFilter implements Ordered {

    @Override
    public int getOrder() {
        return ServerFilterPhase.FIRST.before();
    }

    @ResponseFilter
    void shape(HttpRequest<?> request, MutableHttpResponse<?> response) {
        int code = response.code();
        if (code < 400 || code >= 500 || response.getBody().isPresent()) {
            return;
        }
        String origin = request.getHeaders().get(HttpHeaders.ORIGIN);
        String message = code == 403 && origin != null
                ? "a request from another site (Origin "
                        + (origin.length() > 100 ? origin.substring(0, 100) + "…" : origin) + ") is refused"
                : response.reason();
        ((MutableHttpResponse<Object>) response)
                .body(new ApiError(code, response.reason(), message, request.getPath(), List.of()))
                .contentType(MediaType.APPLICATION_JSON_TYPE);
    }
}
