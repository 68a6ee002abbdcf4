package io.pushflow.admin.fuzz;

import io.pushflow.admin.support.Api;
import io.pushflow.admin.support.AppClient;
import io.pushflow.admin.support.OpenApiContract;
import io.pushflow.admin.support.ValidBodies;
import io.pushflow.core.fuzz.FuzzTally;
import io.pushflow.core.fuzz.HostileInput;
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
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.Supplier;
import net.jqwik.api.Arbitraries;

/**
 * Generated hostile requests at every REST operation of a running admin service (bodies, path and query parameters,
 * content types, sizes; as each role, with an app key and as nobody), sent as raw bytes, each answer judged: a 4xx in
 * the ApiError shape that the served OpenAPI document allows for the operation (or a 2xx, when a draw happens to be
 * valid), never a 5xx, never no answer. The admin service's own fuzz test runs it against its embedded server; the
 * demo's runs it against the service as a process while a valid campaign goes out beside it. Users are
 * {@code admin}, {@code marketer} and {@code viewer}, each with the password {@code <name>-pw}.
 */
public final class RestFuzz {

    public static final List<String> ROLES = List.of("admin", "marketer", "viewer");

    /** What the requests aim at: the fuzz's own cohort, pushes, campaign and app key (it may change or delete them). */
    public record Targets(
            long cohortId, long pushId, long otherPushId, long campaignId, long appKeyId, String appKey) {}

    /** One operation of the API: method, path template ({id}), a valid body to spoil (null: none), what it reads. */
    record Surface(
            String method, String path, Supplier<Map<String, Object>> body, List<String> contentTypes, boolean app) {

        String name() {
            return method + " " + path;
        }
    }

    /** A request as sent: method, raw path with query, headers and body bytes. */
    record Hostile(String surface, String method, String path, String query, Map<String, String> headers, byte[] body) {

        @Override
        public String toString() {
            String q = query == null ? "" : "?" + (query.length() > 200 ? query.substring(0, 200) + "…" : query);
            Map<String, String> shown = new LinkedHashMap<>(headers);
            shown.computeIfPresent("Authorization", (k, v) -> v.length() > 40 ? v.substring(0, 40) + "…" : v);
            return method + " " + (path.length() > 200 ? path.substring(0, 200) + "…" : path) + q + " " + shown
                    + (body == null ? "" : " (" + body.length + " bytes)");
        }
    }

    private final URI base;
    private final Targets targets;
    private final FuzzTally tally;
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    /** {@code base}: the service's root, e.g. {@code http://127.0.0.1:8080}. */
    public RestFuzz(URI base, Targets targets, FuzzTally tally) {
        this.base = URI.create(base.toString().replaceAll("/+$", ""));
        this.targets = targets;
        this.tally = tally;
    }

