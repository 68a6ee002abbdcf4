package io.pushflow.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.MediaType;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.pushflow.admin.support.Api;
import io.pushflow.admin.support.ApiTestBase;
import io.pushflow.core.filter.FilterChain;
import io.pushflow.core.filter.UserPredicate;
import io.pushflow.core.json.Json;
import io.pushflow.core.user.DeviceTokenKind;
import io.pushflow.core.user.User;
import io.pushflow.core.user.UserGenerator;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Users imported through the API, then counted by filter chains: the counts are what the predicate says. */
@MicronautTest
class UsersAndCohortSizeTest extends ApiTestBase {

    private static final int USERS = 5_000;
    private List<User> generated;

    @BeforeAll
    void importUsers() {
        generated = new UserGenerator(7, Instant.now()).users(1, USERS).toList();
        String ndjson = generated.stream().map(UsersAndCohortSizeTest::json).collect(Collectors.joining("\n"));
        assertThat(ndjson.length())
                .as("over the 1 MB JSON buffer limit: the import streams its body")
                .isGreaterThan(1 << 20);
        Api.Reply reply = importAs("admin", ndjson, MediaType.of("application/x-ndjson"));
        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        assertThat(reply.json()).containsEntry("accepted", USERS).containsEntry("rejected", 0);
    }

    static String json(User u) {
        Map<String, Object> m = new HashMap<>();
        m.put("user_id", u.userId());
        m.put("app", u.app());
        m.put("platform", u.platform());
        m.put("push_token", u.pushToken());
        if (u.deviceTokenKind() != DeviceTokenKind.NONE) {
            m.put("device_token", u.deviceToken());
            m.put("device_token_kind", u.deviceTokenKind().code());
        }
        m.put("token_valid", u.tokenValid());
        m.put("subscribed", u.subscribed());
        m.put("is_pro", u.isPro());
        m.put("country", u.country());
        m.put("locale", u.locale());
        m.put("timezone", u.timezone());
        m.put("app_version", u.appVersion());
        m.put("sports", u.sports());
        m.put("last_active_at", u.lastActiveAt().toString());
        m.put("installed_at", u.installedAt().toString());
        m.put("version", u.version());
        return Json.write(m);
    }

    private Api.Reply importAs(String user, String body, MediaType type) {
        var request = HttpRequest.POST("/api/v1/users/import", body).contentType(type);
        if (user != null) {
            request.basicAuth(user, user + "-pw");
        }
        return Api.exchange(client, request);
    }

    private long expected(Map<String, Object> filter, Instant asOf) {
        var predicate = UserPredicate.of(FilterChain.parse(filter), asOf);
        return generated.stream().filter(predicate).count();
    }

    @Test
    @SuppressWarnings("unchecked")
    void a_preview_counts_exactly_the_users_the_chain_selects() {
        Map<String, Object> kiters = Map.of(
                "all",
                List.of(
                        Map.of("field", "app", "op", "ne", "value", "test-import"),
                        Map.of("field", "sports", "op", "has_any", "values", List.of("kitesurfing", "wingfoiling")),
                        Map.of("field", "last_active_at", "op", "within_last", "value", "P7D"),
                        Map.of("field", "app_version", "op", "ge", "value", "56"),
                        Map.of(
                                "any",
                                List.of(
                                        Map.of("field", "platform", "op", "eq", "value", "ios"),
                                        Map.of("field", "is_pro", "op", "is_true")))));
        for (boolean exact : new boolean[] {false, true}) {
            Api.Reply reply = as("viewer").post("/api/v1/cohorts/preview?exact=" + exact, Map.of("filter", kiters));
            assertThat(reply.status()).as(reply.body()).isEqualTo(200);
            Map<String, Object> size = reply.json();
            long count = ((Number) size.get("count")).longValue();
            assertThat(count)
                    .isEqualTo(expected(kiters, Instant.parse((String) size.get("asOf"))))
                    .isBetween(1L, (long) USERS);
            assertThat((List<Number>) size.get("sample")).hasSize(20).isSorted();
            assertThat(size).containsEntry("exact", exact);
        }
    }

    @Test
    void a_preview_selects_by_the_kind_of_device_token_the_import_brought() {
        for (String kind : List.of("none", "fcm", "apns")) {
            Map<String, Object> chain = Map.of(
                    "all",
                    List.of(
                            Map.of("field", "app", "op", "ne", "value", "test-import"),
                            Map.of("field", "device_token_kind", "op", "eq", "value", kind)));
            Api.Reply reply = as("viewer").post("/api/v1/cohorts/preview?exact=true", Map.of("filter", chain));
            assertThat(reply.status()).as(reply.body()).isEqualTo(200);
            long count = ((Number) reply.json().get("count")).longValue();
            assertThat(count)
                    .as(kind)
                    .isEqualTo(expected(chain, Instant.now()))
                    .isPositive()
                    .isEqualTo(generated.stream()
                            .filter(u -> u.deviceTokenKind().code().equals(kind))
                            .count());
        }
    }

