package io.pushflow.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micronaut.http.HttpRequest;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.pushflow.admin.support.Api;
import io.pushflow.admin.support.ApiTestBase;
import io.pushflow.admin.support.AppClient;
import io.pushflow.admin.support.EventQueue;
import io.pushflow.core.campaign.PushEvent;
import io.pushflow.core.json.Json;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** POST /api/v1/events and the OneSignal webhook through the real HTTP API, onto the real RabbitMQ push.events. */
@MicronautTest
class EventsApiTest extends ApiTestBase {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private EventQueue queue;
    private AppClient app;
    private long cohort;
    private long pushA;
    private long pushB;
    private long live;
    private long draft;

    @BeforeAll
    void fixtures() throws Exception {
        queue = new EventQueue(env.queues());
        cohort = as("marketer").post("/api/v1/cohorts", cohort("event cohort")).id();
        pushA = as("marketer").post("/api/v1/pushes", push("event push A")).id();
        pushB = as("marketer").post("/api/v1/pushes", push("event push B")).id();
        live = campaign("live");
        assertThat(as("marketer")
                        .post("/api/v1/campaigns/" + live + "/launch", null)
                        .status())
                .isEqualTo(200);
        draft = campaign("draft");
        Api.Reply key = as("admin").post("/api/v1/app-keys", Map.of("name", "events-test"));
        assertThat(key.status()).isEqualTo(201);
        app = new AppClient(client, (String) key.json().get("key"));
    }

    @AfterAll
    void closeQueue() throws Exception {
        queue.close();
    }

    @BeforeEach
    void emptyQueue() throws Exception {
        queue.drain();
    }

    private long campaign(String name) {
        Map<String, Object> c = new HashMap<>();
        c.put("name", name);
        c.put("app", "windy-ios");
        c.put("cohortId", cohort);
        c.put("variants", List.of(Map.of("pushId", pushA), Map.of("pushId", pushB)));
        c.put("split", Map.of("type", "BANDIT"));
        c.put("duration", "PT2H");
        Api.Reply created = as("marketer").post("/api/v1/campaigns", c);
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        return created.id();
    }

