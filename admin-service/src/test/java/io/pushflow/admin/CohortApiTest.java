package io.pushflow.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.pushflow.admin.support.Api;
import io.pushflow.admin.support.ApiTestBase;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

@MicronautTest
class CohortApiTest extends ApiTestBase {

    private Api marketer() {
        return as("marketer");
    }

    @Test
    @SuppressWarnings("unchecked")
    void cohort_fields_list_every_filterable_attribute_with_its_operators() {
        Api.Reply reply = as("viewer").get("/api/v1/cohort-fields");
        assertThat(reply.status()).isEqualTo(200);
        List<Map<String, Object>> fields = reply.list();
        assertThat(fields)
                .extracting(f -> f.get("field"))
                .containsExactly(
                        "app",
                        "platform",
                        "device_token_kind",
                        "country",
                        "locale",
                        "timezone",
                        "app_version",
                        "sports",
                        "is_pro",
                        "last_active_at",
                        "installed_at");
        Map<String, Object> kind = fields.stream()
                .filter(f -> f.get("field").equals("device_token_kind"))
                .findFirst()
                .orElseThrow();
        assertThat(kind.get("type")).isEqualTo("ENUM");
        assertThat((List<String>) kind.get("values")).containsExactly("none", "fcm", "apns");
        Map<String, Object> sports = fields.stream()
                .filter(f -> f.get("field").equals("sports"))
                .findFirst()
                .orElseThrow();
        assertThat((List<Map<String, Object>>) sports.get("operators"))
                .extracting(o -> o.get("op"))
                .containsExactly("contains", "has_any", "has_all");
        assertThat((List<String>) sports.get("values")).contains("kitesurfing", "windsurfing", "sailing");
        Map<String, Object> version = fields.stream()
                .filter(f -> f.get("field").equals("app_version"))
                .findFirst()
                .orElseThrow();
        assertThat(version.get("type")).isEqualTo("VERSION");
    }

    @Test
    @SuppressWarnings("unchecked")
    void a_cohort_is_created_read_listed_updated_and_deleted() {
        Api.Reply created = marketer()
                .post(
                        "/api/v1/cohorts",
                        Map.of(
                                "name",
                                "  lisbon kiters ",
                                "filter",
                                Map.of(
                                        "all",
                                        List.of(
                                                Map.of(
                                                        "field",
                                                        "country",
                                                        "op",
                                                        "in",
                                                        "values",
                                                        List.of("pt", "PT", "ES")),
                                                Map.of(
                                                        "any",
                                                        List.of(
                                                                Map.of("field", "locale", "op", "eq", "value", "PT"),
                                                                Map.of("field", "is_pro", "op", "is_true")),
                                                        "not",
                                                        true)))));
        assertThat(created.status()).isEqualTo(201);
        long id = created.id();
        Map<String, Object> body = created.json();
        assertThat(body)
                .containsEntry("name", "lisbon kiters")
                .containsEntry("conditions", 3)
                .containsEntry("createdBy", "marketer");
        assertThat(body.get("filter"))
                .isEqualTo(Map.of(
                        "all",
                        List.of(
                                Map.of("field", "country", "op", "in", "values", List.of("PT", "ES")),
                                Map.of(
                                        "any",
                                        List.of(
                                                Map.of("field", "locale", "op", "eq", "value", "pt"),
                                                Map.of("field", "is_pro", "op", "is_true")),
                                        "not",
                                        true))));

        assertThat(as("viewer").get("/api/v1/cohorts/" + id).json()).containsEntry("name", "lisbon kiters");

        Api.Reply updated = as("admin").put("/api/v1/cohorts/" + id, cohort("lisbon kiters v2"));
        assertThat(updated.status()).isEqualTo(200);
        assertThat(updated.json())
                .containsEntry("name", "lisbon kiters v2")
                .containsEntry("updatedBy", "admin")
                .containsEntry("conditions", 4);
        assertThat(((Number) updated.json().get("version")).longValue())
                .isGreaterThan(((Number) body.get("version")).longValue());

        Map<String, Object> page =
                marketer().get("/api/v1/cohorts?page=0&size=50").json();
        assertThat((List<Map<String, Object>>) page.get("items"))
                .extracting(c -> c.get("name"))
                .contains("lisbon kiters v2");

        assertThat(marketer().delete("/api/v1/cohorts/" + id).status()).isEqualTo(204);
        assertThat(marketer().get("/api/v1/cohorts/" + id).status()).isEqualTo(404);
    }

