package io.pushflow.tools;

import com.fasterxml.jackson.databind.JsonNode;
import io.pushflow.core.json.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;

/** The admin service's HTTP API as the demo and the benchmarks call it: HTTP/1.1, Basic auth, a timeout on every call. */
public final class AdminApi {

    /** A reply that was read: status and parsed body. */
    public record Reply(int status, JsonNode body, String text) {}

    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private final URI base;
    private final String authorization;

    public AdminApi(String url, String user, String password) {
        this.base = URI.create(url.endsWith("/") ? url : url + "/");
        this.authorization =
                "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    public String url() {
        return base.toString();
    }

    /** Fails with a message that says what to do when the service does not answer /health with 200. */
    public void requireHealthy() {
        try {
            HttpResponse<String> r = http.send(
                    HttpRequest.newBuilder(base.resolve("health"))
                            .timeout(Duration.ofSeconds(5))
                            .GET()
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new IllegalStateException(
                        "GET " + base.resolve("health") + " answered " + r.statusCode() + ": " + r.body());
            }
        } catch (IOException e) {
            throw new IllegalStateException(
                    "the admin service does not answer at " + base + " (" + e + "); start it (bin/pushflow admin) "
                            + "or let 'bin/pushflow bench' start one",
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    public Reply post(String path, HttpRequest.BodyPublisher body, String contentType, Duration timeout) {
        return send(HttpRequest.newBuilder(base.resolve(path))
                .timeout(timeout)
                .header("Content-Type", contentType)
                .POST(body));
    }

    public Reply get(String path, Duration timeout) {
        return send(HttpRequest.newBuilder(base.resolve(path)).timeout(timeout).GET());
    }

    private Reply send(HttpRequest.Builder builder) {
        HttpRequest request = builder.header("Authorization", authorization)
                .header("Accept", "application/json")
                .build();
        try {
            HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
            JsonNode json = null;
            try {
                json = Json.MAPPER.readTree(r.body());
            } catch (IOException e) {
                // not JSON: the text says what happened
            }
            return new Reply(r.statusCode(), json, r.body());
        } catch (IOException e) {
            throw new IllegalStateException(request.method() + " " + request.uri() + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    public Reply postJson(String path, Object body, Duration timeout) {
        return post(path, HttpRequest.BodyPublishers.ofString(Json.write(body)), "application/json", timeout);
    }

    public static Map<String, Object> previewRequest(Map<String, Object> filter) {
        return Map.of("filter", filter);
    }
}
