package io.pushflow.provider.fcm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pushflow.core.json.Json;
import io.pushflow.provider.device.Device;
import io.pushflow.provider.device.DeviceOutcome;
import io.pushflow.provider.device.DeviceOutcome.Status;
import io.pushflow.provider.device.DevicePush;
import io.pushflow.provider.device.DeviceReport;
import io.pushflow.provider.device.RetryPolicy;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class FcmSenderTest {

    private static final String PROJECT = "windy-push-test";
    private FcmFake fake;
    private final List<Duration> slept = Collections.synchronizedList(new ArrayList<>());

    @BeforeEach
    void start() throws Exception {
        fake = new FcmFake(PROJECT);
    }

    @AfterEach
    void stop() {
        fake.close();
    }

    static String token(int i) {
        return "dGVzdC10b2tlbi0:APA91b" + String.format("%040d", i);
    }

    static DevicePush push(String imageUrl, DevicePush.Urgency urgency) {
        return new DevicePush(
                Map.of("en", "Wind is on", "pt", "Há vento", "pt-BR", "Tem vento"),
                Map.of(
                        "en",
                        "25 knots tomorrow",
                        "pt",
                        "25 nós amanhã",
                        "pt-BR",
                        "25 nós amanhã, bora",
                        "de",
                        "25 Knoten morgen"),
                Map.of(
                        "pushflow_campaign",
                        42L,
                        "pushflow_variant",
                        "B",
                        "pushflow_push",
                        7L,
                        "pro",
                        true,
                        "spots",
                        List.of("tarifa", "leucate")),
                "windy://spot/1",
                imageUrl,
                "wind-42",
                Duration.ofHours(6),
                urgency,
                "marketing");
    }

    /** A clock a test moves by hand. */
    static final class TestClock extends Clock {
        volatile Instant now = Instant.now();

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    private FcmSender sender(FcmSettings settings) throws Exception {
        return new FcmSender(settings, slept::add, Clock.systemUTC());
    }

    @Test
    void each_device_gets_one_message_in_its_language_with_the_android_options() throws Exception {
        List<String> languages = List.of("en", "pt", "pt-BR", "pt-PT", "de", "ru");
        List<Device> devices = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            fake.register(token(i));
            devices.add(new Device(token(i), languages.get(i % languages.size())));
        }
        devices.add(new Device(token(5), "ru"));
        DeviceReport report;
        try (FcmSender sender = sender(fake.settings())) {
            report = sender.send(push("https://cdn.windy.com/w.png", DevicePush.Urgency.HIGH), devices);
        }
        assertThat(report.outcomes()).hasSize(60);
        assertThat(report.accepted())
                .containsExactlyElementsOf(
                        devices.subList(0, 60).stream().map(Device::token).toList());
        assertThat(fake.received())
                .hasSize(60)
                .allSatisfy((t, n) -> assertThat(n).isEqualTo(1));
        assertThat(fake.sendProtocols()).containsOnlyKeys("HTTP/2");
        Map<String, JsonNode> byToken = new HashMap<>();
        fake.accepted().forEach(a -> byToken.put(a.token(), a.message()));
        Map<String, String[]> expected = Map.of(
                "en", new String[] {"Wind is on", "25 knots tomorrow"},
                "pt", new String[] {"Há vento", "25 nós amanhã"},
                "pt-BR", new String[] {"Tem vento", "25 nós amanhã, bora"},
                "pt-PT", new String[] {"Há vento", "25 nós amanhã"},
                "de", new String[] {"Wind is on", "25 Knoten morgen"},
                "ru", new String[] {"Wind is on", "25 knots tomorrow"});
        for (int i = 0; i < 60; i++) {
            JsonNode m = byToken.get(token(i));
            String[] text = expected.get(languages.get(i % languages.size()));
            assertThat(m.path("notification").path("title").asText()).isEqualTo(text[0]);
            assertThat(m.path("notification").path("body").asText()).isEqualTo(text[1]);
            assertThat(m.path("notification").path("image").asText()).isEqualTo("https://cdn.windy.com/w.png");
            JsonNode data = m.path("data");
            assertThat(data.path("pushflow_campaign").textValue()).isEqualTo("42");
            assertThat(data.path("pushflow_variant").textValue()).isEqualTo("B");
            assertThat(data.path("pushflow_push").textValue()).isEqualTo("7");
            assertThat(data.path("pro").textValue()).isEqualTo("true");
            assertThat(Json.MAPPER.readTree(data.path("spots").textValue()))
                    .isEqualTo(Json.MAPPER.valueToTree(List.of("tarifa", "leucate")));
            assertThat(data.path(DevicePush.DEEP_LINK_KEY).textValue()).isEqualTo("windy://spot/1");
            assertThat(data.path(DevicePush.IMAGE_KEY).textValue()).isEqualTo("https://cdn.windy.com/w.png");
            JsonNode android = m.path("android");
            assertThat(android.path("priority").asText()).isEqualTo("HIGH");
            assertThat(android.path("ttl").asText()).isEqualTo("21600s");
            assertThat(android.path("collapse_key").asText()).isEqualTo("wind-42");
            assertThat(android.path("notification").path("channel_id").asText()).isEqualTo("marketing");
        }
    }

    @Test
    void streams_beyond_what_the_server_allows_wait_in_the_client() throws Exception {
        fake.acceptAnyWellFormedToken(true);
        fake.keepBodies(false);
        List<Device> devices = IntStream.range(0, 3 * FcmFake.MAX_CONCURRENT_STREAMS * 2)
                .mapToObj(i -> new Device(token(i), "en"))
                .toList();
        DeviceReport report;
        try (FcmSender sender = sender(fake.settings().withConcurrency(1, 3 * FcmFake.MAX_CONCURRENT_STREAMS))) {
            report = sender.send(push(null, null), devices);
        }
        assertThat(report.outcomes())
                .allSatisfy(o -> assertThat(o)
                        .extracting(DeviceOutcome::status, DeviceOutcome::attempts)
                        .containsExactly(Status.SENT, 1));
        assertThat(fake.received())
                .hasSize(devices.size())
                .allSatisfy((t, n) -> assertThat(n).isEqualTo(1));
        assertThat(fake.connectionsOpened()).isEqualTo(2); // the token endpoint's and one HTTP/2 connection
        assertThat(fake.refusals()).isEmpty();
    }

    @Test
    void a_normal_message_without_an_image_says_so() throws Exception {
        fake.register(token(1));
        DevicePush plain = new DevicePush(
                Map.of(), Map.of("en", "Calm"), Map.of(), null, null, null, null, DevicePush.Urgency.NORMAL, null);
        try (FcmSender sender = sender(fake.settings())) {
            assertThat(sender.send(plain, List.of(new Device(token(1), "fr"))).accepted())
                    .containsExactly(token(1));
        }
        JsonNode m = fake.accepted().get(0).message();
        assertThat(m.path("android").path("priority").asText()).isEqualTo("NORMAL");
        assertThat(m.path("android").has("ttl")).isFalse();
        assertThat(m.path("notification").has("image")).isFalse();
        assertThat(m.path("notification").has("title")).isFalse();
        assertThat(m.path("notification").path("body").asText()).isEqualTo("Calm");
    }

    @Test
    void unregistered_malformed_and_unknown_tokens_are_invalid_and_another_sender_s_fail() throws Exception {
        fake.register(token(1));
        fake.unregister(token(2));
        fake.registerForOtherSender(token(3));
        List<Device> devices = List.of(
                new Device(token(1), "en"),
                new Device(token(2), "en"),
                new Device(token(3), "en"),
                new Device(token(4), "en"),
                new Device("bad token!", "en"),
                new Device(null, "en"));
        DeviceReport report;
        try (FcmSender sender = sender(fake.settings())) {
            report = sender.send(push(null, null), devices);
        }
        Map<String, DeviceOutcome> out = report.byToken();
        assertThat(report.accepted()).containsExactly(token(1));
        assertThat(out.get(token(2)))
                .extracting(DeviceOutcome::status, DeviceOutcome::reason)
                .containsExactly(Status.TOKEN_INVALID, "UNREGISTERED");
        assertThat(out.get(token(3))).extracting(DeviceOutcome::status).isEqualTo(Status.FAILED);
        assertThat(out.get(token(3)).reason()).startsWith("SENDER_ID_MISMATCH");
        assertThat(out.get(token(4))).extracting(DeviceOutcome::status).isEqualTo(Status.TOKEN_INVALID);
        assertThat(out.get(token(4)).reason()).startsWith("INVALID_ARGUMENT").contains("registration token");
        assertThat(out.get("bad token!")).extracting(DeviceOutcome::status).isEqualTo(Status.TOKEN_INVALID);
        assertThat(out.get(""))
                .extracting(DeviceOutcome::status, DeviceOutcome::attempts)
                .containsExactly(Status.FAILED, 0);
        assertThat(report.invalid()).containsExactly(token(2), token(4), "bad token!");
        assertThat(slept).isEmpty();
        assertThat(fake.received()).containsOnlyKeys(token(1));
    }

    @Test
    void quota_and_server_errors_are_retried_honouring_retry_after_and_no_token_is_sent_twice() throws Exception {
        List<Device> devices =
                IntStream.range(0, 40).mapToObj(i -> new Device(token(i), "en")).toList();
        devices.forEach(d -> fake.register(d.token()));
        fake.retryAfterSeconds(7);
        fake.failNext(15, FcmFake.Failure.QUOTA_EXCEEDED);
        fake.failNext(10, FcmFake.Failure.UNAVAILABLE);
        fake.failNext(3, FcmFake.Failure.INTERNAL);
        DeviceReport report;
        try (FcmSender sender =
                sender(fake.settings().withRetry(new RetryPolicy(4, Duration.ofMillis(200), Duration.ofSeconds(30))))) {
            report = sender.send(push(null, null), devices);
        }
        assertThat(report.accepted()).hasSize(40);
        assertThat(fake.received())
                .hasSize(40)
                .allSatisfy((t, n) -> assertThat(n).isEqualTo(1));
        assertThat(fake.refusals())
                .containsEntry("QUOTA_EXCEEDED", 15)
                .containsEntry("UNAVAILABLE", 10)
                .containsEntry("INTERNAL", 3);
        assertThat(fake.sendCalls()).isEqualTo(68);
        assertThat(slept).isNotEmpty();
        assertThat(slept.get(0)).isEqualTo(Duration.ofSeconds(7)); // FCM's Retry-After
    }

    @Test
    void retries_run_out_and_are_reported_as_such() throws Exception {
        fake.register(token(1), token(2));
        fake.failNext(100, FcmFake.Failure.UNAVAILABLE);
        DeviceReport report;
        try (FcmSender sender =
                sender(fake.settings().withRetry(new RetryPolicy(3, Duration.ofMillis(100), Duration.ofSeconds(1))))) {
            report = sender.send(push(null, null), List.of(new Device(token(1), "en"), new Device(token(2), "en")));
        }
        assertThat(report.outcomes()).allSatisfy(o -> {
            assertThat(o.status()).isEqualTo(Status.RETRIES_EXHAUSTED);
            assertThat(o.reason()).isEqualTo("UNAVAILABLE");
            assertThat(o.attempts()).isEqualTo(3);
        });
        assertThat(slept).hasSize(2);
        assertThat(slept.get(0)).isBetween(Duration.ofMillis(50), Duration.ofMillis(100));
        assertThat(slept.get(1)).isBetween(Duration.ofMillis(100), Duration.ofMillis(200));
        assertThat(fake.sendCalls()).isEqualTo(6);
        assertThat(fake.received()).isEmpty();
    }

    @Test
    void final_refusals_fail_with_fcm_s_reason() throws Exception {
        fake.register(token(1));
        DevicePush oversized = new DevicePush(
                Map.of(), Map.of("en", "short", "pt", "x".repeat(4_100)), Map.of(), null, null, null, null, null, null);
        try (FcmSender sender = sender(fake.settings())) {
            DeviceOutcome o = sender.send(oversized, List.of(new Device(token(1), "pt")))
                    .outcomes()
                    .get(0);
            assertThat(o.status()).isEqualTo(Status.FAILED);
            assertThat(o.reason()).contains("4096");
            assertThat(o.attempts()).isZero();
        }
        assertThat(fake.sendCalls()).isZero();
        try (FcmSender wrongProject = sender(fake.settings().withProject("someone-else"))) {
            DeviceOutcome o = wrongProject
                    .send(push(null, null), List.of(new Device(token(1), "en")))
                    .outcomes()
                    .get(0);
            assertThat(o.status()).isEqualTo(Status.FAILED);
            assertThat(o.reason()).startsWith("PERMISSION_DENIED");
        }
        try (FcmFake other = new FcmFake(PROJECT);
                FcmSender wrongAccount = sender(fake.settings()
                        .withServiceAccount(withTokenUri(
                                other.serviceAccountJson(), fake.tokenUri().toString())))) {
            DeviceOutcome o = wrongAccount
                    .send(push(null, null), List.of(new Device(token(1), "en")))
                    .outcomes()
                    .get(0);
            assertThat(o.status()).isEqualTo(Status.FAILED);
            assertThat(o.reason()).contains("invalid_grant");
        }
        assertThat(fake.received()).isEmpty();
        assertThat(slept).isEmpty();
    }

    private static String withTokenUri(String serviceAccountJson, String tokenUri) {
        var node = (ObjectNode) Json.read(serviceAccountJson, JsonNode.class);
        node.put("token_uri", tokenUri);
        return node.toString();
    }

    @Test
    void a_message_without_an_answer_is_unconfirmed_and_not_sent_again() throws Exception {
        fake.register(token(1));
        fake.stall(Duration.ofMillis(800));
        try (FcmSender sender = sender(fake.settings().withTimeouts(Duration.ofSeconds(2), Duration.ofMillis(200)))) {
            DeviceOutcome o = sender.send(push(null, null), List.of(new Device(token(1), "en")))
                    .outcomes()
                    .get(0);
            assertThat(o)
                    .extracting(DeviceOutcome::status, DeviceOutcome::attempts)
                    .containsExactly(Status.UNCONFIRMED, 1);
        }
        assertThat(fake.received()).containsEntry(token(1), 1); // it did arrive: a retry would have sent it twice
        assertThat(fake.sendCalls()).isEqualTo(1);
        assertThat(slept).isEmpty();
    }

    @Test
    void a_message_that_could_not_leave_is_retried_and_reported_as_not_sent() throws Exception {
        FcmSettings closed =
                fake.settings().withRetry(new RetryPolicy(3, Duration.ofMillis(10), Duration.ofMillis(50)));
        try (FcmFake tokenOnly = new FcmFake(PROJECT)) {
            // a token endpoint that works, an FCM endpoint where nothing listens
            closed = new FcmSettings(
                    URI.create("https://127.0.0.1:" + freePort()),
                    PROJECT,
                    tokenOnly.serviceAccountJson(),
                    tokenOnly.settings().trustedServerCertificates(),
                    2,
                    10,
                    Duration.ofSeconds(2),
                    Duration.ofSeconds(2),
                    Duration.ofMinutes(5),
                    closed.retry());
            try (FcmSender sender = sender(closed)) {
                DeviceOutcome o = sender.send(push(null, null), List.of(new Device(token(1), "en")))
                        .outcomes()
                        .get(0);
                assertThat(o.status()).isEqualTo(Status.RETRIES_EXHAUSTED);
                assertThat(o.reason()).startsWith("not sent");
                assertThat(o.attempts()).isEqualTo(3);
            }
        }
        assertThat(slept).hasSize(2);
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Test
    void one_access_token_serves_until_shortly_before_it_expires() throws Exception {
        List<Device> devices =
                IntStream.range(0, 20).mapToObj(i -> new Device(token(i), "en")).toList();
        devices.forEach(d -> fake.register(d.token()));
        TestClock clock = new TestClock();
        Instant start = clock.now;
        try (FcmSender sender = new FcmSender(fake.settings(), slept::add, clock)) {
            for (int call = 0; call < 3; call++) {
                assertThat(sender.send(push(null, null), devices).accepted()).hasSize(20);
            }
            assertThat(fake.accessTokensIssued()).isEqualTo(1);
            clock.now = start.plus(Duration.ofMinutes(54)); // an hour's token, replaced five minutes before it ends
            assertThat(sender.send(push(null, null), devices).accepted()).hasSize(20);
            assertThat(fake.accessTokensIssued()).isEqualTo(1);
            clock.now = start.plus(Duration.ofMinutes(56));
            assertThat(sender.send(push(null, null), devices).accepted()).hasSize(20);
            assertThat(fake.accessTokensIssued()).isEqualTo(2);
            assertThat(sender.accessTokenRefreshes()).isEqualTo(2);
        }
    }

    @Test
    void an_access_token_fcm_refuses_is_replaced_and_the_message_sent_once() throws Exception {
        fake.register(token(1), token(2));
        try (FcmSender sender = sender(fake.settings())) {
            assertThat(sender.send(push(null, null), List.of(new Device(token(1), "en")))
                            .accepted())
                    .hasSize(1);
            fake.expireAccessTokens();
            DeviceOutcome o = sender.send(push(null, null), List.of(new Device(token(2), "en")))
                    .outcomes()
                    .get(0);
            assertThat(o)
                    .extracting(DeviceOutcome::status, DeviceOutcome::attempts)
                    .containsExactly(Status.SENT, 2);
        }
        assertThat(fake.refusals()).containsEntry("UNAUTHENTICATED", 1);
        assertThat(fake.accessTokensIssued()).isEqualTo(2);
        assertThat(fake.received()).containsEntry(token(1), 1).containsEntry(token(2), 1);
    }

    @Test
    void the_service_account_key_appears_in_no_text_and_no_log() throws Exception {
        fake.register(token(1));
        String json = fake.serviceAccountJson();
        String keyLine = Json.read(json, JsonNode.class)
                .path("private_key")
                .asText()
                .lines()
                .filter(l -> !l.startsWith("-----"))
                .findFirst()
                .orElseThrow();
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream err = System.err;
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        String texts;
        try (FcmSender sender = sender(fake.settings())) {
            sender.send(push(null, null), List.of(new Device(token(1), "en"), new Device(token(9), "en")));
            texts = sender + " " + fake.settings();
        } finally {
            System.setErr(err);
        }
        assertThat(texts)
                .contains("serviceAccount=(secret)")
                .doesNotContain(keyLine)
                .doesNotContain("PRIVATE KEY");
        assertThat(captured.toString(StandardCharsets.UTF_8))
                .doesNotContain(keyLine)
                .doesNotContain("ya29.");
        String broken = json.replace("\"type\":\"service_account\"", "\"type\":\"nonsense\"");
        assertThatThrownBy(() -> new FcmSender(fake.settings().withServiceAccount(broken)))
                .hasMessageContaining("not a service account key")
                .hasMessageNotContaining(keyLine);
        assertThatThrownBy(() -> fake.settings().withProject("Not A Project")).hasMessageContaining("projectId");
    }
}