    @Test
    void lists_are_paged_newest_first() {
        for (int i = 0; i < 3; i++) {
            assertThat(marketer().post("/api/v1/cohorts", cohort("paged " + i)).status())
                    .isEqualTo(201);
        }
        Map<String, Object> first =
                marketer().get("/api/v1/cohorts?page=0&size=2").json();
        assertThat(first).containsEntry("page", 0).containsEntry("size", 2);
        assertThat(((Number) first.get("total")).intValue()).isGreaterThanOrEqualTo(3);
        assertThat((List<?>) first.get("items")).hasSize(2);
        assertThat(marketer().get("/api/v1/cohorts?size=0").status()).isEqualTo(400);
        assertThat(marketer().get("/api/v1/cohorts?size=1000").status()).isEqualTo(400);
        assertThat(marketer().get("/api/v1/cohorts?page=x").status()).isEqualTo(400);
    }

    @Test
    void a_hostile_preview_is_refused_with_few_problems() {
        String tenMegabytes = "{\"filter\":{\"all\":[" + "0,".repeat(5_000_000) + "0]}}";
        Api.Reply huge = as("viewer").post("/api/v1/cohorts/preview", tenMegabytes);
        assertThat(huge.status()).isEqualTo(413);
        assertThat(huge.json()).containsEntry("status", 413);

        String justUnderTheLimit = "{\"filter\":{\"all\":[" + "0,".repeat(400_000) + "0]}}";
        Api.Reply zeros = as("viewer").post("/api/v1/cohorts/preview", justUnderTheLimit);
        assertThat(zeros.status()).as(zeros.body()).isEqualTo(400);
        assertThat(zeros.errorFields()).containsExactly("filter.all");
        assertThat(zeros.body().length()).isLessThan(1_000);

        Map<String, Object> junk = Map.of("field", "x".repeat(1_000), "op", "y".repeat(1_000));
        Api.Reply many = as("viewer")
                .post("/api/v1/cohorts/preview", Map.of("filter", Map.of("all", Collections.nCopies(200, junk))));
        assertThat(many.status()).isEqualTo(400);
        assertThat(many.errorFields()).hasSizeLessThanOrEqualTo(51);
        assertThat(many.body().length()).isLessThan(51 * 400);
    }

    @Test
    void a_chain_whose_sql_is_too_long_for_clickhouse_is_refused_naming_the_condition() {
        List<String> values = IntStream.range(0, 1_000)
                .mapToObj(i -> String.format("%0100d", i))
                .toList();
        Map<String, Object> apps = Map.of("field", "app", "op", "in", "values", values);
        Map<String, Object> filter = Map.of(
                "all", List.of(Map.of("field", "is_pro", "op", "is_true"), apps, Map.of("any", List.of(apps, apps))));

        Api.Reply created =
                marketer().post("/api/v1/cohorts", Map.of("name", "too long for clickhouse", "filter", filter));
        assertThat(created.status()).isEqualTo(400);
        assertThat(created.errorFields()).containsExactly("filter.all[1]", "filter.all[2].any[0]");
        assertThat(created.json().get("message").toString())
                .startsWith("filter.all[1]: this condition compiles to")
                .contains("ClickHouse");
        assertThat(as("viewer")
                        .post("/api/v1/cohorts/preview", Map.of("filter", filter))
                        .status())
                .isEqualTo(400);
    }

