package io.pushflow.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.pushflow.admin.support.Api;
import io.pushflow.admin.support.ApiTestBase;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

@MicronautTest
class PushApiTest extends ApiTestBase {

    private Api marketer() {
        return as("marketer");
    }

    @Test
    void a_push_keeps_its_texts_per_locale_links_and_data() {
        Api.Reply created = marketer().post("/api/v1/pushes", push("wind alert"));
        assertThat(created.status()).isEqualTo(201);
        Map<String, Object> body =
                marketer().get("/api/v1/pushes/" + created.id()).json();
        assertThat(body)
                .containsEntry("defaultLocale", "en")
                .containsEntry("deepLink", "windy://spot/123")
                .containsEntry("imageUrl", "https://cdn.example.com/wind.png")
                .containsEntry("data", Map.of("spot", 123));
        assertThat(body.get("texts"))
                .isEqualTo(Map.of(
                        "en", Map.of("title", "Wind is on", "body", "25 knots at your spot tomorrow"),
                        "pt", Map.of("title", "Há vento", "body", "25 nós no teu spot amanhã")));

        Map<String, Object> changed = new HashMap<>(push("wind alert, v2"));
        changed.put("texts", Map.of("en", Map.of("title", "Strong wind", "body", "30 knots")));
        Api.Reply updated = marketer().put("/api/v1/pushes/" + created.id(), changed);
        assertThat(updated.status()).isEqualTo(200);
        assertThat(updated.json().get("texts"))
                .isEqualTo(Map.of("en", Map.of("title", "Strong wind", "body", "30 knots")));

        assertThat(marketer().delete("/api/v1/pushes/" + created.id()).status()).isEqualTo(204);
        assertThat(marketer().get("/api/v1/pushes/" + created.id()).status()).isEqualTo(404);
    }

    @Test
    void limits_a_provider_enforces_are_checked_with_the_field_at_fault() {
        Map<String, Object> bad = new HashMap<>(push("too much"));
        bad.put("defaultLocale", "de");
        bad.put(
                "texts",
                Map.of(
                        "en", Map.of("title", "t".repeat(101), "body", "ok"),
                        "xx", Map.of("title", "ok", "body", " ")));
        bad.put("imageUrl", "http://insecure.example.com/a.png");
        bad.put("deepLink", "no scheme here");
        bad.put("data", Map.of("blob", "x".repeat(2000), "pushflow_campaign", 1));
        Api.Reply reply = marketer().post("/api/v1/pushes", bad);
        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.errorFields())
                .containsExactlyInAnyOrder(
                        "texts.en.title",
                        "texts.xx",
                        "texts.xx.body",
                        "defaultLocale",
                        "deepLink",
                        "imageUrl",
                        "data",
                        "data.pushflow_campaign");
        assertThat(reply.body()).contains("is 101 characters; at most 100");
    }

    @Test
    void a_deep_link_is_an_app_link_or_an_http_url_never_a_scheme_that_runs_code_or_reads_files() {
        for (String link : List.of(
                "javascript:alert(document.cookie)",
                "JavaScript://%0aalert(1)",
                "file:///etc/passwd",
                "data:text/html,<script>x</script>",
                "intent://scan/#Intent;scheme=zxing;end",
                "vbscript:msgbox",
                "https:no-host",
                "windy:")) {
            Map<String, Object> bad = new HashMap<>(push("link " + link.hashCode()));
            bad.put("deepLink", link);
            Api.Reply reply = marketer().post("/api/v1/pushes", bad);
            assertThat(reply.status()).as(link).isEqualTo(400);
            assertThat(reply.errorFields()).as(link).containsExactly("deepLink");
        }
        for (String link :
                List.of("windy://spot/123", "https://www.windy.com/spot/1", "http://example.com/x", "fb123:open")) {
            Map<String, Object> good = new HashMap<>(push("link " + link.hashCode()));
            good.put("deepLink", link);
            assertThat(marketer().post("/api/v1/pushes", good).status())
                    .as(link)
                    .isEqualTo(201);
        }
    }

    @Test
    void a_push_needs_at_least_one_text() {
        Map<String, Object> empty = new HashMap<>(push("empty"));
        empty.put("texts", Map.of());
        Api.Reply reply = marketer().post("/api/v1/pushes", empty);
        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.errorFields()).contains("texts");
    }

    @Test
    void a_push_used_by_a_campaign_cannot_be_deleted() {
        long cohort =
                marketer().post("/api/v1/cohorts", cohort("push-delete cohort")).id();
        long a = marketer().post("/api/v1/pushes", push("in use A")).id();
        long b = marketer().post("/api/v1/pushes", push("in use B")).id();
        Api.Reply campaign = marketer()
                .post(
                        "/api/v1/campaigns",
                        Map.of(
                                "name",
                                "uses pushes",
                                "app",
                                "windy-ios",
                                "cohortId",
                                cohort,
                                "variants",
                                List.of(Map.of("pushId", a), Map.of("pushId", b)),
                                "split",
                                Map.of("type", "BANDIT"),
                                "duration",
                                "PT1H"));
        assertThat(campaign.status()).isEqualTo(201);
        Api.Reply refused = marketer().delete("/api/v1/pushes/" + a);
        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.json().get("message").toString()).contains("campaigns [" + campaign.id() + "]");
        Api.Reply cohortRefused = marketer().delete("/api/v1/cohorts/" + cohort);
        assertThat(cohortRefused.status()).isEqualTo(409);
        assertThat(cohortRefused.json().get("message").toString()).contains("uses pushes");
    }
}
