package io.pushflow.admin.fuzz;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.pushflow.admin.messaging.BatchConsumer;
import io.pushflow.admin.support.Api;
import io.pushflow.admin.support.ApiTestBase;
import io.pushflow.admin.support.AppClient;
import io.pushflow.admin.support.TestEnvironment;
import io.pushflow.core.fuzz.FuzzTally;
import io.pushflow.core.fuzz.HostileInput;
import io.pushflow.core.json.Json;
import io.pushflow.core.messaging.Queues;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Generated hostile input at every REST operation (bodies, path and query parameters, content types, sizes; as each
 * role, with an app key and as nobody) and at the queues the admin service reads. Every answer must be a 4xx in the
 * ApiError shape that the served OpenAPI document allows for the operation (or a 2xx, when a draw happens to be
 * valid), never a 5xx; every bad message must land in its {@code .dead} queue with a reason. {@code -Dfuzz.count}
 * inputs per surface (100 in CI; {@code bin/pushflow bench fuzz} runs 1,000), the tally to {@code -Dfuzz.out}.
 */
@MicronautTest
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AdminFuzzTest extends ApiTestBase {

    static final int COUNT = Integer.getInteger("fuzz.count", 100);
    static final long SEED = Long.getLong("fuzz.seed", 17);
    static final List<String> ROLES = List.of("admin", "marketer", "viewer");

    private final FuzzTally tally = new FuzzTally();
    private long cohortId;
    private long pushId;
    private long otherPushId;
    private long campaignId;
    private long appKeyId;
    private String appKey;

    /** One operation of the API: method, path template ({id}), a valid body to spoil (null: none), what it reads. */
    record Surface(String method, String path, Supplier<Map<String, Object>> body, List<String> contentTypes, boolean app) {

        String name() {
            return method + " " + path;
        }
    }

    @BeforeAll
    void fixtures() {
        Api admin = as("admin");
        cohortId = admin.post("/api/v1/cohorts", cohort("fuzz cohort")).id();
        pushId = admin.post("/api/v1/pushes", push("fuzz push")).id();
        otherPushId = admin.post("/api/v1/pushes", push("fuzz push B")).id();
        Api.Reply campaign = admin.post("/api/v1/campaigns", campaign());
        assertThat(campaign.status()).as(campaign.body()).isEqualTo(201);
        campaignId = campaign.id();
        Api.Reply key = admin.post("/api/v1/app-keys", Map.of("name", "fuzz"));
        appKeyId = key.id();
        appKey = (String) key.json().get("key");
    }

    private Map<String, Object> campaign() {
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
        Supplier<Map<String, Object>> cohort = () -> cohort("fuzzed");
        Supplier<Map<String, Object>> push = () -> push("fuzzed");
        Supplier<Map<String, Object>> preview = () -> Map.of("filter", cohort("x").get("filter"));
        Supplier<Map<String, Object>> user = () -> Map.of("user_id", 7, "app", "windy-ios", "platform", "ios", "push_token", "t",
                "country", "PT", "locale", "pt", "timezone", "Europe/Lisbon", "app_version", "57.1", "sports", List.of("sailing"));
        Supplier<Map<String, Object>> event = () -> Map.of("eventId", "e-1", "campaignId", campaignId, "variant", "A",
                "userId", 7, "type", "click", "at", "2026-01-01T00:00:00Z");
        Supplier<Map<String, Object>> webhook = () -> Map.of("event", "notification.clicked", "notificationId", "n-1",
                "data", Map.of("campaignId", campaignId, "variant", "A", "userId", 7));
        return List.of(
                new Surface("GET", "/api/v1/campaigns", none, json, false),
                new Surface("POST", "/api/v1/campaigns", this::campaign, json, false),
                new Surface("GET", "/api/v1/campaigns/{id}", none, json, false),
                new Surface("PUT", "/api/v1/campaigns/{id}", this::campaign, json, false),
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
                new Surface("POST", "/api/v1/pushes/{id}/test", () -> Map.of("subscriptionIds", List.of("6392d91a-b206-4b7b-a620-cd68e32c3a76"),
                        "language", "en"), json, false),
                new Surface("GET", "/api/v1/app-keys", none, json, false),
                new Surface("POST", "/api/v1/app-keys", () -> Map.of("name", "fuzzed"), json, false),
                new Surface("DELETE", "/api/v1/app-keys/{id}", none, json, false),
                new Surface("GET", "/api/v1/cohort-fields", none, json, false),
                new Surface("GET", "/api/v1/me", none, json, false),
                new Surface("POST", "/api/v1/users/import", user, List.of("application/x-ndjson", "text/csv", "application/json"), false),
                new Surface("POST", "/api/v1/events", event, List.of("application/json", "application/x-ndjson"), true),
                new Surface("POST", "/api/v1/webhooks/onesignal", webhook, List.of("application/json", "text/plain"), true));
    }

    @Test
    @Order(1)
    void every_bad_message_on_the_admin_service_s_queues_lands_in_its_dead_letter_queue_with_a_reason() throws Exception {
        HostileInput in = new HostileInput(SEED);
        // users and campaigns nobody has: a message that parses still cannot apply
        Map<String, Object> change = Map.of("v", 1, "userId", 8_000_000_001L, "version", 5, "set", Map.of("subscribed", false));
        Map<String, Object> report = Map.of("v", 1, "reportId", "r", "campaignId", 900_000_001L, "type", "COMPLETED",
                "released", 10, "heldOut", 0, "unreleased", 0, "at", "2026-01-01T00:00:00Z");
        Queues queues = env.queues();
        try (Connection connection = TestEnvironment.rabbit().newConnection(); Channel channel = connection.createChannel()) {
            for (var e : Map.of(Queues.USER_CHANGES, change, Queues.CAMPAIGN_REPORTS, report).entrySet()) {
                String queue = e.getKey();
                FuzzTally.Surface s = tally.surface("queue " + queue);
                for (int i = 0; i < COUNT; i++) {
                    byte[] body = hostileMessage(in, e.getValue());
                    channel.basicPublish("", queues.name(queue), new AMQP.BasicProperties.Builder().messageId("fuzz-" + i)
                            .correlationId("fuzz-" + i).deliveryMode(2).build(), body);
                    s.inputs++;
                }
                List<String> withoutReason = new ArrayList<>();
                java.util.Set<String> dead = new java.util.HashSet<>();
                long deadline = System.currentTimeMillis() + 120_000;
                while (dead.size() < COUNT && System.currentTimeMillis() < deadline) {
                    GetResponse r = channel.basicGet(queues.dead(queue), true);
                    if (r == null) {
                        Thread.sleep(50);
                        continue;
                    }
                    Object reason = r.getProps().getHeaders() == null ? null : r.getProps().getHeaders().get(BatchConsumer.REASON_HEADER);
                    if (reason == null || reason.toString().isBlank()) {
                        withoutReason.add(r.getProps().getMessageId());
                    }
                    dead.add(r.getProps().getMessageId());
                }
                s.deadLettered = dead.size();
                s.stuck = channel.messageCount(queues.name(queue));
                assertThat(withoutReason).as("dead letters of %s without a reason", queue).isEmpty();
                assertThat(dead).as("bad messages of %s in %s", queue, queues.dead(queue)).hasSize(COUNT);
                assertThat(s.stuck).as("messages left on %s (redelivered forever?)", queue).isZero();
            }
        }
    }

    /** Bytes for a queue: the valid message with one field spoiled, a wrong version, or no JSON at all. */
    private static byte[] hostileMessage(HostileInput in, Map<String, Object> valid) {
        return switch (in.below(4)) {
            case 0 -> Json.write(in.spoiled(valid)).getBytes(StandardCharsets.UTF_8);
            case 1 -> {
                Map<String, Object> m = new LinkedHashMap<>(valid);
                m.put("v", in.pick(List.of(0, 2, 99, -1, "1", "one")));
                yield Json.write(m).getBytes(StandardCharsets.UTF_8);
            }
            case 2 -> Json.write(in.draw(in.value())).getBytes(StandardCharsets.UTF_8);
            default -> in.rawBytes(Json.write(valid).getBytes(StandardCharsets.UTF_8));
        };
    }

    @Test
    @Order(2)
    void every_answer_to_hostile_requests_is_a_documented_4xx_in_the_error_shape_never_a_5xx() {
        HostileInput in = new HostileInput(SEED);
        List<String> failures = new ArrayList<>();
        long started = System.nanoTime();
        for (Surface surface : surfaces()) {
            FuzzTally.Surface s = tally.surface(surface.name());
            for (int i = 0; i < COUNT; i++) {
                Hostile request = request(in, surface);
                s.inputs++;
                Api.Reply reply;
                try {
                    reply = send(request);
                    Api.check(client, request.method(), request.path(), reply);
                } catch (AssertionError e) {
                    s.undocumented++;
                    failures.add(request + ": " + e.getMessage());
                    continue;
                } catch (Exception e) {
                    s.noAnswer++;
                    failures.add(request + ": no answer: " + e);
                    continue;
                }
                if (reply.status() == 503 && surface.path().endsWith("/test") && isApiError(reply)) {
                    // a valid test send with no provider configured in this environment: the documented answer, not a failure
                    s.unavailable++;
                } else if (reply.status() >= 500) {
                    s.serverErrors++;
                    failures.add(request + " answered " + reply.status() + " " + abbreviated(reply.body()));
                } else if (reply.status() >= 400) {
                    s.clientErrors++;
                    if (!isApiError(reply)) {
                        s.undocumented++;
                        failures.add(request + " answered " + reply.status() + " not in the ApiError shape: " + abbreviated(reply.body()));
                    }
                } else {
                    s.accepted++;
                }
            }
        }
        System.out.printf("REST fuzz: %d requests in %d s%n", tally.total(s -> s.name.startsWith("queue ") ? 0 : s.inputs),
                (System.nanoTime() - started) / 1_000_000_000);
        assertThat(failures.subList(0, Math.min(20, failures.size()))).as("answers that break the contract (the first 20 of %d)",
                failures.size()).isEmpty();
    }

    @org.junit.jupiter.api.AfterAll
    void writeTally() throws Exception {
        tally.print();
        tally.write("admin");
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

    private final java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder().version(java.net.http.HttpClient.Version.HTTP_1_1)
            .connectTimeout(java.time.Duration.ofSeconds(5)).build();

    @jakarta.inject.Inject
    io.micronaut.runtime.server.EmbeddedServer server;

    /** Sends the bytes as they are (a framework client would encode or refuse some of them). */
    private Api.Reply send(Hostile r) throws Exception {
        java.net.http.HttpRequest.Builder b = java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create(server.getURI() + r.path() + (r.query() == null ? "" : "?" + r.query())))
                .timeout(java.time.Duration.ofSeconds(60))
                .method(r.method(), r.body() == null ? java.net.http.HttpRequest.BodyPublishers.noBody()
                        : java.net.http.HttpRequest.BodyPublishers.ofByteArray(r.body()))
                .header("Accept", "application/json");
        r.headers().forEach(b::header);
        java.net.http.HttpResponse<String> answer;
        try {
            answer = http.send(b.build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException e) {
            // a pooled connection the server had closed (after refusing a large body unread): it never saw this request
            if (e.getMessage() == null || !e.getMessage().contains("received no bytes")) {
                throw e;
            }
            tally.surface(r.surface()).retried++;
            answer = http.send(b.build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        }
        Map<String, String> headers = new java.util.HashMap<>();
        answer.headers().map().forEach((k, v) -> headers.put(k.toLowerCase(java.util.Locale.ROOT), String.join(",", v)));
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
                body = in.below(2) == 0 ? new byte[0] : Json.write(in.draw(in.value())).getBytes(StandardCharsets.UTF_8);
            } else if (kind < 6) {
                Object spoiled = in.spoiled(valid);
                body = (contentType.equals("application/x-ndjson") ? Json.write(spoiled) + "\n" + Json.write(valid) : Json.write(spoiled))
                        .getBytes(StandardCharsets.UTF_8);
            } else {
                body = in.rawBytes(Json.write(valid).getBytes(StandardCharsets.UTF_8));
            }
            if (contentType.equals("text/csv") && in.below(2) == 0) {
                body = ("user_id,app,platform\n7,windy-ios,ios\n" + in.draw(in.value()) + "\n,,,,\n\"unclosed,").getBytes(StandardCharsets.UTF_8);
            }
        }
        Map<String, String> headers = new LinkedHashMap<>();
        if (in.below(10) < 2) {
            contentType = in.pick(List.of("text/plain", "application/xml", "application/x-www-form-urlencoded", "multipart/form-data",
                    "application/octet-stream", "application/json; charset=ISO-8859-1", "text/html", "application/x-ndjson", "text/csv",
                    "*/*", "application/json;;;", "x"));
        }
        if (in.below(20) > 0) {
            headers.put("Content-Type", contentType);
        }
        authenticate(in, surface, headers);
        if (surface.app() && surface.path().contains("webhooks") && headers.remove("key") != null) {
            query = (query == null ? "" : query + "&") + "key=" + URLEncoder.encode(appKey, StandardCharsets.UTF_8);
        }
        return new Hostile(surface.name(), surface.method(), path, query, headers, body);
    }

    private void authenticate(HostileInput in, Surface surface, Map<String, String> headers) {
        int who = in.below(10);
        if (surface.app() ? who < 6 : who == 0) {
            if (surface.path().contains("webhooks") && in.below(2) == 0) {
                headers.put("key", "in the query");
            } else {
                headers.put(AppClient.KEY_HEADER, in.below(4) == 0 ? "pfk_" + in.draw(net.jqwik.api.Arbitraries.strings().alpha().ofMaxLength(40)) : appKey);
            }
        } else if (who < 8) {
            String role = in.pick(ROLES);
            headers.put("Authorization", "Basic " + Base64.getEncoder().encodeToString((role + ":" + role + "-pw").getBytes(StandardCharsets.UTF_8)));
        } else if (who == 8) {
            headers.put("Authorization", in.pick(List.of("Basic " + Base64.getEncoder().encodeToString("admin:wrong".getBytes(StandardCharsets.UTF_8)),
                    "Basic !!!", "Basic " + Base64.getEncoder().encodeToString("nocolon".getBytes(StandardCharsets.UTF_8)), "Bearer x.y.z",
                    "Basic", "Basic " + Base64.getEncoder().encodeToString(("admin:" + "x".repeat(2_000)).getBytes(StandardCharsets.UTF_8)))));
        }
        if (in.below(10) == 0) {
            headers.put("Origin", in.pick(List.of("https://evil.example", "null", "http://localhost")));
        }
    }

    private String pathId(HostileInput in, String template) {
        long real = template.contains("cohorts") ? cohortId : template.contains("pushes") ? pushId
                : template.contains("app-keys") ? appKeyId : campaignId;
        String id = switch (in.below(6)) {
            case 0, 1 -> Long.toString(real);
            case 2 -> Long.toString(in.draw(net.jqwik.api.Arbitraries.longs()));
            default -> String.valueOf(in.draw(in.pick(List.of(in.value(), net.jqwik.api.Arbitraries.of("0", "-1", "1.5", "1e3",
                    "99999999999999999999", "0x10", " 1", "null", "..", "%2e%2e", "1;DROP", "١٢٣")))));
        };
        String encoded = URLEncoder.encode(id.length() > 1_000 ? id.substring(0, 1_000) : id, StandardCharsets.UTF_8);
        return encoded.isEmpty() ? "%20" : encoded;
    }

    private String query(HostileInput in) {
        List<String> names = List.of("page", "size", "status", "exact", "metric", "step", "format", "key", "what", "unknown", "page[]");
        StringBuilder q = new StringBuilder();
        for (int p = 0; p < 1 + in.below(3); p++) {
            Object v = in.draw(in.value());
            String s = String.valueOf(v);
            if (q.length() > 0) {
                q.append('&');
            }
            q.append(in.pick(names)).append('=').append(URLEncoder.encode(s.length() > 1_500 ? s.substring(0, 1_500) : s, StandardCharsets.UTF_8));
        }
        return q.toString();
    }

    private static boolean isApiError(Api.Reply reply) {
        try {
            Map<String, Object> body = reply.json();
            return body.get("status") instanceof Number n && n.intValue() == reply.status()
                    && body.get("error") instanceof String && body.get("message") instanceof String;
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static String abbreviated(String body) {
        return body.length() <= 300 ? body : body.substring(0, 300) + "…";
    }
}
