package io.pushflow.admin.appkeys;

import io.micronaut.core.async.publisher.Publishers;
import io.micronaut.http.HttpRequest;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.security.filters.AuthenticationFetcher;
import io.pushflow.admin.security.Roles;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.Map;
import org.reactivestreams.Publisher;

/**
 * Authenticates the app by its key: the {@value #HEADER} header, or on the webhook paths (a browser's service worker
 * cannot add headers) the {@code key} query parameter. The app gets the role {@link Roles#APP} only, which no admin
 * endpoint accepts; a missing or unknown key leaves the request to the other fetchers (Basic), and so to a 401 or 403.
 */
@Singleton
public class AppKeyFetcher implements AuthenticationFetcher<HttpRequest<?>> {

    public static final String HEADER = "X-Pushflow-App-Key";
    public static final String QUERY = "key";
    public static final String EVENTS_PATH = "/api/v1/events";
    public static final String WEBHOOKS_PATH = "/api/v1/webhooks/";
    /** Whose key it was, for logs and the audit of what the app did. */
    public static final String ATTRIBUTE = "appKey";

    private final AppKeys keys;

    AppKeyFetcher(AppKeys keys) {
        this.keys = keys;
    }

    /** The endpoints an app key opens: they take nothing else. */
    public static boolean isAppPath(String path) {
        return path.equals(EVENTS_PATH) || path.startsWith(WEBHOOKS_PATH);
    }

    @Override
    public Publisher<Authentication> fetchAuthentication(HttpRequest<?> request) {
        String key = request.getHeaders().get(HEADER);
        if (key == null && request.getPath().startsWith(WEBHOOKS_PATH)) {
            key = request.getParameters().get(QUERY);
        }
        if (key == null) {
            return Publishers.empty();
        }
        return keys.authenticate(key)
                .map(holder -> Publishers.just(Authentication.build(
                        "app:" + holder.name(), List.of(Roles.APP), Map.<String, Object>of(ATTRIBUTE, holder.name()))))
                .orElseGet(Publishers::empty);
    }

    @Override
    public int getOrder() {
        return HIGHEST_PRECEDENCE;
    }
}