    @Test
    void every_problem_of_a_filter_chain_is_named_by_its_place() {
        Api.Reply reply = marketer()
                .post(
                        "/api/v1/cohorts",
                        Map.of(
                                "name",
                                "broken",
                                "filter",
                                Map.of(
                                        "all",
                                        List.of(
                                                Map.of("field", "sport", "op", "eq", "value", "kitesurfing"),
                                                Map.of("field", "country", "op", "has_any", "values", List.of("PT")),
                                                Map.of(
                                                        "any",
                                                        List.of(
                                                                Map.of("field", "app_version", "op", "ge", "value", 57),
                                                                Map.of(
                                                                        "field",
                                                                        "last_active_at",
                                                                        "op",
                                                                        "within_last",
                                                                        "value",
                                                                        "seven days"),
                                                                Map.of(
                                                                        "field",
                                                                        "sports",
                                                                        "op",
                                                                        "has_any",
                                                                        "values",
                                                                        List.of("kitesurfing", "kiting"))))))));
        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.json()).containsEntry("path", "/api/v1/cohorts");
        assertThat(reply.errorFields())
                .containsExactly(
                        "filter.all[0].field",
                        "filter.all[1].op",
                        "filter.all[2].any[0].value",
                        "filter.all[2].any[1].value",
                        "filter.all[2].any[2].values[1]");
        assertThat(reply.json().get("message").toString()).contains("filter.all[0].field", "unknown field 'sport'");
        assertThat(reply.body())
                .contains("operator 'has_any' does not apply to country; use one of eq, ne, in, not_in", "'kiting'");
    }

    @Test
    void missing_and_mistyped_fields_and_malformed_json_are_400_with_the_error_shape() {
        Api.Reply noName = marketer().post("/api/v1/cohorts", Map.of("filter", Map.of("all", List.of())));
        assertThat(noName.status()).isEqualTo(400);
        assertThat(noName.errorFields()).contains("name");

        Api.Reply noFilter = marketer().post("/api/v1/cohorts", Map.of("name", "x"));
        assertThat(noFilter.status()).isEqualTo(400);
        assertThat(noFilter.errorFields()).contains("filter");

        Api.Reply wrongType = marketer().post("/api/v1/cohorts", "{\"name\": \"x\", \"filter\": \"country = PT\"}");
        assertThat(wrongType.status()).isEqualTo(400);
        assertThat(wrongType.json()).containsEntry("status", 400).containsKey("message");

        Api.Reply malformed = marketer().post("/api/v1/cohorts", "{\"name\": \"x\", \"filter\": {\"all\": [}");
        assertThat(malformed.status()).isEqualTo(400);
        assertThat(malformed.json()).containsEntry("status", 400);
        assertThat(malformed.body()).doesNotContain("Exception", "at io.");

        Api.Reply tooLong =
                marketer().post("/api/v1/cohorts", Map.of("name", "n".repeat(201), "filter", Map.of("all", List.of())));
        assertThat(tooLong.status()).isEqualTo(400);
        assertThat(tooLong.errorFields()).contains("name");
    }

    @Test
    void unknown_ids_are_404_and_names_are_unique() {
        assertThat(marketer().get("/api/v1/cohorts/987654").status()).isEqualTo(404);
        assertThat(marketer().get("/api/v1/cohorts/987654").json().get("message"))
                .isEqualTo("no cohort with id 987654");
        assertThat(marketer().put("/api/v1/cohorts/987654", cohort("nobody")).status())
                .isEqualTo(404);
        assertThat(marketer().delete("/api/v1/cohorts/987654").status()).isEqualTo(404);
        assertThat(marketer().get("/api/v1/cohorts/abc").status()).isEqualTo(400);

        assertThat(marketer().post("/api/v1/cohorts", cohort("twin")).status()).isEqualTo(201);
        Api.Reply twin = marketer().post("/api/v1/cohorts", cohort("twin"));
        assertThat(twin.status()).isEqualTo(409);
        assertThat(twin.errorFields()).containsExactly("name");
    }
}
