package io.pushflow.provider.fcm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.pushflow.core.json.Json;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The FCM fake refuses what Google refuses: checked with hand-made requests, not through our client. */
class FcmFakeTest {

    private static final String PROJECT = "windy-push-test";
    private static final String TOKEN = "dGVzdC10b2tlbi0:APA91b0000000000000000000000000000000000000001";
    private static FcmFake fake;
    private static HttpClient http;
    private static PrivateKey accountKey;
    private static String clientEmail;

    @BeforeAll
    static void start() throws Exception {
        fake = new FcmFake(PROJECT);
        fake.register(TOKEN);
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        trust.setCertificateEntry(
                "fake", fake.settings().trustedServerCertificates().get(0));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, tmf.getTrustManagers(), null);
        http = HttpClient.newBuilder()
                .sslContext(ssl)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
        JsonNode account = Json.read(fake.serviceAccountJson(), JsonNode.class);
        clientEmail = account.path("client_email").asText();
        String pem = account.path("private_key")
                .asText()
                .replaceAll("-----[A-Z ]+-----", "")
                .replaceAll("\\s", "");
        accountKey = KeyFactory.getInstance("RSA")
                .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(pem)));
    }

    @AfterAll
    static void stop() {
        fake.close();
    }

    private static String jwt(PrivateKey key, Map<String, Object> claims) throws Exception {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String head = b64.encodeToString(
                Json.write(Map.of("alg", "RS256", "typ", "JWT")).getBytes(StandardCharsets.UTF_8));
        String body = b64.encodeToString(Json.write(claims).getBytes(StandardCharsets.UTF_8));
        Signature rsa = Signature.getInstance("SHA256withRSA");
        rsa.initSign(key);
        rsa.update((head + "." + body).getBytes(StandardCharsets.US_ASCII));
        return head + "." + body + "." + b64.encodeToString(rsa.sign());
    }

    private static Map<String, Object> claims() {
        long now = Instant.now().getEpochSecond();
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("iss", clientEmail);
        c.put("scope", "https://www.googleapis.com/auth/firebase.messaging");
        c.put("aud", "https://oauth2.googleapis.com/token");
        c.put("iat", now);
        c.put("exp", now + 3_600);
        return c;
    }

    private static HttpResponse<String> grant(String grantType, String assertion) throws Exception {
        String form = "grant_type=" + URLEncoder.encode(grantType, StandardCharsets.UTF_8) + "&assertion=" + assertion;
        return http.send(
                HttpRequest.newBuilder(fake.tokenUri())
                        .timeout(Duration.ofSeconds(10))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString(form))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String accessToken() throws Exception {
        HttpResponse<String> r = grant("urn:ietf:params:oauth:grant-type:jwt-bearer", jwt(accountKey, claims()));
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode json = Json.read(r.body(), JsonNode.class);
        assertThat(json.path("expires_in").asLong()).isEqualTo(3_600);
        assertThat(json.path("token_type").asText()).isEqualTo("Bearer");
        return json.path("access_token").asText();
    }

    @Test
    void the_token_endpoint_takes_only_a_well_signed_short_lived_assertion_for_messaging() throws Exception {
        assertThat(accessToken()).startsWith("ya29.");
        PrivateKey stranger =
                KeyPairGenerator.getInstance("RSA").generateKeyPair().getPrivate();
        Map<String, Map<String, Object>> bad = new LinkedHashMap<>();
        Map<String, Object> c;
        bad.put("Invalid JWT Signature.", null);
        c = claims();
        c.put("aud", fake.tokenUri().toString());
        bad.put("audience", c);
        c = claims();
        c.put("iss", "someone@else.iam.gserviceaccount.com");
        bad.put("issuer", c);
        c = claims();
        c.put("scope", "https://www.googleapis.com/auth/devstorage.read_only");
        bad.put("scope", c);
        c = claims();
        c.put("exp", (long) c.get("iat") + 7_200);
        bad.put("short-lived", c);
        c = claims();
        c.put("iat", (long) c.get("iat") - 7_200);
        c.put("exp", (long) c.get("iat") + 3_600);
        bad.put("timeframe", c);
        for (var e : bad.entrySet()) {
            String assertion = e.getValue() == null ? jwt(stranger, claims()) : jwt(accountKey, e.getValue());
            HttpResponse<String> r = grant("urn:ietf:params:oauth:grant-type:jwt-bearer", assertion);
            assertThat(r.statusCode()).as(e.getKey()).isEqualTo(400);
            assertThat(Json.read(r.body(), JsonNode.class).path("error").asText())
                    .as(e.getKey())
                    .isEqualTo("invalid_grant");
            assertThat(r.body())
                    .as(e.getKey())
                    .containsIgnoringCase(e.getKey().equals("timeframe") ? "iat" : e.getKey());
        }
        HttpResponse<String> wrongGrant = grant("client_credentials", jwt(accountKey, claims()));
        assertThat(Json.read(wrongGrant.body(), JsonNode.class).path("error").asText())
                .isEqualTo("unsupported_grant_type");
    }

    private static HttpResponse<String> send(String project, String bearer, Object body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(
                        URI.create(fake.endpoint() + "/v1/projects/" + project + "/messages:send"))
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body instanceof String s ? s : Json.write(body)));
        if (bearer != null) {
            b.header("Authorization", "Bearer " + bearer);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static Map<String, Object> message(Map<String, Object> extra) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("token", TOKEN);
        m.put("notification", Map.of("title", "Wind", "body", "25 knots"));
        m.putAll(extra);
        return Map.of("message", m);
    }

    /** The error's RPC status, its FcmError code (or null) and its BadRequest field (or null). */
    private static List<String> error(HttpResponse<String> r) {
        JsonNode e = Json.read(r.body(), JsonNode.class).path("error");
        String fcm = null;
        String field = null;
        for (JsonNode d : e.path("details")) {
            if (d.path("@type").asText().endsWith("FcmError")) {
                fcm = d.path("errorCode").asText();
            }
            if (d.path("@type").asText().endsWith("google.rpc.BadRequest")) {
                field = d.path("fieldViolations").path(0).path("field").asText();
            }
        }
        return Arrays.asList(r.statusCode() + " " + e.path("status").asText(), fcm, field);
    }

    @Test
    void messages_send_refuses_what_fcm_refuses_in_its_error_model() throws Exception {
        String bearer = accessToken();
        HttpResponse<String> ok = send(
                PROJECT,
                bearer,
                message(Map.of(
                        "data",
                        Map.of("pushflow_campaign", "42"),
                        "android",
                        Map.of(
                                "priority",
                                "HIGH",
                                "ttl",
                                "3600s",
                                "collapse_key",
                                "wind",
                                "notification",
                                Map.of("channel_id", "marketing")))));
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(Json.read(ok.body(), JsonNode.class).path("name").asText())
                .startsWith("projects/" + PROJECT + "/messages/");
        assertThat(fake.received()).containsEntry(TOKEN, 1);

        assertThat(send(PROJECT, bearer, Map.of("message", Map.of("token", TOKEN), "validate_only", true))
                        .statusCode())
                .isEqualTo(200);
        assertThat(fake.received()).containsEntry(TOKEN, 1); // a dry run reaches no one

        assertThat(error(send(PROJECT, null, message(Map.of())))).containsExactly("401 UNAUTHENTICATED", null, null);
        assertThat(error(send(PROJECT, "ya29.made-up", message(Map.of()))))
                .containsExactly("401 UNAUTHENTICATED", null, null);
        assertThat(error(send("another-project", bearer, message(Map.of()))))
                .containsExactly("403 PERMISSION_DENIED", null, null);
        assertThat(error(send(PROJECT, bearer, message(Map.of("data", Map.of("campaign", 42))))))
                .containsExactly("400 INVALID_ARGUMENT", null, "message.data[0].value");
        assertThat(error(send(PROJECT, bearer, message(Map.of("data", Map.of("google.sent_time", "1"))))))
                .containsExactly("400 INVALID_ARGUMENT", null, "message.data");
        assertThat(error(send(PROJECT, bearer, message(Map.of("topic", "wind")))))
                .containsExactly("400 INVALID_ARGUMENT", null, "message");
        assertThat(error(send(PROJECT, bearer, message(Map.of("priority", "high")))))
                .containsExactly("400 INVALID_ARGUMENT", null, "message.priority");
        assertThat(error(send(PROJECT, bearer, message(Map.of("android", Map.of("ttl", "6h"))))))
                .containsExactly("400 INVALID_ARGUMENT", null, "message.android.ttl");
        assertThat(error(send(PROJECT, bearer, message(Map.of("android", Map.of("priority", "urgent"))))))
                .containsExactly("400 INVALID_ARGUMENT", null, "message.android.priority");
        assertThat(error(send(
                        PROJECT, bearer, message(Map.of("android", Map.of("notification", Map.of("channel", "x")))))))
                .containsExactly("400 INVALID_ARGUMENT", null, "message.android.notification.channel");
        assertThat(error(send(PROJECT, bearer, message(Map.of("data", Map.of("blob", "x".repeat(4_100)))))))
                .containsExactly("400 INVALID_ARGUMENT", null, "message");
        assertThat(error(send(PROJECT, bearer, "{\"message\":")).get(0)).isEqualTo("400 INVALID_ARGUMENT");

        assertThat(error(send(PROJECT, bearer, Map.of("message", Map.of("token", "not-a-registered-token-at-all")))))
                .containsExactly("400 INVALID_ARGUMENT", "INVALID_ARGUMENT", null);
        fake.unregister("gone-token-000000000000000");
        assertThat(error(send(PROJECT, bearer, Map.of("message", Map.of("token", "gone-token-000000000000000")))))
                .containsExactly("404 NOT_FOUND", "UNREGISTERED", null);
        assertThat(fake.received()).containsOnlyKeys(TOKEN);
    }
}