    private static Map<String, Object> event(
            String id, Object campaign, String variant, String subscription, String type, Object at) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("eventId", id);
        if (campaign != null) {
            e.put("campaignId", campaign);
        }
        if (variant != null) {
            e.put("variant", variant);
        }
        if (subscription != null) {
            e.put("subscriptionId", subscription);
        }
        e.put("type", type);
        e.put("at", at);
        return e;
    }

    private Map<String, Object> click(String id) {
        return event(
                id,
                live,
                "B",
                "sub-" + id,
                "click",
                Instant.now().minusSeconds(30).toString());
    }

    private static String id() {
        return UUID.randomUUID().toString();
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> rejections(Api.Reply reply) {
        return (List<Map<String, Object>>) reply.json().get("rejections");
    }

    @Test
    void events_take_an_app_key_and_nothing_else() {
        String body = Json.write(List.of(click(id())));
        Api.Reply none = new AppClient(client, null).events(body);
        assertThat(none.status()).isEqualTo(401);
        assertThat(none.json()).containsEntry("status", 401).containsEntry("path", "/api/v1/events");
        assertThat((String) none.json().get("message")).contains("X-Pushflow-App-Key");
        assertThat(none.headers()).doesNotContainKey("www-authenticate");
        assertThat(new AppClient(client, "pfk_not-a-key-anyone-made")
                        .events(body)
                        .status())
                .isEqualTo(401);

        for (String user : List.of("marketer", "admin")) {
            var basic = HttpRequest.POST("/api/v1/events", body)
                    .contentType("application/json")
                    .basicAuth(user, user + "-pw");
            Api.Reply refused = AppClient.send(client, basic);
            assertThat(refused.status()).as(user).isEqualTo(403);
            assertThat((String) refused.json().get("message")).contains("app's key");
        }

        for (String path : List.of("/api/v1/cohorts", "/api/v1/app-keys", "/api/v1/me")) {
            Api.Reply adminApi = AppClient.send(client, HttpRequest.GET(path).header(AppClient.KEY_HEADER, appKey()));
            assertThat(adminApi.status()).as(path).isEqualTo(403);
            assertThat((String) adminApi.json().get("message")).contains("an app key only posts events");
        }
    }

    private String appKey() {
        Api.Reply key = as("admin").post("/api/v1/app-keys", Map.of("name", "probe-" + id().substring(0, 8)));
        return (String) key.json().get("key");
    }

    @Test
    void a_json_array_arrives_as_one_confirmed_batch_of_push_events() throws Exception {
        Instant at = Instant.now().minusSeconds(60).truncatedTo(ChronoUnit.MILLIS);
        String open = id();
        String click = id();
        String appOpenByPush = id();
        String appOpen = id();
        List<Map<String, Object>> events = List.of(
                event(open, live, "A", "sub-1", "open", at.toString()),
                event(
                        click,
                        String.valueOf(live),
                        "A",
                        "sub-1",
                        "click",
                        at.plusSeconds(2).toString()),
                event(
                        appOpenByPush,
                        live,
                        "A",
                        "sub-1",
                        "app_open",
                        at.plusSeconds(3).toString()),
                event(
                        appOpen,
                        null,
                        null,
                        "sub-2",
                        "app_open",
                        at.atOffset(ZoneOffset.ofHours(2)).toString()));
        Api.Reply reply = app.events(Json.write(events));
        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        assertThat(reply.json())
                .containsEntry("accepted", 4)
                .containsEntry("rejected", 0)
                .containsEntry("rejections", List.of());

        List<EventQueue.Delivery> published = queue.drain();
        assertThat(published).hasSize(1);
        EventQueue.Delivery d = published.get(0);
        assertThat(d.messageId())
                .isEqualTo(reply.json().get("batchId"))
                .isEqualTo(d.correlationId())
                .isEqualTo(d.batch().batchId());
        assertThat(d.deliveryMode()).isEqualTo(2);
        assertThat(d.batch().v()).isEqualTo(1);
        assertThat(d.batch().events())
                .containsExactly(
                        new PushEvent(1, open, live, "A", "sub-1", PushEvent.Type.OPENED, at),
                        new PushEvent(1, click, live, "A", "sub-1", PushEvent.Type.CLICKED, at.plusSeconds(2)),
                        new PushEvent(
                                1, appOpenByPush, live, "A", "sub-1", PushEvent.Type.APP_OPENED, at.plusSeconds(3)),
                        new PushEvent(1, appOpen, 0, null, "sub-2", PushEvent.Type.APP_OPENED, at));
    }

    @Test
    void ndjson_is_one_event_a_line() throws Exception {
        String good1 = id();
        String good2 = id();
        String body = Json.write(click(good1)) + "\n\n" + "{\"eventId\": \"broken\", \"type\": \n"
                + Json.write(click(good2)) + "\r\n";
        Api.Reply reply = app.events(body, "application/x-ndjson");
        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        assertThat(reply.json()).containsEntry("accepted", 2).containsEntry("rejected", 1);
        assertThat(rejections(reply)).singleElement().satisfies(r -> {
            assertThat(r).containsEntry("index", 1);
            assertThat((String) r.get("reason")).startsWith("line 3 is not valid JSON");
        });
        List<EventQueue.Delivery> published = queue.drain();
        assertThat(published).hasSize(1);
        assertThat(published.get(0).batch().events())
                .extracting(PushEvent::eventId)
                .containsExactly(good1, good2);
    }

    @Test
    void every_bad_event_is_refused_with_its_reason_and_the_good_ones_go_through() throws Exception {
        String now = Instant.now().toString();
        String good1 = id();
        String good2 = id();
        List<Object> events = new ArrayList<>();
        events.add(click(good1)); // 0
        events.add(event(id(), 999_999, "A", "s", "click", now)); // 1 unknown campaign
        events.add(event(id(), draft, "A", "s", "open", now)); // 2 draft
        events.add(event(id(), live, "C", "s", "click", now)); // 3 unknown variant
        events.add(event(id(), live, "A", "s", "like", now)); // 4 bad type
        events.add(event(id(), live, "A", null, "open", now)); // 5 no subscription
        events.add(event(id(), live, "A", "s", "open", "yesterday")); // 6 bad time
        events.add(event(
                id(),
                live,
                "A",
                "s",
                "open",
                Instant.now().plus(Duration.ofHours(1)).toString())); // 7 future
        events.add(event(
                id(),
                live,
                "A",
                "s",
                "open",
                Instant.now().minus(Duration.ofDays(40)).toString())); // 8 too old
        events.add(event("x".repeat(129), live, "A", "s", "open", now)); // 9 long event id
        events.add(event(id(), live, "A", "s".repeat(257), "open", now)); // 10 long subscription
        events.add(event(id(), live, "A".repeat(17), "s", "open", now)); // 11 long variant
        Map<String, Object> unknownField = click(id());
        unknownField.put("userId", 7);
        events.add(unknownField); // 12 unknown field
        Map<String, Object> wrongTypes = click(id());
        wrongTypes.put("eventId", 42);
        wrongTypes.put("campaignId", true);
        events.add(wrongTypes); // 13 wrong types
        events.add("not an event"); // 14 not an object
        events.add(click(good1)); // 15 repeated id
        events.add(event(id(), live, null, "s", "open", now)); // 16 open without variant
        events.add(event(id(), null, "A", "s", "app_open", now)); // 17 variant without campaign
        events.add(click(good2)); // 18
        Api.Reply reply = app.events(Json.write(events));
        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        assertThat(reply.json()).containsEntry("accepted", 2).containsEntry("rejected", 17);
        Map<Integer, String> reasons = rejections(reply).stream()
                .collect(Collectors.toMap(r -> (Integer) r.get("index"), r -> (String) r.get("reason")));
        assertThat(reasons).containsOnlyKeys(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17);
        assertThat(reasons.get(1)).isEqualTo("campaign 999999 does not exist");
        assertThat(reasons.get(2)).isEqualTo("campaign " + draft + " is a draft: it has sent no pushes");
        assertThat(reasons.get(3)).isEqualTo("campaign " + live + " has no variant 'C' (its variants: A, B)");
        assertThat(reasons.get(4)).isEqualTo("type 'like' is not one of open, click, app_open");
        assertThat(reasons.get(5)).startsWith("subscriptionId is required");
        assertThat(reasons.get(6)).startsWith("at must be an ISO 8601 instant");
        assertThat(reasons.get(7)).contains("ahead of the server's clock");
        assertThat(reasons.get(8)).contains("more than 30 days old");
        assertThat(reasons.get(9)).startsWith("eventId must be 1-128 printable ASCII characters");
        assertThat(reasons.get(10)).startsWith("subscriptionId must be 1-256 printable ASCII characters");
        assertThat(reasons.get(11)).startsWith("variant must be 1-16 characters");
        assertThat(reasons.get(12)).startsWith("unknown field 'userId'");
        assertThat(reasons.get(13))
                .contains("eventId must be a string, got a number", "campaignId must be a positive whole number");
        assertThat(reasons.get(14)).startsWith("an event must be a JSON object");
        assertThat(reasons.get(15)).isEqualTo("eventId repeats the event at index 0 of this request");
        assertThat(reasons.get(16)).startsWith("variant is required for open");
        assertThat(reasons.get(17)).startsWith("variant needs campaignId");
        Map<Object, Object> ids = new HashMap<>();
        rejections(reply).forEach(r -> ids.put(r.get("index"), r.get("eventId")));
        assertThat(ids.get(1)).isEqualTo(((Map<?, ?>) events.get(1)).get("eventId"));
        assertThat(ids.get(9)).isNull();
        assertThat(ids.get(14)).isNull();

        List<EventQueue.Delivery> published = queue.drain();
        assertThat(published).hasSize(1);
        assertThat(published.get(0).batch().events())
                .extracting(PushEvent::eventId)
                .containsExactly(good1, good2);
        assertThat(published.get(0).batch().events()).allSatisfy(e -> {
            assertThat(e.campaignId()).isEqualTo(live);
            assertThat(e.variant()).isEqualTo("B");
            assertThat(e.type()).isEqualTo(PushEvent.Type.CLICKED);
        });
    }

    @Test
    void nothing_good_is_still_a_200_and_publishes_nothing() throws Exception {
        Api.Reply reply = app.events(Json.write(
                List.of(event(id(), 999_999, "A", "s", "click", Instant.now().toString()))));
        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.json())
                .containsEntry("accepted", 0)
                .containsEntry("rejected", 1)
                .containsEntry("batchId", null);
        assertThat(queue.drain()).isEmpty();
    }

    @Test
    void the_same_request_posted_twice_is_the_same_message() throws Exception {
        String body = Json.write(List.of(
                click(id()),
                click(id()),
                event(id(), 999_999, "A", "s", "click", Instant.now().toString())));
        Api.Reply first = app.events(body);
        Api.Reply second = app.events(body);
        Api.Reply other = app.events(Json.write(List.of(click(id()))));
        List<EventQueue.Delivery> published = queue.drain();
        assertThat(published).hasSize(3);
        assertThat(published.get(0).messageId())
                .isEqualTo(first.json().get("batchId"))
                .isEqualTo(published.get(1).messageId())
                .isEqualTo(second.json().get("batchId"));
        assertThat(published.get(0).batch().events())
                .isEqualTo(published.get(1).batch().events());
        assertThat(published.get(2).messageId())
                .isEqualTo(other.json().get("batchId"))
                .isNotEqualTo(published.get(0).messageId());
    }

    @Test
    void over_the_size_or_count_limit_is_413_and_nothing_is_published() throws Exception {
        List<Map<String, Object>> many = new ArrayList<>();
        for (int i = 0; i < 5001; i++) {
            many.add(click("c-" + i));
        }
        Api.Reply tooMany = app.events(Json.write(many));
        assertThat(tooMany.status()).isEqualTo(413);
        assertThat(tooMany.json()).containsEntry("status", 413).containsEntry("path", "/api/v1/events");
        assertThat((String) tooMany.json().get("message")).contains("more than 5000 events");

        String padded = Json.write(List.of(click(id()))).replace("[", "[" + " ".repeat(4 * 1024 * 1024));
        Api.Reply tooLarge = app.events(padded);
        assertThat(tooLarge.status()).isEqualTo(413);
        assertThat((String) tooLarge.json().get("message")).contains("larger than 4194304 bytes");
        assertThat(queue.drain()).isEmpty();

        List<Map<String, Object>> most = many.subList(0, 5000);
        Api.Reply atTheLimit = app.events(Json.write(most));
        assertThat(atTheLimit.json()).containsEntry("accepted", 5000);
        assertThat(queue.drain())
                .singleElement()
                .satisfies(d -> assertThat(d.batch().events()).hasSize(5000));
    }

    @Test
    void a_body_that_is_not_json_is_400_as_a_whole() throws Exception {
        String good = Json.write(click(id()));
        Api.Reply broken = app.events("[" + good + ", {\"eventId\": ");
        assertThat(broken.status()).isEqualTo(400);
        assertThat(broken.errorFields()).containsExactly("body");
        assertThat((String) broken.json().get("message")).contains("invalid JSON");

        Api.Reply object = app.events(good);
        assertThat(object.status()).isEqualTo(400);
        assertThat((String) object.json().get("message")).contains("expected a JSON array of events");

        Api.Reply text = app.events(good, "text/plain");
        assertThat(text.status()).isEqualTo(415);
        assertThat(text.json()).containsEntry("status", 415);
        assertThat(queue.drain()).isEmpty();
    }

    @Test
    void a_campaign_launched_after_the_campaigns_were_read_is_found_on_a_miss() throws Exception {
        long later = campaign("launched later");
        String body = Json.write(
                List.of(event(id(), later, "A", "s", "click", Instant.now().toString())));
        // a miss re-reads the campaigns at most once a second: the new draft may first be unknown, then a draft
        await().atMost(WAIT)
                .pollDelay(Duration.ZERO)
                .pollInterval(Duration.ofMillis(100))
                .untilAsserted(() -> assertThat(String.valueOf(
                                rejections(app.events(body)).get(0).get("reason")))
                        .isEqualTo("campaign " + later + " is a draft: it has sent no pushes"));
        assertThat(as("marketer")
                        .post("/api/v1/campaigns/" + later + "/launch", null)
                        .status())
                .isEqualTo(200);
        Api.Reply accepted = awaitAccepted(body);
        assertThat(accepted.json()).containsEntry("accepted", 1);
        assertThat(queue.drain()).hasSize(1);
    }

    /** Posts until the event is taken: a miss re-reads the campaigns at most once per pushflow.events.campaigns.miss-refresh. */
    private Api.Reply awaitAccepted(String body) {
        AtomicReference<Api.Reply> last = new AtomicReference<>();
        await().atMost(WAIT)
                .pollDelay(Duration.ZERO)
                .pollInterval(Duration.ofMillis(100))
                .untilAsserted(() -> {
                    last.set(app.events(body));
                    assertThat(last.get().json()).as(last.get().body()).containsEntry("accepted", 1);
                });
        return last.get();
    }

    private Map<String, Object> webhook(String event, boolean withSubscription, Map<String, Object> data) {
        Map<String, Object> hook = new LinkedHashMap<>();
        hook.put("event", event);
        hook.put("notificationId", "b1a2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d");
        hook.put("heading", "Wind is on");
        hook.put("content", "25 knots at your spot tomorrow");
        if (data != null) {
            hook.put("additionalData", data);
        }
        hook.put("actionId", "");
        hook.put("url", "https://www.windy.com/spot/123");
        if (withSubscription) {
            hook.put("subscriptionId", "5f1c2d3e-8a9b-4c0d-9e1f-2a3b4c5d6e7f");
        }
        return hook;
    }

    private Map<String, Object> pushData() {
        return Map.of("pushflow_campaign", live, "pushflow_variant", "B", "pushflow_push", pushB, "spot", 123);
    }

    @Test
    void a_onesignal_click_becomes_a_clicked_event_once() throws Exception {
        String body = Json.write(webhook("notification.clicked", true, pushData()));
        Api.Reply reply = app.webhook(body, "application/json");
        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        assertThat(reply.json()).containsEntry("outcome", "accepted");
        assertThat(reply.headers().get("access-control-allow-origin")).isEqualTo("https://www.windy.com");
        EventQueue.Delivery d = queue.next(WAIT);
        assertThat(d.messageId()).isEqualTo(reply.json().get("batchId")).isEqualTo(d.correlationId());
        PushEvent click = d.batch().events().get(0);
        assertThat(d.batch().events()).hasSize(1);
        assertThat(click.eventId()).isEqualTo(reply.json().get("eventId")).startsWith("onesignal-");
        assertThat(click.type()).isEqualTo(PushEvent.Type.CLICKED);
        assertThat(click.campaignId()).isEqualTo(live);
        assertThat(click.variant()).isEqualTo("B");
        assertThat(click.subscriptionId()).isEqualTo("5f1c2d3e-8a9b-4c0d-9e1f-2a3b4c5d6e7f");
        assertThat(click.at()).isBetween(Instant.now().minusSeconds(30), Instant.now());

        Api.Reply again = app.webhook(body, "application/json");
        assertThat(again.json().get("eventId")).isEqualTo(click.eventId());
        assertThat(queue.next(WAIT).messageId()).isEqualTo(d.messageId());
    }

    @Test
    void onesignal_webhooks_without_what_a_click_needs_are_refused() throws Exception {
        Api.Reply noSubscription =
                app.webhook(Json.write(webhook("notification.clicked", false, pushData())), "application/json");
        assertThat(noSubscription.status()).isEqualTo(400);
        assertThat(noSubscription.errorFields()).containsExactly("subscriptionId");
        assertThat((String) noSubscription.json().get("message")).contains("cors: true");

        Api.Reply noData = app.webhook(Json.write(webhook("notification.clicked", true, null)), "application/json");
        assertThat(noData.status()).isEqualTo(400);
        assertThat(noData.errorFields()).containsExactly("additionalData");

        Api.Reply foreign =
                app.webhook(Json.write(webhook("notification.clicked", true, Map.of("spot", 1))), "application/json");
        assertThat(foreign.status()).isEqualTo(400);
        assertThat(foreign.errorFields()).containsExactly("additionalData.pushflow_campaign");

        Api.Reply wrongVariant = app.webhook(
                Json.write(webhook(
                        "notification.clicked",
                        true,
                        Map.of("pushflow_campaign", String.valueOf(live), "pushflow_variant", "Z"))),
                "application/json");
        assertThat(wrongVariant.status()).isEqualTo(400);
        assertThat((String) wrongVariant.json().get("message")).contains("has no variant 'Z'");

        Api.Reply notCors = app.webhook("event=notification.clicked", "text/plain");
        assertThat(notCors.status()).isEqualTo(415);
        assertThat((String) notCors.json().get("message")).contains("cors: true");

        Api.Reply displayed =
                app.webhook(Json.write(webhook("notification.willDisplay", true, pushData())), "application/json");
        assertThat(displayed.status()).isEqualTo(200);
        assertThat(displayed.json()).containsEntry("outcome", "ignored");

        assertThat(new AppClient(client, null)
                        .webhook(Json.write(webhook("notification.clicked", true, pushData())), "application/json")
                        .status())
                .isEqualTo(401);
        assertThat(new AppClient(client, "wrong-key-of-some-length")
                        .webhook(Json.write(webhook("notification.clicked", true, pushData())), "application/json")
                        .status())
                .isEqualTo(401);
        assertThat(queue.drain()).isEmpty();
    }

    @Test
    void cors_preflight_is_answered_for_the_webhook_only() {
        var preflight = HttpRequest.OPTIONS("/api/v1/webhooks/onesignal?key=anything")
                .header("Origin", "https://www.windy.com")
                .header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "content-type,x-onesignal-event");
        Api.Reply answered = AppClient.send(client, preflight);
        assertThat(answered.status()).isEqualTo(200);
        assertThat(answered.headers())
                .containsEntry("access-control-allow-origin", "https://www.windy.com")
                .containsEntry("access-control-allow-methods", "POST")
                .doesNotContainKey("access-control-allow-credentials");
        assertThat(answered.headers().get("access-control-allow-headers").toLowerCase())
                .contains("content-type", "x-onesignal-event");

        var elsewhere = HttpRequest.OPTIONS("/api/v1/events")
                .header("Origin", "https://www.windy.com")
                .header("Access-Control-Request-Method", "POST");
        assertThat(AppClient.send(client, elsewhere).headers()).doesNotContainKey("access-control-allow-origin");
    }
}
