package io.pushflow.provider;

import com.fasterxml.jackson.databind.JsonNode;
import io.pushflow.core.json.Json;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * OneSignal's create-notification call ({@code POST /notifications}) as its published OpenAPI contract describes
 * it: bearer authentication with the app's REST API key, subscription-id targeting, contents and headings per
 * language, data for the app, a deep link and an image, and an idempotency key. Rate limits (429, honouring
 * Retry-After), server errors and timeouts are retried with backoff under the same idempotency key, so a retry
 * never sends twice; a 400 is final. The key is never logged or put in an exception message.
 */
public final class OneSignalClient implements PushProvider {

    /** How the client waits between attempts; tests replace it. */
    public interface Sleeper {
        void sleep(Duration duration) throws InterruptedException;
    }

    private final URI notifications;
    private final String appId;
    private final String restApiKey;
    private final Duration timeout;
    private final int maxAttempts;
    private final Sleeper sleeper;
    private final HttpClient http;

    public OneSignalClient(
            URI baseUrl, String appId, String restApiKey, Duration timeout, int maxAttempts, Sleeper sleeper) {
        String base = baseUrl.toString();
        this.notifications = URI.create(base.endsWith("/") ? base + "notifications" : base + "/notifications");
        this.appId = appId;
        this.restApiKey = restApiKey;
        this.timeout = timeout;
        this.maxAttempts = maxAttempts;
        this.sleeper = sleeper;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
    }

