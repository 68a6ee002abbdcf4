package io.pushflow.admin;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.pushflow.admin.support.Api;
import io.pushflow.admin.support.ApiTestBase;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

@MicronautTest
class AuthAndDocsTest extends ApiTestBase {

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
        var wrong = io.micronaut.http.HttpRequest.GET("/api/v1/cohorts").basicAuth("admin", "not-the-password");
        assertThat(Api.exchange(client, wrong).status()).isEqualTo(401);
    }

    @Test
    void a_viewer_reads_but_may_not_write() {
        assertThat(as("viewer").get("/api/v1/cohorts").status()).isEqualTo(200);
        Api.Reply reply = as("viewer").post("/api/v1/cohorts", cohort("viewer's cohort"));
        assertThat(reply.status()).isEqualTo(403);
        assertThat(reply.json()).containsEntry("status", 403);
        assertThat(as("viewer").post("/api/v1/campaigns/1/launch", null).status()).isEqualTo(403);
    }

    @Test
    void marketers_and_admins_write() {
        assertThat(as("marketer").post("/api/v1/cohorts", cohort("marketer's cohort")).status()).isEqualTo(201);
        assertThat(as("admin").post("/api/v1/cohorts", cohort("admin's cohort")).status()).isEqualTo(201);
    }

    @Test
    void health_and_api_docs_need_no_credentials() {
        assertThat(as(null).get("/health").status()).isEqualTo(200);
        Api.Reply ui = as(null).get("/api/openapi/index.html");
        assertThat(ui.status()).isEqualTo(200);
        assertThat(ui.body()).contains("/api/spec/pushflow.yml");
        var resources = java.util.regex.Pattern.compile("contextPath \\+ \"(/[^\"]+)\"").matcher(ui.body()).results()
                .map(m -> m.group(1)).toList();
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
        var metrics = client.toBlocking().exchange(io.micronaut.http.HttpRequest.GET("/metrics")
                .accept("text/plain;version=0.0.4;q=1,*/*;q=0.1"), String.class); // what Prometheus sends
        assertThat(metrics.status().getCode()).isEqualTo(200);
        assertThat(metrics.getContentType().orElseThrow().toString()).startsWith("text/plain");
        assertThat(metrics.body()).contains("# TYPE http_server_requests_seconds summary", "uri=\"/api/v1/cohorts\"", "jvm_memory_used_bytes",
                "hikaricp_connections");
    }
}
