package io.pushflow.admin.support;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.MutableHttpRequest;
import io.micronaut.http.client.HttpClient;

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
        MutableHttpRequest<String> request =
                HttpRequest.POST("/api/v1/events", body).contentType(contentType);
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
        return send(HttpRequest.POST(path, body)
                .contentType(contentType)
                .header("X-OneSignal-Event", "notification.clicked")
                .header("Origin", "https://www.windy.com"));
    }

    public static Api.Reply send(HttpClient client, MutableHttpRequest<?> request) {
        return Api.exchange(client, request);
    }

    private Api.Reply send(MutableHttpRequest<?> request) {
        return send(client, request);
    }
}