    /** A valid campaign body over the targets' cohort and pushes. */
    public static Map<String, Object> campaign(long cohortId, long pushId, long otherPushId) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("name", "fuzz campaign");
        c.put("app", "windy-ios");
        c.put("cohortId", cohortId);
        c.put("variants", List.of(Map.of("pushId", pushId), Map.of("pushId", otherPushId)));
        c.put("split", Map.of("type", "BANDIT"));
        c.put("holdoutShare", 0.05);
        c.put("duration", "PT2H");
        c.put("quietHours", Map.of("start", "22:00", "end", "08:00"));
        c.put("frequencyCap", Map.of("count", 2, "period", "P1D"));
        return c;
    }

    private List<Surface> surfaces() {
        List<String> json = List.of("application/json");
        Supplier<Map<String, Object>> none = () -> null;
        Supplier<Map<String, Object>> campaign =
                () -> campaign(targets.cohortId(), targets.pushId(), targets.otherPushId());
        Supplier<Map<String, Object>> cohort = () -> ValidBodies.cohort("fuzzed");
        Supplier<Map<String, Object>> push = () -> ValidBodies.push("fuzzed");
        Supplier<Map<String, Object>> preview =
                () -> Map.of("filter", ValidBodies.cohort("x").get("filter"));
        Supplier<Map<String, Object>> user = () -> Map.of(
                "user_id",
                7,
                "app",
                "windy-ios",
                "platform",
                "ios",
                "push_token",
                "t",
                "country",
                "PT",
                "locale",
                "pt",
                "timezone",
                "Europe/Lisbon",
                "app_version",
                "57.1",
                "sports",
                List.of("sailing"));
        Supplier<Map<String, Object>> event = () -> Map.of(
                "eventId",
                "e-1",
                "campaignId",
                targets.campaignId(),
                "variant",
                "A",
                "userId",
                7,
                "type",
                "click",
                "at",
                "2026-01-01T00:00:00Z");
        Supplier<Map<String, Object>> webhook = () -> Map.of(
                "event",
                "notification.clicked",
                "notificationId",
                "n-1",
                "data",
                Map.of("campaignId", targets.campaignId(), "variant", "A", "userId", 7));
        return List.of(
                new Surface("GET", "/api/v1/campaigns", none, json, false),
                new Surface("POST", "/api/v1/campaigns", campaign, json, false),
                new Surface("GET", "/api/v1/campaigns/{id}", none, json, false),
                new Surface("PUT", "/api/v1/campaigns/{id}", campaign, json, false),
                new Surface("DELETE", "/api/v1/campaigns/{id}", none, json, false),
                new Surface("GET", "/api/v1/campaigns/{id}/history", none, json, false),
                new Surface("POST", "/api/v1/campaigns/{id}/launch", none, json, false),
                new Surface("POST", "/api/v1/campaigns/{id}/pause", none, json, false),
                new Surface("POST", "/api/v1/campaigns/{id}/resume", none, json, false),
                new Surface("POST", "/api/v1/campaigns/{id}/stop", none, json, false),
                new Surface("GET", "/api/v1/campaigns/{id}/stats", none, json, false),
                new Surface("GET", "/api/v1/campaigns/{id}/stats/timeseries", none, json, false),
                new Surface("GET", "/api/v1/campaigns/{id}/stats/lift", none, json, false),
                new Surface("GET", "/api/v1/campaigns/{id}/export", none, json, false),
                new Surface("POST", "/api/v1/campaigns/{id}/clone", none, json, false),
                new Surface("GET", "/api/v1/cohorts", none, json, false),
                new Surface("POST", "/api/v1/cohorts", cohort, json, false),
                new Surface("POST", "/api/v1/cohorts/preview", preview, json, false),
                new Surface("GET", "/api/v1/cohorts/{id}", none, json, false),
                new Surface("GET", "/api/v1/cohorts/{id}/size", none, json, false),
                new Surface("PUT", "/api/v1/cohorts/{id}", cohort, json, false),
                new Surface("DELETE", "/api/v1/cohorts/{id}", none, json, false),
                new Surface("GET", "/api/v1/pushes", none, json, false),
                new Surface("POST", "/api/v1/pushes", push, json, false),
                new Surface("GET", "/api/v1/pushes/{id}", none, json, false),
                new Surface("PUT", "/api/v1/pushes/{id}", push, json, false),
                new Surface("DELETE", "/api/v1/pushes/{id}", none, json, false),
                new Surface(
                        "POST",
                        "/api/v1/pushes/{id}/test",
                        () -> Map.of(
                                "subscriptionIds", List.of("6392d91a-b206-4b7b-a620-cd68e32c3a76"), "language", "en"),
                        json,
                        false),
                new Surface("GET", "/api/v1/app-keys", none, json, false),
                new Surface("POST", "/api/v1/app-keys", () -> Map.of("name", "fuzzed"), json, false),
                new Surface("DELETE", "/api/v1/app-keys/{id}", none, json, false),
                new Surface("GET", "/api/v1/cohort-fields", none, json, false),
                new Surface("GET", "/api/v1/me", none, json, false),
                new Surface(
                        "POST",
                        "/api/v1/users/import",
                        user,
                        List.of("application/x-ndjson", "text/csv", "application/json"),
                        false),
                new Surface("POST", "/api/v1/events", event, List.of("application/json", "application/x-ndjson"), true),
                new Surface(
                        "POST",
                        "/api/v1/webhooks/onesignal",
                        webhook,
                        List.of("application/json", "text/plain"),
                        true));
    }

    /**
     * Sends {@code count} hostile requests to every operation, drawn from {@code seed}; tallies the answers and returns
     * the ones that break the contract (a 5xx, an undocumented answer, no answer), described.
     */
    public List<String> run(long seed, int count) {
        return run(seed, count, surface -> true);
    }

    /** The same, sending only the requests of the operations {@code only} takes (the others are drawn, not sent). */
    public List<String> run(long seed, int count, Predicate<String> only) {
        HostileInput in = new HostileInput(seed);
        List<String> failures = new ArrayList<>();
        Hostile previous = null;
        for (Surface surface : surfaces()) {
            boolean sent = only.test(surface.name());
            FuzzTally.Surface s = sent ? tally.surface(surface.name()) : null;
            for (int i = 0; i < count; i++) {
                Hostile request = request(in, surface);
                if (!sent) {
                    continue;
                }
                s.inputs++;
                Api.Reply reply;
                try {
                    reply = send(request);
                    OpenApiContract.check(() -> OpenApiContract.served(base), request.method(), request.path(), reply);
                } catch (AssertionError e) {
                    s.undocumented++;
                    failures.add(request + ": " + e.getMessage());
                    continue;
                } catch (Exception e) {
                    s.noAnswer++;
                    failures.add(request + ": no answer: " + e + " (the request before it: " + previous + ")");
                    continue;
                } finally {
                    previous = request;
                }
                if (reply.status() == 503 && surface.path().endsWith("/test") && isApiError(reply)) {
                    // a valid test send with no provider configured in this environment: the documented answer, not a
                    // failure
                    s.unavailable++;
                } else if (reply.status() >= 500) {
                    s.serverErrors++;
                    failures.add(request + " answered " + reply.status() + " " + abbreviated(reply.body()));
                } else if (reply.status() >= 400) {
                    s.clientErrors++;
                    if (!isApiError(reply)) {
                        s.undocumented++;
                        failures.add(request + " answered " + reply.status() + " not in the ApiError shape: "
                                + abbreviated(reply.body()));
                    }
                } else {
                    s.accepted++;
                }
            }
        }
        return failures;
    }

    /** Sends the bytes as they are (a framework client would encode or refuse some of them). */
    private Api.Reply send(Hostile r) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(
                        URI.create(base + r.path() + (r.query() == null ? "" : "?" + r.query())))
                .timeout(Duration.ofSeconds(60))
                .method(
                        r.method(),
                        r.body() == null
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofByteArray(r.body()))
                .header("Accept", "application/json");
        r.headers().forEach(b::header);
        HttpResponse<String> answer;
        try {
            answer = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            // a pooled connection the server had closed (after refusing a large body unread): it never saw this request
            if (e.getMessage() == null || !e.getMessage().contains("received no bytes")) {
                throw e;
            }
            tally.surface(r.surface()).retried++;
            answer = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        }
        Map<String, String> headers = new HashMap<>();
        answer.headers().map().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), String.join(",", v)));
        return new Api.Reply(answer.statusCode(), answer.body(), headers);
    }

    private Hostile request(HostileInput in, Surface surface) {
        String path = surface.path().replace("{id}", pathId(in, surface.path()));
        String query = in.below(10) < 4 ? query(in) : null;
        Map<String, Object> valid = surface.body().get();
        byte[] body = null;
        String contentType = in.pick(surface.contentTypes());
        if (surface.method().equals("POST") || surface.method().equals("PUT")) {
            int kind = in.below(10);
            if (valid == null || kind < 2) {
                body = in.below(2) == 0
                        ? new byte[0]
                        : Json.write(in.draw(in.value())).getBytes(StandardCharsets.UTF_8);
            } else if (kind < 6) {
                Object spoiled = in.spoiled(valid);
                body = (contentType.equals("application/x-ndjson")
                                ? Json.write(spoiled) + "\n" + Json.write(valid)
                                : Json.write(spoiled))
                        .getBytes(StandardCharsets.UTF_8);
            } else {
                body = in.rawBytes(Json.write(valid).getBytes(StandardCharsets.UTF_8));
            }
            if (contentType.equals("text/csv") && in.below(2) == 0) {
                body = ("user_id,app,platform\n7,windy-ios,ios\n" + in.draw(in.value()) + "\n,,,,\n\"unclosed,")
                        .getBytes(StandardCharsets.UTF_8);
            }
        }
        Map<String, String> headers = new LinkedHashMap<>();
        if (in.below(10) < 2) {
            contentType = in.pick(List.of(
                    "text/plain",
                    "application/xml",
                    "application/x-www-form-urlencoded",
                    "multipart/form-data",
                    "application/octet-stream",
                    "application/json; charset=ISO-8859-1",
                    "text/html",
                    "application/x-ndjson",
                    "text/csv",
                    "*/*",
                    "application/json;;;",
                    "x"));
        }
        if (in.below(20) > 0) {
            headers.put("Content-Type", contentType);
        }
        authenticate(in, surface, headers);
        if (surface.app() && surface.path().contains("webhooks") && headers.remove("key") != null) {
            query = (query == null ? "" : query + "&") + "key="
                    + URLEncoder.encode(targets.appKey(), StandardCharsets.UTF_8);
        }
        return new Hostile(surface.name(), surface.method(), path, query, headers, body);
    }

    private void authenticate(HostileInput in, Surface surface, Map<String, String> headers) {
        int who = in.below(10);
        if (surface.app() ? who < 6 : who == 0) {
            if (surface.path().contains("webhooks") && in.below(2) == 0) {
                headers.put("key", "in the query");
            } else {
                headers.put(
                        AppClient.KEY_HEADER,
                        in.below(4) == 0
                                ? "pfk_" + in.draw(Arbitraries.strings().alpha().ofMaxLength(40))
                                : targets.appKey());
            }
        } else if (who < 8) {
            String role = in.pick(ROLES);
            headers.put(
                    "Authorization",
                    "Basic "
                            + Base64.getEncoder()
                                    .encodeToString((role + ":" + role + "-pw").getBytes(StandardCharsets.UTF_8)));
        } else if (who == 8) {
            headers.put(
                    "Authorization",
                    in.pick(List.of(
                            "Basic "
                                    + Base64.getEncoder()
                                            .encodeToString("admin:wrong".getBytes(StandardCharsets.UTF_8)),
                            "Basic !!!",
                            "Basic " + Base64.getEncoder().encodeToString("nocolon".getBytes(StandardCharsets.UTF_8)),
                            "Bearer x.y.z",
                            "Basic",
                            "Basic "
                                    + Base64.getEncoder()
                                            .encodeToString(
                                                    ("admin:" + "x".repeat(2_000)).getBytes(StandardCharsets.UTF_8)))));
        }
        if (in.below(10) == 0) {
            headers.put("Origin", in.pick(List.of("https://evil.example", "null", "http://localhost")));
        }
    }

    private String pathId(HostileInput in, String template) {
        long real = template.contains("cohorts")
                ? targets.cohortId()
                : template.contains("pushes")
                        ? targets.pushId()
                        : template.contains("app-keys") ? targets.appKeyId() : targets.campaignId();
        String id = switch (in.below(6)) {
            case 0, 1 -> Long.toString(real);
            case 2 -> Long.toString(in.draw(Arbitraries.longs()));
            default ->
                String.valueOf(in.draw(in.pick(List.of(
                        in.value(),
                        Arbitraries.of(
                                "0",
                                "-1",
                                "1.5",
                                "1e3",
                                "99999999999999999999",
                                "0x10",
                                " 1",
                                "null",
                                "..",
                                "%2e%2e",
                                "1;DROP",
                                "١٢٣")))));
        };
        String encoded = URLEncoder.encode(id.length() > 1_000 ? id.substring(0, 1_000) : id, StandardCharsets.UTF_8);
        return encoded.isEmpty() ? "%20" : encoded;
    }

    private String query(HostileInput in) {
        List<String> names = List.of(
                "page", "size", "status", "exact", "metric", "step", "format", "key", "what", "unknown", "page[]");
        StringBuilder q = new StringBuilder();
        for (int p = 0; p < 1 + in.below(3); p++) {
            Object v = in.draw(in.value());
            String s = String.valueOf(v);
            if (q.length() > 0) {
                q.append('&');
            }
            q.append(in.pick(names))
                    .append('=')
                    .append(URLEncoder.encode(s.length() > 1_500 ? s.substring(0, 1_500) : s, StandardCharsets.UTF_8));
        }
        return q.toString();
    }

    private static boolean isApiError(Api.Reply reply) {
        try {
            Map<String, Object> body = reply.json();
            return body.get("status") instanceof Number n
                    && n.intValue() == reply.status()
                    && body.get("error") instanceof String
                    && body.get("message") instanceof String;
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static String abbreviated(String body) {
        return body.length() <= 300 ? body : body.substring(0, 300) + "…";
    }
}
