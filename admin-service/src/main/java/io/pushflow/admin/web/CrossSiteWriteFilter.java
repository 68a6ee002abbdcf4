package io.pushflow.admin.web;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpMethod;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.pushflow.admin.api.ApiError;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Keeps other sites from writing with a user's credentials: a browser that cached HTTP Basic credentials sends
 * them with any site's form or {@code fetch}. Every write with Basic credentials must come from this origin (when
 * the browser names one) and carry a body type no cross-site request can send without the service's consent
 * (JSON, or the import's NDJSON and CSV): form and {@code text/plain} bodies, and bodiless POSTs, are refused.
 */
@ServerFilter("/api/**")
class CrossSiteWriteFilter {

    /** What writes may carry: none of them is a type a cross-site form or simple request can send. */
    static final List<String> WRITE_TYPES = List.of(MediaType.APPLICATION_JSON, "application/x-ndjson", "text/csv");

    private static final Set<HttpMethod> WRITES =
            Set.of(HttpMethod.POST, HttpMethod.PUT, HttpMethod.PATCH, HttpMethod.DELETE);

    @RequestFilter
    @Nullable
    HttpResponse<ApiError> check(HttpRequest<?> request) {
        String authorization = request.getHeaders().get(HttpHeaders.AUTHORIZATION);
        if (!WRITES.contains(request.getMethod())
                || authorization == null
                || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            return null;
        }
        String origin = request.getHeaders().get(HttpHeaders.ORIGIN);
        if (origin != null && !sameOrigin(origin, request.getHeaders().get(HttpHeaders.HOST))) {
            return refuse(
                    request, HttpStatus.FORBIDDEN, "a write from another site (Origin " + cut(origin) + ") is refused");
        }
        // only POST is a method other sites may send without asking first (CORS preflight)
        if (request.getMethod() == HttpMethod.POST
                && !writeType(request.getHeaders().get(HttpHeaders.CONTENT_TYPE))) {
            return refuse(
                    request,
                    HttpStatus.UNSUPPORTED_MEDIA_TYPE,
                    "a write needs the Content-Type " + String.join(", ", WRITE_TYPES) + " (an empty JSON body is {})");
        }
        return null;
    }

    private static boolean writeType(@Nullable String contentType) {
        if (contentType == null) {
            return false;
        }
        String type = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        return WRITE_TYPES.contains(type);
    }

    private static boolean sameOrigin(String origin, @Nullable String host) {
        try {
            URI uri = new URI(origin);
            if (host == null || uri.getHost() == null) {
                return false;
            }
            int port = uri.getPort() != -1 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
            String authority = uri.getHost() + ":" + port;
            String given = host.contains(":") ? host : host + ":" + port;
            return authority.equalsIgnoreCase(given);
        } catch (URISyntaxException e) {
            return false;
        }
    }

    private static String cut(String text) {
        return text.length() <= 100 ? text : text.substring(0, 100) + "…";
    }

    private static HttpResponse<ApiError> refuse(HttpRequest<?> request, HttpStatus status, String message) {
        return HttpResponse.<ApiError>status(status)
                .body(new ApiError(status.getCode(), status.getReason(), message, request.getPath(), List.of()));
    }
}
