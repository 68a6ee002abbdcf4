package io.pushflow.provider;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.pushflow.core.json.Json;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A strict stand-in for OneSignal's create-notification endpoint, written from its published OpenAPI contract:
 * it refuses what the real service would (no bearer key, wrong app, an unknown field, more than 2,000
 * subscription ids, contents without English, data over 2,048 bytes, an idempotency key that is not a UUID,
 * more than one targeting mode) with the contract's error shapes, answers like the contract (id, errors with
 * invalid ids), keeps each idempotency key's first answer, and can be told to fail the next calls (429 with
 * Retry-After, 5xx, or a slow answer). It records every notification it created and counts, per subscription,
 * how many notifications reached it, so a test or a benchmark can see a push sent twice; the view-notification call
 * reports each notification's counts, its clicks ({@code converted}) as {@link #click} records them. It lives in main code
 * because the delivery benchmark sends to it too.
 */
public final class OneSignalFake implements AutoCloseable {

    /** A notification the fake created: who it reached, who it could not, its data payload, when. */
    public record Created(
            String id,
            String idempotencyKey,
            List<String> subscriptionIds,
            List<String> invalidIds,
            JsonNode data,
            long createdAtMillis,
            JsonNode body) {}

    /**
     * What a provider built on the fake does beyond the contract: fail calls, call ids unsubscribed, act on a
     * created notification, and report its delivery counts. The fake alone delivers everything at once.
     */
    public interface Behaviour {
        /** A status to answer this call with instead (429 or 5xx), or null. */
        default Integer failure() {
            return null;
        }

        default boolean unsubscribed(String subscriptionId) {
            return false;
        }

        /** A status to answer this valid create-notification call with instead (429 or 5xx), or null: a fault aimed at some pushes. */
        default Integer refusal(JsonNode createBody) {
            return null;
        }

        /** Whether {@code subscriptionId} is not subscribed, for this create-notification call. */
        default boolean unsubscribed(String subscriptionId, JsonNode createBody) {
            return unsubscribed(subscriptionId);
        }

        default void created(Created notification) {}

        /**
         * The delivery counts of the view-notification call: successful, failed, errored, converted, remaining, received.
         * {@code clicks} is what {@link OneSignalFake#click} recorded for the notification.
         */
        default Map<String, Long> counts(Created n, long clicks) {
            long reached = n.subscriptionIds().size();
            return Map.of(
                    "successful",
                    reached,
                    "failed",
                    (long) n.invalidIds().size(),
                    "errored",
                    0L,
                    "converted",
                    clicks,
                    "remaining",
                    0L,
                    "received",
                    reached);
        }
    }

    private static final Set<String> FIELDS = Set.of(
            "app_id",
            "idempotency_key",
            "external_id",
            "include_subscription_ids",
            "include_aliases",
            "included_segments",
            "excluded_segments",
            "filters",
            "target_channel",
            "contents",
            "headings",
            "subtitle",
            "data",
            "url",
            "app_url",
            "web_url",
            "big_picture",
            "ios_attachments",
            "send_after",
            "name");
    private static final Set<String> TARGETING =
            Set.of("include_subscription_ids", "include_aliases", "included_segments", "filters");

    private final HttpServer server;
    private final String appId;
    private final String restApiKey;
    private final Set<String> unsubscribed = ConcurrentHashMap.newKeySet();
    private final Map<String, String> answers = new ConcurrentHashMap<>();
    private final List<Created> created = Collections.synchronizedList(new ArrayList<>());
    private final Map<String, Created> byId = new ConcurrentHashMap<>();
    private final Deque<Integer> failures = new ArrayDeque<>();
    private final Map<String, Integer> received = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> clicks = new ConcurrentHashMap<>();
    private final AtomicInteger calls = new AtomicInteger();
    private volatile Duration delay = Duration.ZERO;
    private volatile boolean keepBodies = true;
    private volatile Behaviour behaviour = new Behaviour() {};

    public OneSignalFake(String appId, String restApiKey) throws IOException {
        this(appId, restApiKey, new InetSocketAddress("127.0.0.1", 0));
    }

    public OneSignalFake(String appId, String restApiKey, InetSocketAddress address) throws IOException {
        this.appId = appId;
        this.restApiKey = restApiKey;
        this.server = HttpServer.create(address, 0);
        server.createContext("/", this::handle);
        server.setExecutor(Executors.newFixedThreadPool(8, r -> {
            Thread t = new Thread(r, "onesignal-fake");
            t.setDaemon(true);
            return t;
        }));
        server.start();
    }

