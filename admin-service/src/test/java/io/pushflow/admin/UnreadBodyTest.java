package io.pushflow.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.pushflow.admin.support.Api;
import io.pushflow.admin.support.ApiTestBase;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * An operation that streams its body and refuses the request before reading it (a bad parameter, the wrong content
 * type) leaves the connection usable: the next request on the same keep-alive connection gets its answer. Found by the
 * REST fuzz: a 1.1 MB import refused for its ?format left the body unread and the connection's next request hung.
 */
@MicronautTest
class UnreadBodyTest extends ApiTestBase {

    private static final Duration ANSWER_WITHIN = Duration.ofSeconds(10);

    @Inject
    EmbeddedServer server;

    /** One client, so its one idle connection carries the next request. */
    private final HttpClient http =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @Test
    void an_import_refused_for_its_format_before_reading_its_body_leaves_the_connection_usable() throws Exception {
        HttpResponse<String> refused = send(post("/api/v1/users/import?format=xml", "text/csv", new byte[1_100_000])
                .header("Authorization", basic("admin"))
                .build());
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(400);
        assertNextRequestAnswered();
    }

    @Test
    void a_webhook_refused_for_its_content_type_before_reading_its_body_leaves_the_connection_usable()
            throws Exception {
        Api.Reply key = as("admin").post("/api/v1/app-keys", Map.of("name", "unread-body"));
        String appKey = (String) key.json().get("key");
        HttpResponse<String> refused =
                send(post("/api/v1/webhooks/onesignal?key=" + appKey, "text/plain", new byte[200_000])
                        .build());
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(415);
        assertNextRequestAnswered();
    }

    private void assertNextRequestAnswered() throws Exception {
        for (int i = 0; i < 3; i++) {
            HttpResponse<String> next = send(HttpRequest.newBuilder(uri("/api/v1/me"))
                    .timeout(ANSWER_WITHIN)
                    .header("Authorization", basic("viewer"))
                    .GET()
                    .build());
            assertThat(next.statusCode()).as(next.body()).isEqualTo(200);
        }
    }

    private HttpRequest.Builder post(String path, String contentType, byte[] body) {
        return HttpRequest.newBuilder(uri(path))
                .timeout(ANSWER_WITHIN)
                .header("Content-Type", contentType)
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    }

    private HttpResponse<String> send(HttpRequest request) throws Exception {
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(String path) {
        return URI.create(server.getURI() + path);
    }

    private static String basic(String user) {
        return "Basic "
                + Base64.getEncoder().encodeToString((user + ":" + user + "-pw").getBytes(StandardCharsets.UTF_8));
    }
}
