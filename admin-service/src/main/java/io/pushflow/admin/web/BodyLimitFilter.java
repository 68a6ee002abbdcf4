package io.pushflow.admin.web;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.web.router.RouteAttributes;
import io.pushflow.admin.api.ApiError;
import io.pushflow.admin.api.BodyLimit;
import java.util.List;

/** Refuses (413) a body over its operation's {@link BodyLimit} from the Content-Length, before a byte of it is read. */
@ServerFilter("/api/**")
class BodyLimitFilter {

    @RequestFilter
    @Nullable
    HttpResponse<ApiError> check(HttpRequest<?> request) {
        long length = request.getContentLength();
        if (length <= 0) {
            return null;
        }
        long limit = RouteAttributes.getRouteInfo(request)
                .<Long>map(route -> route.getAnnotationMetadata()
                        .longValue(BodyLimit.class, "value")
                        .orElse(Long.MAX_VALUE))
                .orElse(Long.MAX_VALUE);
        if (length <= limit) {
            return null;
        }
        HttpStatus status = HttpStatus.REQUEST_ENTITY_TOO_LARGE;
        return HttpResponse.<ApiError>status(status)
                .body(new ApiError(
                        status.getCode(),
                        status.getReason(),
                        "the body is " + length + " bytes; this operation takes at most " + limit,
                        request.getPath(),
                        List.of()));
    }
}