    @Test
    void a_saved_cohort_has_a_size_and_an_invalid_preview_is_a_400() {
        Map<String, Object> portugal = Map.of(
                "all",
                List.of(
                        Map.of("field", "country", "op", "in", "values", List.of("PT", "ES")),
                        Map.of("field", "app", "op", "ne", "value", "test-import")));
        long id = as("marketer")
                .post("/api/v1/cohorts", Map.of("name", "iberia", "filter", portugal))
                .id();
        Map<String, Object> size =
                as("viewer").get("/api/v1/cohorts/" + id + "/size").json();
        assertThat(((Number) size.get("count")).longValue())
                .isEqualTo(expected(portugal, Instant.now()))
                .isPositive();
        assertThat(as("viewer").get("/api/v1/cohorts/99999/size").status()).isEqualTo(404);

        Api.Reply bad = as("viewer")
                .post(
                        "/api/v1/cohorts/preview",
                        Map.of(
                                "filter",
                                Map.of("all", List.of(Map.of("field", "country", "op", "gt", "value", "PT")))));
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.errorFields()).containsExactly("filter.all[0].op");
    }

    @Test
    void a_hostile_value_is_a_value() {
        Map<String, Object> hostile = Map.of(
                "all", List.of(Map.of("field", "app", "op", "in", "values", List.of("x') OR 1=1 --", "windy-ios\\"))));
        Map<String, Object> size = as("viewer")
                .post("/api/v1/cohorts/preview", Map.of("filter", hostile))
                .json();
        assertThat(size).containsEntry("count", 0);
    }

    @Test
    void imports_report_bad_lines_by_number_and_only_admins_import() {
        User g = generated.get(0);
        // another app, so the counts of the other tests do not see these users
        User other = new User(
                900_001,
                "test-import",
                g.platform(),
                g.pushToken(),
                g.deviceToken(),
                g.deviceTokenKind(),
                true,
                true,
                false,
                g.country(),
                g.locale(),
                g.timezone(),
                g.appVersion(),
                g.sports(),
                g.lastActiveAt(),
                g.installedAt(),
                1);
        String good = json(other);
        String body = String.join(
                "\n",
                good,
                "{\"user_id\": -3}",
                "[1,2]",
                good.replace("900001", "900002").replace("\"country\":\"", "\"country\":\"X"));
        Api.Reply reply = importAs("admin", body, MediaType.of("application/x-ndjson"));
        assertThat(reply.json()).containsEntry("accepted", 1).containsEntry("rejected", 3);
        assertThat(reply.body())
                .contains("\"line\":2", "\"line\":3", "\"line\":4", "is not an ISO 3166-1 alpha-2 code");

        String csv = "user_id,app,platform,push_token,country,locale,timezone,app_version,last_active_at,installed_at\n"
                + "900003,test-import,ios,tok,PT,pt,Europe/Lisbon,57.1,2026-11-01T00:00:00Z,2025-01-01T00:00:00Z\n";
        assertThat(importAs("admin", csv, MediaType.of("text/csv")).json())
                .containsEntry("accepted", 1)
                .containsEntry("rejected", 0);
        String withBadRows = csv
                + "900004,test-import,ios,tok,PT,pt,Europe/Lisbon,57.1,2026-11-01T00:00:00Z,2025-01-01T00:00:00Z,extra\n"
                + "\"900005,test-import,ios,tok,PT,pt,Europe/Lisbon,57.1,2026-11-01T00:00:00Z,2025-01-01T00:00:00Z\n"
                + "900006,test-import,ios,tok,PT,pt,Europe/Lisbon,57.1,2026-11-01T00:00:00Z,2025-01-01T00:00:00Z\n";
        Api.Reply rows = importAs("admin", withBadRows, MediaType.of("text/csv"));
        assertThat(rows.json()).containsEntry("accepted", 2).containsEntry("rejected", 2);
        assertThat(rows.body())
                .contains(
                        "{\"line\":3,\"reason\":\"11 fields where the header has 10\"}",
                        "{\"line\":4,\"reason\":\"not a CSV row");

        assertThat(importAs("marketer", csv, MediaType.of("text/csv")).status()).isEqualTo(403);
        assertThat(importAs(null, csv, MediaType.of("text/csv")).status()).isEqualTo(401);
    }
}
