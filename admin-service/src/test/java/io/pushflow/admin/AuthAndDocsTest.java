package io.pushflow.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.http.HttpMethod;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.pushflow.admin.support.Api;
import io.pushflow.admin.support.ApiTestBase;
import io.pushflow.core.json.Json;
import jakarta.inject.Inject;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

@MicronautTest
class AuthAndDocsTest extends ApiTestBase {

    @Inject
    EmbeddedServer server;

    @Test
    void without_credentials_every_api_call_is_401_in_the_error_shape() {
        Api.Reply reply = as(null).get("/api/v1/cohorts");
        assertThat(reply.status()).isEqualTo(401);
        assertThat(reply.headers().get("www-authenticate")).startsWith("Basic");
        assertThat(reply.json()).containsEntry("status", 401).containsKey("message");
    }

    @Test
    void a_wrong_password_is_401() {
        Api.Reply reply = new Api(client, null).get("/api/v1/cohorts");
        assertThat(reply.status()).isEqualTo(401);
        var wrong = HttpRequest.GET("/api/v1/cohorts").basicAuth("admin", "not-the-password");
        assertThat(Api.exchange(client, wrong).status()).isEqualTo(401);
    }

    @Test
    void a_viewer_reads_but_may_not_write() {
        assertThat(as("viewer").get("/api/v1/cohorts").status()).isEqualTo(200);
        Api.Reply reply = as("viewer").post("/api/v1/cohorts", cohort("viewer's cohort"));
        assertThat(reply.status()).isEqualTo(403);
        assertThat(reply.json()).containsEntry("status", 403);
        assertThat(as("viewer").post("/api/v1/campaigns/1/launch", null).status())
                .isEqualTo(403);
    }

    @Test
    void marketers_and_admins_write() {
        assertThat(as("marketer")
                        .post("/api/v1/cohorts", cohort("marketer's cohort"))
                        .status())
                .isEqualTo(201);
        assertThat(as("admin").post("/api/v1/cohorts", cohort("admin's cohort")).status())
                .isEqualTo(201);
    }

    /** A write as the marketer with the given body type and Origin (either may be null): the status. */
    private int write(HttpMethod method, String path, String body, String contentType, String origin) {
        var request = HttpRequest.create(method, path).basicAuth("marketer", "marketer-pw");
        if (body != null) {
            request.body(body);
        }
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        if (origin != null) {
            request.header("Origin", origin);
        }
        try {
            return client.toBlocking().exchange(request, String.class).code();
        } catch (HttpClientResponseException e) {
            return e.code();
        }
    }

    @Test
    void another_site_cannot_write_with_a_browsers_cached_credentials() {
        var post = HttpMethod.POST;
        String cohort = Json.write(cohort("cross-site"));
        assertThat(write(post, "/api/v1/cohorts", cohort, "text/plain", null)).isEqualTo(415);
        assertThat(write(post, "/api/v1/cohorts", "name=x", "application/x-www-form-urlencoded", null))
                .isEqualTo(415);
        assertThat(write(post, "/api/v1/cohorts", cohort, "TEXT/plain; charset=utf-8", null))
                .isEqualTo(415);
        assertThat(write(post, "/api/v1/campaigns/1/launch", null, null, null)).isEqualTo(415);
        assertThat(write(post, "/api/v1/users/import", "user_id\n1\n", "text/plain", null))
                .isEqualTo(415);
        assertThat(write(post, "/api/v1/cohorts", cohort, "application/json", "https://evil.example"))
                .isEqualTo(403);
        assertThat(write(HttpMethod.DELETE, "/api/v1/cohorts/1", null, null, "null"))
                .isEqualTo(403);

        String self = server.getURL().toString().replaceAll("/$", "");
        assertThat(write(post, "/api/v1/cohorts", cohort, "application/json; charset=utf-8", self))
                .isEqualTo(201);
        assertThat(write(HttpMethod.DELETE, "/api/v1/cohorts/999999", null, null, null))
                .isEqualTo(404);
    }