    @Override
    public SendResult send(PushMessage message) throws ProviderException, InterruptedException {
        String body = Json.write(body(message));
        ProviderException last = null;
        int allowed = maxAttempts;
        int unanswered = 0;
        int attempt = 0;
        while (attempt < allowed) {
            attempt++;
            if (last != null) {
                sleeper.sleep(backoff(attempt, last));
            }
            HttpResponse<String> response;
            try {
                response = http.send(
                        HttpRequest.newBuilder(notifications)
                                .timeout(timeout)
                                .header("Authorization", "Bearer " + restApiKey)
                                .header("Content-Type", "application/json")
                                .header("Accept", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(body))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
            } catch (IOException e) {
                last = new ProviderException(
                        "no answer from OneSignal: " + e.getClass().getSimpleName(), 0, true, e);
                unanswered++;
                allowed =
                        2 * maxAttempts; // OneSignal may have created it: try longer to learn its answer under the same
                // key
                continue;
            }
            int status = response.statusCode();
            if (status == 200) {
                return result(response.body(), attempt);
            }
            if (status == 429 || status >= 500) {
                last = new ProviderException(
                        "OneSignal answered " + status + ": " + errors(response.body()),
                        status,
                        true,
                        response.headers()
                                .firstValue("Retry-After")
                                .map(OneSignalClient::seconds)
                                .orElse(null),
                        null);
                continue;
            }
            throw new ProviderException(
                    "OneSignal refused the notification (" + status + "): " + errors(response.body()),
                    status,
                    false,
                    null);
        }
        String unknown = unanswered == 0
                ? ""
                : "; the outcome is unknown: OneSignal did not answer " + unanswered + " of them and may have sent it";
        throw new ProviderException(
                last.getMessage() + " (after " + attempt + " attempts" + unknown + ")",
                last.status(),
                true,
                last.getCause());
    }

    /** GET /notifications/{id}?app_id=: the delivery counts; a 429 says how long to wait in {@link ProviderException#retryAfter}. */
    @Override
    public NotificationStatus status(String notificationId) throws ProviderException, InterruptedException {
        URI uri = URI.create(notifications + "/" + URLEncoder.encode(notificationId, StandardCharsets.UTF_8)
                + "?app_id=" + URLEncoder.encode(appId, StandardCharsets.UTF_8));
        HttpResponse<String> response;
        try {
            response = http.send(
                    HttpRequest.newBuilder(uri)
                            .timeout(timeout)
                            .header("Authorization", "Bearer " + restApiKey)
                            .header("Accept", "application/json")
                            .GET()
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new ProviderException(
                    "no answer from OneSignal: " + e.getClass().getSimpleName(), 0, true, e);
        }
        int code = response.statusCode();
        if (code != 200) {
            Duration wait = response.headers()
                    .firstValue("Retry-After")
                    .map(OneSignalClient::seconds)
                    .orElse(null);
            throw new ProviderException(
                    "OneSignal answered " + code + " for notification " + notificationId + ": "
                            + errors(response.body()),
                    code,
                    code == 429 || code >= 500,
                    wait,
                    null);
        }
        try {
            JsonNode n = Json.MAPPER.readTree(response.body());
            return new NotificationStatus(
                    notificationId,
                    n.path("successful").asLong(),
                    n.path("failed").asLong(),
                    n.path("errored").asLong(),
                    n.path("converted").asLong(),
                    n.path("remaining").asLong(),
                    n.path("received").asLong());
        } catch (IOException e) {
            throw new ProviderException("OneSignal answered 200 with a body that is not JSON", 200, true, e);
        }
    }

    private static Duration seconds(String retryAfter) {
        try {
            return Duration.ofSeconds(Math.min(60, Math.max(0, Long.parseLong(retryAfter.trim()))));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** The request body, with only the fields the contract defines. */
    private Map<String, Object> body(PushMessage m) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("app_id", appId);
        out.put("idempotency_key", m.idempotencyKey());
        out.put("include_subscription_ids", m.subscriptionIds());
        out.put("contents", m.contents());
        if (!m.headings().isEmpty()) {
            out.put("headings", m.headings());
        }
        if (!m.data().isEmpty()) {
            out.put("data", m.data());
        }
        if (m.appUrl() != null) {
            out.put("app_url", m.appUrl());
        }
        if (m.imageUrl() != null) {
            out.put("big_picture", m.imageUrl());
            out.put("ios_attachments", Map.of("image", m.imageUrl()));
        }
        return out;
    }

    /** A 200: the id (empty if nothing was created) and the errors, a list of texts or an object of invalid ids. */
    private static SendResult result(String body, int attempts) throws ProviderException {
        JsonNode json;
        try {
            json = Json.MAPPER.readTree(body);
        } catch (IOException e) {
            throw new ProviderException("OneSignal answered 200 with a body that is not JSON", 200, true, e);
        }
        List<String> invalid = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        JsonNode e = json.path("errors");
        if (e.isArray()) {
            e.forEach(n -> errors.add(n.asText()));
        } else if (e.isObject()) {
            for (String field : List.of("invalid_player_ids", "invalid_subscription_ids")) {
                e.path(field).forEach(n -> invalid.add(n.asText()));
            }
        } else if (e.isTextual() && !e.asText().isEmpty()) {
            errors.add(e.asText());
        }
        return new SendResult(json.path("id").asText(""), invalid, errors, attempts);
    }

    private static String errors(String body) {
        try {
            JsonNode e = Json.MAPPER.readTree(body).path("errors");
            return e.isMissingNode() ? body : e.toString();
        } catch (IOException | RuntimeException ex) {
            return body.length() > 200 ? body.substring(0, 200) : body;
        }
    }

    /**
     * Exponential from 250 ms, capped at 30 s, with half of it random, so many senders retrying together do not hit
     * the provider in step; never shorter than Retry-After when the provider gives one (seconds; an HTTP date is not
     * parsed). Retry-After is the least to wait, not the backoff: taken as the wait, eight attempts gave up after 8 s
     * of a provider's 429s, and a 30-second rate limit failed a tenth of a chaos round's audience for good.
     */
    private static Duration backoff(int attempt, ProviderException last) {
        long ceiling = Math.min(30_000, 250L << Math.min(attempt - 2, 7));
        Duration exponential =
                Duration.ofMillis(ceiling / 2 + ThreadLocalRandom.current().nextLong(ceiling / 2 + 1));
        return last.retryAfter() != null && last.retryAfter().compareTo(exponential) > 0
                ? last.retryAfter()
                : exponential;
    }
}
