package io.pushflow.admin.support;

import io.micronaut.core.type.Argument;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MutableHttpRequest;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.exceptions.HttpClientResponseException;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/** Calls the real HTTP API as the app does: with an app key (or none), any content type, any extra headers. */
public final class AppClient {

    public static final String KEY_HEADER = "X-Pushflow-App-Key";

    private final HttpClient client;
    private final String key;

    public AppClient(HttpClient client, String key) {
        this.client = client;
        this.key = key;
    }

    /** POST /api/v1/events with the key in its header. */
    public Api.Reply events(String body, String contentType) {
        MutableHttpRequest<String> request = HttpRequest.POST("/api/v1/events", body).contentType(contentType);
        if (key != null) {
            request.header(KEY_HEADER, key);
        }
        return send(request);
    }

    public Api.Reply events(String jsonArray) {
        return events(jsonArray, "application/json");
    }

    /** POST /api/v1/webhooks/onesignal with the key in the URL, as OneSignal's service worker calls it. */
    public Api.Reply webhook(String body, String contentType) {
        String path = "/api/v1/webhooks/onesignal" + (key == null ? "" : "?key=" + key);
        return send(HttpRequest.POST(path, body).contentType(contentType).header("X-OneSignal-Event", "notification.clicked")
                .header("Origin", "https://www.windy.com"));
    }

    public static Api.Reply send(HttpClient client, MutableHttpRequest<?> request) {
        request.accept("application/json");
        try {
            HttpResponse<String> r = client.toBlocking().exchange(request, Argument.STRING, Argument.STRING);
            return new Api.Reply(r.code(), r.getBody().orElse(""), headers(r));
        } catch (HttpClientResponseException e) {
            return new Api.Reply(e.code(), e.getResponse().getBody(String.class).orElse(""), headers(e.getResponse()));
        }
    }

    private Api.Reply send(MutableHttpRequest<?> request) {
        return send(client, request);
    }

    private static Map<String, String> headers(HttpResponse<?> r) {
        Map<String, String> h = new HashMap<>();
        r.getHeaders().forEach((name, values) -> h.put(name.toLowerCase(Locale.ROOT), String.join(",", values)));
        return h;
    }
}