    @Test
    void a_request_from_another_site_is_refused_in_the_error_shape() {
        // Micronaut's CORS filter answered these with a bare 403 (the fuzz suite found it); the contract check in
        // Api.exchange reads the body
        for (String origin : List.of("https://evil.example", "null")) {
            var read = HttpRequest.GET("/api/v1/cohorts")
                    .basicAuth("viewer", "viewer-pw")
                    .header("Origin", origin);
            Api.Reply reply = Api.exchange(client, read);
            assertThat(reply.status()).isEqualTo(403);
            assertThat(reply.json()).containsEntry("status", 403).containsEntry("path", "/api/v1/cohorts");
            assertThat(reply.json().get("message").toString()).contains("another site");
        }
    }

    @Test
    void each_operation_takes_a_body_that_fits_it() {
        String padded = "{" + " ".repeat(70 * 1024) + "}";
        Api.Reply campaign = as("marketer").post("/api/v1/campaigns", padded);
        assertThat(campaign.status()).isEqualTo(413);
        assertThat(campaign.json().get("message").toString()).contains("at most 65536");
        assertThat(as("admin")
                        .post("/api/v1/app-keys", "{" + " ".repeat(5 * 1024) + "}")
                        .status())
                .isEqualTo(413);
        assertThat(as("marketer")
                        .post("/api/v1/pushes", "{" + " ".repeat(600 * 1024) + "}")
                        .status())
                .isEqualTo(413);
        assertThat(as("marketer")
                        .post("/api/v1/pushes", "{" + " ".repeat(70 * 1024) + "}")
                        .status())
                .isEqualTo(400);
        assertThat(as("marketer")
                        .post("/api/v1/cohorts/preview", "{" + " ".repeat(1100 * 1024) + "}")
                        .status())
                .isEqualTo(413);
    }

    @Test
    void health_details_are_for_users_only() {
        Api.Reply anonymous = as(null).get("/health");
        assertThat(anonymous.status()).isEqualTo(200);
        assertThat(anonymous.json()).containsEntry("status", "UP").doesNotContainKey("details");
        assertThat(anonymous.body()).doesNotContain("jdbc:", "diskSpace");
        Api.Reply viewer = as("viewer").get("/health");
        assertThat(viewer.status()).isEqualTo(200);
        assertThat(viewer.json()).containsKey("details");
    }

    @Test
    void health_and_api_docs_need_no_credentials() {
        assertThat(as(null).get("/health").status()).isEqualTo(200);
        Api.Reply ui = as(null).get("/api/openapi/index.html");
        assertThat(ui.status()).isEqualTo(200);
        assertThat(ui.body()).contains("/api/spec/pushflow.yml");
        var resources = Pattern.compile("contextPath \\+ \"(/[^\"]+)\"")
                .matcher(ui.body())
                .results()
                .map(m -> m.group(1))
                .toList();
        assertThat(resources).contains("/swagger-ui/res/swagger-ui-bundle.js", "/swagger-ui/res/swagger-ui.css");
        for (String resource : resources) {
            assertThat(as(null).get(resource).status()).as(resource).isEqualTo(200);
        }
        Api.Reply spec = as(null).get("/api/spec/pushflow.yml");
        assertThat(spec.status()).isEqualTo(200);
        assertThat(spec.body()).contains("/api/v1/campaigns/{id}/launch", "/api/v1/cohort-fields", "ApiError", "basic");
    }

    @Test
    void prometheus_scrapes_metrics_without_credentials() {
        as("viewer").get("/api/v1/cohorts"); // one request to count
        var metrics = client.toBlocking()
                .exchange(
                        HttpRequest.GET("/metrics").accept("text/plain;version=0.0.4;q=1,*/*;q=0.1"),
                        String.class); // what Prometheus sends
        assertThat(metrics.status().getCode()).isEqualTo(200);
        assertThat(metrics.getContentType().orElseThrow().toString()).startsWith("text/plain");
        assertThat(metrics.body())
                .contains(
                        "# TYPE http_server_requests_seconds summary",
                        "uri=\"/api/v1/cohorts\"",
                        "jvm_memory_used_bytes",
                        "hikaricp_connections");
    }
}
