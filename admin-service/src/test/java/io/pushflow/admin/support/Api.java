package io.pushflow.admin.support;

import io.micronaut.core.type.Argument;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpRequest;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import io.pushflow.core.json.Json;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Calls the real HTTP API as a given user and returns status and parsed JSON body, errors included; every answer is
 * checked against the served OpenAPI document ({@link OpenApiContract}).
 */
public final class Api {

    public record Reply(int status, String body, Map<String, String> headers) {

        @SuppressWarnings("unchecked")
        public Map<String, Object> json() {
            return Json.read(body, Map.class);
        }

        @SuppressWarnings("unchecked")
        public List<Map<String, Object>> list() {
            return Json.read(body, List.class);
        }

        public long id() {
            return ((Number) json().get("id")).longValue();
        }

        @SuppressWarnings("unchecked")
        public List<String> errorFields() {
            return ((List<Map<String, Object>>) json().get("errors"))
                    .stream().map(e -> (String) e.get("field")).toList();
        }
    }

    private final HttpClient client;
    private final String user;

    public Api(HttpClient client, String user) {
        this.client = client;
        this.user = user;
    }

    public Api as(String otherUser) {
        return new Api(client, otherUser);
    }

    public Reply get(String path) {
        return send(HttpRequest.GET(path));
    }

    public Reply post(String path, Object body) {
        return send(HttpRequest.POST(path, body == null ? "" : body instanceof String s ? s : Json.write(body)));
    }

    public Reply put(String path, Object body) {
        return send(HttpRequest.PUT(path, body instanceof String s ? s : Json.write(body)));
    }

    public Reply delete(String path) {
        return send(HttpRequest.DELETE(path));
    }

    private Reply send(MutableHttpRequest<?> request) {
        request.contentType(MediaType.APPLICATION_JSON_TYPE);
        if (user != null) {
            String[] parts = TestEnvironment.USERS.split(",");
            for (String p : parts) {
                String[] f = p.split(":");
                if (f[0].equals(user)) {
                    request.basicAuth(f[0], f[1]);
                }
            }
        }
        return exchange(client, request);
    }

    /** Sends the request as it is (asking for JSON) and checks the answer against the served OpenAPI document. */
    public static Reply exchange(HttpClient client, MutableHttpRequest<?> request) {
        request.accept(MediaType.APPLICATION_JSON_TYPE);
        Reply reply;
        try {
            HttpResponse<String> r = client.toBlocking().exchange(request, Argument.STRING, Argument.STRING);
            reply = new Reply(r.code(), r.getBody().orElse(""), headers(r));
        } catch (HttpClientResponseException e) {
            reply = new Reply(e.code(), e.getResponse().getBody(String.class).orElse(""), headers(e.getResponse()));
        }
        OpenApiContract.check(
                () -> client.toBlocking().retrieve(OpenApiContract.DOCUMENT),
                request.getMethodName(),
                request.getUri().getRawPath(),
                reply);
        return reply;
    }

    /** Checks an answer to {@code method} on {@code rawPath} that another client got against the served OpenAPI document. */
    public static void check(HttpClient client, String method, String rawPath, Reply reply) {
        OpenApiContract.check(() -> client.toBlocking().retrieve(OpenApiContract.DOCUMENT), method, rawPath, reply);
    }

    private static Map<String, String> headers(HttpResponse<?> r) {
        Map<String, String> h = new HashMap<>();
        r.getHeaders().forEach((name, values) -> h.put(name.toLowerCase(Locale.ROOT), String.join(",", values)));
        return h;
    }
}