    public void behaviour(Behaviour b) {
        behaviour = b;
    }

    public URI baseUrl() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/api/v1");
    }

    /** These subscription ids are reported as not subscribed. */
    public void unsubscribe(String... ids) {
        unsubscribed.addAll(List.of(ids));
    }

    /** The next calls answer with these statuses (429 with Retry-After: 1), before answering normally again. */
    public synchronized void failNext(Integer... statuses) {
        failures.addAll(List.of(statuses));
    }

    /** Every call waits this long before answering. */
    public void delay(Duration d) {
        delay = d;
    }

    public List<Created> created() {
        synchronized (created) {
            return List.copyOf(created);
        }
    }

    /** A user clicked notification {@code id}: its {@code converted} count grows by one, as OneSignal's does. */
    public void click(String id) {
        if (!byId.containsKey(id)) {
            throw new IllegalArgumentException("no notification " + id);
        }
        clicks.computeIfAbsent(id, k -> new AtomicLong()).incrementAndGet();
    }

    public int calls() {
        return calls.get();
    }

    /** Notifications that reached each subscription id (a value above 1 is a push sent twice). */
    public Map<String, Integer> received() {
        return Map.copyOf(received);
    }

    /** Whether to keep each request body in {@link #created()} (a benchmark sending millions does not). */
    public void keepBodies(boolean keep) {
        keepBodies = keep;
    }

    private void handle(HttpExchange x) throws IOException {
        calls.incrementAndGet();
        try {
            if (!delay.isZero()) {
                Thread.sleep(delay.toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Integer failure;
        synchronized (this) {
            failure = failures.poll();
        }
        if (failure == null) {
            failure = behaviour.failure();
        }
        if (failure != null) {
            fail(x, failure);
            return;
        }
        String path = x.getRequestURI().getPath();
        boolean create = x.getRequestMethod().equals("POST") && path.equals("/api/v1/notifications");
        boolean view = x.getRequestMethod().equals("GET") && path.startsWith("/api/v1/notifications/");
        if (!create && !view) {
            reply(x, 404, Map.of("errors", List.of("not found: " + x.getRequestMethod() + " " + path)));
            return;
        }
        if (!("Bearer " + restApiKey).equals(x.getRequestHeaders().getFirst("Authorization"))) {
            reply(
                    x,
                    403,
                    Map.of(
                            "errors",
                            List.of(
                                    "Access denied. Please include an 'Authorization: Bearer ...' header with a valid API key")));
            return;
        }
        if (view) {
            view(x, path.substring("/api/v1/notifications/".length()));
            return;
        }
        String type = x.getRequestHeaders().getFirst("Content-Type");
        if (type == null || !type.startsWith("application/json")) {
            reply(x, 400, Map.of("errors", List.of("Content-Type must be application/json")));
            return;
        }
        JsonNode body;
        try {
            body = Json.MAPPER.readTree(new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            reply(x, 400, Map.of("errors", List.of("Invalid JSON")));
            return;
        }
        List<String> problems = problems(body);
        if (!problems.isEmpty()) {
            reply(x, 400, Map.of("errors", problems));
            return;
        }
        Integer refusal = behaviour.refusal(body);
        if (refusal != null) {
            fail(x, refusal);
            return;
        }
        String key = body.path("idempotency_key").asText(null);
        replyRaw(x, 200, key == null ? create(body) : answers.computeIfAbsent(key, k -> create(body)));
    }

    private void fail(HttpExchange x, int status) throws IOException {
        if (status == 429) {
            x.getResponseHeaders().add("Retry-After", "1");
            reply(x, 429, Map.of("errors", List.of("API rate limit exceeded"), "limit", "send"));
        } else {
            reply(x, status, Map.of("errors", List.of("Internal server error")));
        }
    }

    /** Creates a notification for the subscribed ids and answers like OneSignal (computed once per idempotency key). */
    private String create(JsonNode body) {
        List<String> ids = new ArrayList<>();
        body.get("include_subscription_ids").forEach(n -> ids.add(n.asText()));
        List<String> invalid = ids.stream()
                .filter(i -> unsubscribed.contains(i) || behaviour.unsubscribed(i, body))
                .toList();
        Map<String, Object> answer = new LinkedHashMap<>();
        if (invalid.size() == ids.size()) {
            answer.put("id", "");
            answer.put("errors", List.of("All included players are not subscribed"));
        } else {
            String id = UUID.randomUUID().toString();
            answer.put("id", id);
            if (!invalid.isEmpty()) {
                answer.put("errors", Map.of("invalid_player_ids", invalid));
            }
            List<String> reached =
                    ids.stream().filter(i -> !invalid.contains(i)).toList();
            reached.forEach(i -> received.merge(i, 1, Integer::sum));
            Created c = new Created(
                    id,
                    body.path("idempotency_key").asText(null),
                    reached,
                    invalid,
                    body.path("data"),
                    System.currentTimeMillis(),
                    body);
            Created kept = keepBodies
                    ? c
                    : new Created(id, c.idempotencyKey(), reached, invalid, c.data(), c.createdAtMillis(), null);
            byId.put(id, kept);
            created.add(
                    keepBodies
                            ? c
                            : new Created(
                                    id, c.idempotencyKey(), List.of(), List.of(), c.data(), c.createdAtMillis(), null));
            behaviour.created(c);
        }
        return Json.write(answer);
    }

    /** The view-notification call: the contract's delivery counts as the behaviour reports them. */
    private void view(HttpExchange x, String id) throws IOException {
        String query = x.getRequestURI().getQuery();
        if (query == null || !query.contains("app_id=" + appId)) {
            reply(x, 400, Map.of("errors", List.of("app_id not found: a valid app_id is required")));
            return;
        }
        Created n = byId.get(id);
        if (n == null) {
            reply(x, 404, Map.of("errors", List.of("Could not find notification with id: " + id)));
            return;
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("id", id);
        AtomicLong clicked = clicks.get(id);
        answer.putAll(behaviour.counts(n, clicked == null ? 0 : clicked.get()));
        answer.put("queued_at", n.createdAtMillis() / 1000);
        answer.put("send_after", n.createdAtMillis() / 1000);
        answer.put(
                "completed_at",
                ((Number) answer.get("remaining")).longValue() == 0 ? System.currentTimeMillis() / 1000 : null);
        answer.put("canceled", false);
        answer.put("data", n.data());
        replyRaw(x, 200, Json.write(answer));
    }

    private List<String> problems(JsonNode body) {
        List<String> problems = new ArrayList<>();
        if (!body.isObject()) {
            return List.of("the body must be a JSON object");
        }
        for (Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (!FIELDS.contains(field)) {
                problems.add("unknown field: " + field);
            }
        }
        if (!appId.equals(body.path("app_id").asText(null))) {
            problems.add("app_id not found: a valid app_id is required");
        }
        Set<String> targeting = new HashSet<>();
        body.fieldNames().forEachRemaining(f -> {
            if (TARGETING.contains(f)) {
                targeting.add(f);
            }
        });
        if (targeting.size() != 1) {
            problems.add("use exactly one targeting mode, got " + targeting);
        }
        JsonNode ids = body.path("include_subscription_ids");
        if (!ids.isArray() || ids.isEmpty() || ids.size() > 2_000) {
            problems.add("include_subscription_ids: 1 to 2000 subscription ids");
        } else {
            ids.forEach(n -> {
                if (!n.isTextual()) {
                    problems.add("include_subscription_ids: strings only");
                }
            });
        }
        JsonNode contents = body.path("contents");
        if (!contents.isObject() || !contents.path("en").isTextual()) {
            problems.add("contents: English must be included in the hash");
        }
        for (String map : List.of("contents", "headings")) {
            body.path(map).fields().forEachRemaining(e -> {
                if (!e.getValue().isTextual()) {
                    problems.add(map + "." + e.getKey() + ": a string");
                }
            });
        }
        if (body.has("data")
                && (!body.get("data").isObject()
                        || body.get("data").toString().getBytes(StandardCharsets.UTF_8).length > 2_048)) {
            problems.add("data: an object of up to 2048 bytes");
        }
        if (body.has("idempotency_key")) {
            try {
                UUID.fromString(body.get("idempotency_key").asText());
            } catch (IllegalArgumentException e) {
                problems.add("idempotency_key: a UUID");
            }
        }
        return problems;
    }

    private static void reply(HttpExchange x, int status, Object body) throws IOException {
        replyRaw(x, status, Json.write(body));
    }

    private static void replyRaw(HttpExchange x, int status, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        x.getResponseHeaders().add("Content-Type", "application/json");
        x.sendResponseHeaders(status, bytes.length);
        x.getResponseBody().write(bytes);
        x.close();
    }

    @Override
    public void close() {
        server.stop(0);
        ((ExecutorService) server.getExecutor()).shutdownNow();
    }
}
