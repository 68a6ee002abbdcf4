package io.pushflow.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import io.micronaut.http.HttpRequest;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.pushflow.admin.support.Api;
import io.pushflow.admin.support.ApiTestBase;
import io.pushflow.admin.support.AppClient;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** App keys through the real HTTP API and MariaDB: made, listed and revoked by admins, checked from a cache. */
@MicronautTest
class AppKeysTest extends ApiTestBase {

    private static final String BOOTSTRAP_KEY = "bootstrap-key-0123456789";
    private static final Duration REFRESH = Duration.ofSeconds(5);

    @Override
    public Map<String, String> getProperties() {
        Map<String, String> p = new HashMap<>(super.getProperties());
        p.put("pushflow.app-keys.bootstrap", "collector:" + BOOTSTRAP_KEY);
        return p;
    }

    /** An empty batch: 200 with a valid key, 401 without one; it reaches no campaign and publishes nothing. */
    private int probe(String key) {
        return new AppClient(client, key).events("[]").status();
    }

    @Test
    @SuppressWarnings("unchecked")
    void admins_make_list_and_revoke_keys_and_the_secret_is_shown_once() throws Exception {
        assertThat(as("marketer")
                        .post("/api/v1/app-keys", Map.of("name", "by-marketer"))
                        .status())
                .isEqualTo(403);
        assertThat(as("viewer").get("/api/v1/app-keys").status()).isEqualTo(403);
        assertThat(as(null).get("/api/v1/app-keys").status()).isEqualTo(401);

        Api.Reply created = as("admin").post("/api/v1/app-keys", Map.of("name", "ios-collector"));
        assertThat(created.status()).isEqualTo(201);
        String key = (String) created.json().get("key");
        long id = created.id();
        assertThat(key).startsWith("pfk_").hasSize(47);
        assertThat(created.json())
                .containsEntry("name", "ios-collector")
                .containsEntry("prefix", key.substring(0, 12))
                .containsEntry("createdBy", "admin");
        assertThat(probe(key)).isEqualTo(200);

        Api.Reply listed = as("admin").get("/api/v1/app-keys");
        assertThat(listed.status()).isEqualTo(200);
        assertThat(listed.body()).doesNotContain(key.substring(12));
        Map<String, Object> row = listed.list().stream()
                .filter(k -> "ios-collector".equals(k.get("name")))
                .findFirst()
                .orElseThrow();
        assertThat(row)
                .containsEntry("id", (int) id)
                .containsEntry("prefix", key.substring(0, 12))
                .containsEntry("source", "api")
                .doesNotContainKey("key");
        assertThat(row.get("lastUsedAt")).isNotNull();
        assertThat(listed.list())
                .anySatisfy(k -> assertThat(k)
                        .containsEntry("name", "collector")
                        .containsEntry("source", "environment")
                        .containsEntry("id", null));

        assertThat(as("admin")
                        .post("/api/v1/app-keys", Map.of("name", "ios-collector"))
                        .status())
                .isEqualTo(409);
        assertThat(as("admin")
                        .post("/api/v1/app-keys", Map.of("name", "collector"))
                        .status())
                .isEqualTo(409);
        assertThat(as("admin")
                        .post("/api/v1/app-keys", Map.of("name", "has spaces"))
                        .errorFields())
                .containsExactly("name");
        assertThat(as("admin").post("/api/v1/app-keys", Map.of()).errorFields()).containsExactly("name");

        assertThat(as("marketer").delete("/api/v1/app-keys/" + id).status()).isEqualTo(403);
        assertThat(as("admin").delete("/api/v1/app-keys/" + id).status()).isEqualTo(204);
        assertThat(probe(key)).isEqualTo(401);
        assertThat(as("admin").delete("/api/v1/app-keys/" + id).status()).isEqualTo(404);
        assertThat(as("admin").get("/api/v1/app-keys").list())
                .noneSatisfy(k -> assertThat(k.get("name")).isEqualTo("ios-collector"));

        assertThat(audit(id, key)).containsExactly("created by admin", "revoked by admin");
    }

    /** The audit log's entries of one key, each checked to name it and never to hold the secret. */
    private List<String> audit(long id, String key) throws Exception {
        List<String> actions = new ArrayList<>();
        try (Connection c = env.jdbc();
                PreparedStatement s = c.prepareStatement(
                        "SELECT action, actor, details FROM audit_log WHERE entity_type = 'app_key' AND entity_id = ? ORDER BY id")) {
            s.setQueryTimeout(10);
            s.setLong(1, id);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    actions.add(r.getString(1) + " by " + r.getString(2));
                    assertThat(r.getString(3)).contains("ios-collector").doesNotContain(key.substring(12));
                }
            }
        }
        return actions;
    }

    @Test
    void a_key_whose_row_is_deleted_stops_working_within_the_refresh_and_its_last_use_is_written() throws Exception {
        Api.Reply created = as("admin").post("/api/v1/app-keys", Map.of("name", "deleted-under-the-service"));
        String key = (String) created.json().get("key");
        long id = created.id();
        assertThat(probe(key)).isEqualTo(200);
        await("last_used_at written within the refresh")
                .atMost(REFRESH.multipliedBy(3))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> lastUsedInTable(id));

        try (Connection c = env.jdbc();
                PreparedStatement s = c.prepareStatement("DELETE FROM app_keys WHERE id = ?")) {
            s.setQueryTimeout(10);
            s.setLong(1, id);
            assertThat(s.executeUpdate()).isEqualTo(1);
        }
        await("the deleted key refused within the refresh")
                .atMost(REFRESH.multipliedBy(3))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> probe(key), equalTo(401));
    }

    private boolean lastUsedInTable(long id) {
        try (Connection c = env.jdbc();
                PreparedStatement s = c.prepareStatement("SELECT last_used_at FROM app_keys WHERE id = ?")) {
            s.setQueryTimeout(10);
            s.setLong(1, id);
            try (ResultSet r = s.executeQuery()) {
                return r.next() && r.getTimestamp(1) != null;
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void a_bootstrap_key_from_the_environment_works_and_wrong_or_missing_keys_do_not() {
        assertThat(probe(BOOTSTRAP_KEY)).isEqualTo(200);
        assertThat(probe(BOOTSTRAP_KEY + "x")).isEqualTo(401);
        assertThat(probe("")).isEqualTo(401);
        assertThat(probe("k".repeat(5000))).isEqualTo(401);
        assertThat(probe(null)).isEqualTo(401);
    }

    @Test
    void the_openapi_document_has_the_event_and_key_endpoints() {
        Api.Reply spec = as(null).get("/api/spec/pushflow.yml");
        assertThat(spec.status()).isEqualTo(200);
        assertThat(spec.body())
                .contains(
                        "/api/v1/events:",
                        "/api/v1/app-keys:",
                        "/api/v1/app-keys/{id}:",
                        "/api/v1/webhooks/onesignal:",
                        "application/x-ndjson",
                        "AppEvent",
                        "EventsReport",
                        "EventRejection",
                        "CreatedAppKey",
                        "OneSignalWebhook",
                        "WebhookReport",
                        "X-Pushflow-App-Key",
                        "appKeyQuery");
    }

    @Test
    void the_webhook_takes_the_key_in_the_url_and_events_do_not() {
        var inUrl =
                HttpRequest.POST("/api/v1/events?key=" + BOOTSTRAP_KEY, "[]").contentType("application/json");
        assertThat(AppClient.send(client, inUrl).status()).isEqualTo(401);
    }
}
