package io.pushflow.provider.apns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.pushflow.provider.device.Device;
import io.pushflow.provider.device.DeviceOutcome;
import io.pushflow.provider.device.DeviceOutcome.Status;
import io.pushflow.provider.device.DevicePush;
import io.pushflow.provider.device.DeviceReport;
import io.pushflow.provider.device.RetryPolicy;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ApnsSenderTest {

    private static final String TOPIC = "com.windy.app";
    private ApnsFake fake;
    private final List<Duration> slept = Collections.synchronizedList(new ArrayList<>());

    @BeforeEach
    void start() throws Exception {
        fake = new ApnsFake(TOPIC, "TEAM123456");
    }

    @AfterEach
    void stop() {
        fake.close();
    }

    static String token(int i) {
        return String.format("%064x", 0xabc000L + i);
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
                Map.of("pushflow_campaign", 42L, "pushflow_variant", "B", "pushflow_push", 7L, "spot", "tarifa"),
                "windy://spot/1",
                imageUrl,
                "wind-42",
                Duration.ofHours(6),
                urgency,
                "marketing");
    }

    private ApnsSender sender(ApnsSettings settings) throws Exception {
        return new ApnsSender(settings, slept::add);
    }

    @Test
    void each_device_gets_one_push_in_its_language_with_the_campaign_s_data() throws Exception {
        List<String> languages = List.of("en", "pt", "pt-BR", "pt-PT", "de", "ru");
        List<Device> devices = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            fake.register(token(i));
            devices.add(new Device(token(i), languages.get(i % languages.size())));
        }
        devices.add(new Device(token(3), "pt-BR")); // the same token again: sent once
        Instant before = Instant.now();
        DeviceReport report;
        try (ApnsSender sender = sender(fake.settings())) {
            report = sender.send(push("https://cdn.windy.com/w.png", DevicePush.Urgency.HIGH), devices);
        }

        assertThat(report.outcomes()).hasSize(60);
        assertThat(report.accepted())
                .hasSize(60)
                .containsExactlyElementsOf(
                        devices.subList(0, 60).stream().map(Device::token).toList());
        assertThat(fake.received())
                .hasSize(60)
                .allSatisfy((t, n) -> assertThat(n).isEqualTo(1));
        Map<String, ApnsFake.Accepted> byToken = new HashMap<>();
        fake.accepted().forEach(a -> byToken.put(a.token(), a));
        Map<String, String[]> expected = Map.of(
                "en", new String[] {"Wind is on", "25 knots tomorrow"},
                "pt", new String[] {"Há vento", "25 nós amanhã"},
                "pt-BR", new String[] {"Tem vento", "25 nós amanhã, bora"},
                "pt-PT", new String[] {"Há vento", "25 nós amanhã"},
                "de", new String[] {"Wind is on", "25 Knoten morgen"},
                "ru", new String[] {"Wind is on", "25 knots tomorrow"});
        for (int i = 0; i < 60; i++) {
            ApnsFake.Accepted a = byToken.get(token(i));
            String[] text = expected.get(languages.get(i % languages.size()));
            JsonNode aps = a.payload().path("aps");
            assertThat(aps.path("alert").path("title").asText())
                    .as("title for %s", languages.get(i % 6))
                    .isEqualTo(text[0]);
            assertThat(aps.path("alert").path("body").asText()).isEqualTo(text[1]);
            assertThat(aps.path("mutable-content").asInt()).isEqualTo(1);
            assertThat(a.payload().path(DevicePush.IMAGE_KEY).asText()).isEqualTo("https://cdn.windy.com/w.png");
            assertThat(a.payload().path(DevicePush.DEEP_LINK_KEY).asText()).isEqualTo("windy://spot/1");
            assertThat(a.payload().path("pushflow_campaign").asLong()).isEqualTo(42);
            assertThat(a.payload().path("pushflow_variant").asText()).isEqualTo("B");
            assertThat(a.payload().path("pushflow_push").asLong()).isEqualTo(7);
            assertThat(a.payload().path("spot").asText()).isEqualTo("tarifa");
            assertThat(a.headers())
                    .containsEntry("apns-topic", TOPIC)
                    .containsEntry("apns-priority", "10")
                    .containsEntry("apns-push-type", "alert")
                    .containsEntry("apns-collapse-id", "wind-42");
            long expiration = Long.parseLong(a.headers().get("apns-expiration"));
            assertThat(expiration)
                    .isBetween(
                            before.plus(Duration.ofHours(6)).getEpochSecond() - 1,
                            Instant.now().plus(Duration.ofHours(6)).getEpochSecond() + 1);
        }
    }

    @Test
    void a_normal_push_without_an_image_has_priority_5_and_no_mutable_content() throws Exception {
        fake.register(token(1));
        try (ApnsSender sender = sender(fake.settings())) {
            assertThat(sender.send(push(null, DevicePush.Urgency.NORMAL), List.of(new Device(token(1), null)))
                            .accepted())
                    .hasSize(1);
        }
        ApnsFake.Accepted a = fake.accepted().get(0);
        assertThat(a.headers()).containsEntry("apns-priority", "5");
        assertThat(a.payload().path("aps").has("mutable-content")).isFalse();
        assertThat(a.payload().has(DevicePush.IMAGE_KEY)).isFalse();
        assertThat(a.payload().path("aps").path("alert").path("body").asText()).isEqualTo("25 knots tomorrow");
    }

    @Test
    void unregistered_unknown_malformed_and_other_apps_tokens_are_reported_invalid() throws Exception {
        Instant gone = Instant.parse("2026-11-30T10:15:30Z");
        fake.register(token(1), token(2));
        fake.unregister(gone, token(2));
        fake.registerForOtherApp("com.other.app", token(3));
        List<Device> devices = List.of(
                new Device(token(1), "en"),
                new Device(token(2), "en"),
                new Device(token(3), "en"),
                new Device(token(4), "en"),
                new Device("not-a-token", "en"),
                new Device(null, "en"),
                new Device(" ", "en"));
        DeviceReport report;
        try (ApnsSender sender = sender(fake.settings())) {
            report = sender.send(push(null, DevicePush.Urgency.HIGH), devices);
        }
        Map<String, DeviceOutcome> out = report.byToken();
        assertThat(report.accepted()).containsExactly(token(1));
        assertThat(out.get(token(2)))
                .extracting(DeviceOutcome::status, DeviceOutcome::reason, DeviceOutcome::tokenInvalidSince)
                .containsExactly(Status.TOKEN_INVALID, "Unregistered", gone);
        assertThat(out.get(token(3)))
                .extracting(DeviceOutcome::status, DeviceOutcome::reason)
                .containsExactly(Status.TOKEN_INVALID, "DeviceTokenNotForTopic");
        assertThat(out.get(token(4)))
                .extracting(DeviceOutcome::status, DeviceOutcome::reason)
                .containsExactly(Status.TOKEN_INVALID, "BadDeviceToken");
        assertThat(out.get("not-a-token"))
                .extracting(DeviceOutcome::status, DeviceOutcome::reason)
                .containsExactly(Status.TOKEN_INVALID, "BadDeviceToken");
        assertThat(out.get(""))
                .extracting(DeviceOutcome::status, DeviceOutcome::attempts)
                .containsExactly(Status.FAILED, 0);
        assertThat(out.get(" ")).extracting(DeviceOutcome::status).isEqualTo(Status.FAILED);
        assertThat(report.invalid()).containsExactly(token(2), token(3), token(4), "not-a-token");
        assertThat(slept).isEmpty();
        assertThat(fake.received()).containsOnlyKeys(token(1));
    }

    @Test
    void rate_limits_and_server_errors_are_retried_and_no_token_is_sent_twice() throws Exception {
        List<Device> devices =
                IntStream.range(0, 40).mapToObj(i -> new Device(token(i), "en")).toList();
        devices.forEach(d -> fake.register(d.token()));
        fake.failNext(15, ApnsFake.Failure.TOO_MANY_REQUESTS);
        fake.failNext(10, ApnsFake.Failure.SERVICE_UNAVAILABLE);
        fake.failNext(3, ApnsFake.Failure.INTERNAL_SERVER_ERROR);
        fake.failNext(2, ApnsFake.Failure.SHUTDOWN);
        DeviceReport report;
        try (ApnsSender sender =
                sender(fake.settings().withRetry(new RetryPolicy(4, Duration.ofMillis(200), Duration.ofSeconds(5))))) {
            report = sender.send(push(null, DevicePush.Urgency.HIGH), devices);
        }
        assertThat(report.accepted()).hasSize(40);
        assertThat(report.outcomes()).anySatisfy(o -> assertThat(o.attempts()).isGreaterThan(1));
        assertThat(fake.received())
                .hasSize(40)
                .allSatisfy((t, n) -> assertThat(n).isEqualTo(1));
        assertThat(fake.refusals())
                .containsEntry("TooManyRequests", 15)
                .containsEntry("ServiceUnavailable", 10)
                .containsEntry("InternalServerError", 3)
                .containsEntry("Shutdown", 2);
        assertThat(fake.calls()).isEqualTo(70);
        assertThat(slept).isNotEmpty().hasSizeLessThanOrEqualTo(3);
        assertThat(slept.get(0)).isBetween(Duration.ofMillis(100), Duration.ofMillis(200)); // half of it random
    }

    @Test
    void retries_run_out_and_are_reported_as_such() throws Exception {
        fake.register(token(1), token(2));
        fake.failNext(1, ApnsFake.Failure.TOO_MANY_REQUESTS);
        fake.failNext(100, ApnsFake.Failure.INTERNAL_SERVER_ERROR);
        DeviceReport report;
        try (ApnsSender sender = sender(fake.settings()
                .withConcurrency(1, 1)
                .withRetry(new RetryPolicy(3, Duration.ofMillis(100), Duration.ofSeconds(1))))) {
            report = sender.send(
                    push(null, DevicePush.Urgency.HIGH),
                    List.of(new Device(token(1), "en"), new Device(token(2), "en")));
        }
        assertThat(report.outcomes()).allSatisfy(o -> {
            assertThat(o.status()).isEqualTo(Status.RETRIES_EXHAUSTED);
            assertThat(o.reason()).isEqualTo("InternalServerError");
            assertThat(o.attempts()).isEqualTo(3);
        });
        assertThat(slept).hasSize(2);
        assertThat(fake.calls()).isEqualTo(6);
        assertThat(fake.received()).isEmpty();
    }

    @Test
    void final_refusals_fail_with_apple_s_reason() throws Exception {
        fake.register(token(1));
        String big = "x".repeat(4_100);
        DevicePush oversized = new DevicePush(
                Map.of(), Map.of("en", "short", "pt", big), Map.of(), null, null, null, null, null, null);
        try (ApnsSender sender = sender(fake.settings())) {
            DeviceReport r = sender.send(oversized, List.of(new Device(token(1), "pt"), new Device(token(2), "en")));
            assertThat(r.byToken().get(token(1))).satisfies(o -> {
                assertThat(o.status()).isEqualTo(Status.FAILED);
                assertThat(o.reason()).startsWith("PayloadTooLarge").contains("4096");
                assertThat(o.attempts()).isZero();
            });
            assertThat(r.byToken().get(token(2)).reason()).isEqualTo("BadDeviceToken"); // the English one was sent
        }
        assertThat(fake.calls()).isEqualTo(1);
        try (ApnsSender wrongTopic = sender(fake.settings().withTopic("com.someone.else"))) {
            assertThat(wrongTopic
                            .send(push(null, null), List.of(new Device(token(1), "en")))
                            .outcomes()
                            .get(0))
                    .extracting(DeviceOutcome::status, DeviceOutcome::reason)
                    .containsExactly(Status.FAILED, "TopicDisallowed");
        }
        try (ApnsSender wrongKey = sender(fake.settings().withSigningKey(fake.keyId(), ApnsFake.newSigningKeyPem()))) {
            assertThat(wrongKey.send(push(null, null), List.of(new Device(token(1), "en")))
                            .outcomes()
                            .get(0))
                    .extracting(DeviceOutcome::status, DeviceOutcome::reason)
                    .containsExactly(Status.FAILED, "InvalidProviderToken");
        }
        assertThat(fake.received()).isEmpty();
        assertThat(slept).isEmpty();
    }

    @Test
    void a_push_without_an_answer_is_unconfirmed_and_not_sent_again() throws Exception {
        fake.register(token(1));
        fake.stall(Duration.ofMillis(800));
        DeviceReport report;
        try (ApnsSender sender = sender(fake.settings().withTimeouts(Duration.ofSeconds(2), Duration.ofMillis(200)))) {
            report = sender.send(push(null, null), List.of(new Device(token(1), "en")));
            assertThat(report.outcomes().get(0))
                    .extracting(DeviceOutcome::status, DeviceOutcome::attempts)
                    .containsExactly(Status.UNCONFIRMED, 1);
            await().atMost(Duration.ofSeconds(5))
                    .pollInterval(Duration.ofMillis(20)) // the stalled server handles it in the end
                    .untilAsserted(() -> assertThat(fake.received())
                            .as("pushes the server handled")
                            .isNotEmpty());
        }
        assertThat(fake.received()).containsEntry(token(1), 1);
        assertThat(fake.calls()).isEqualTo(1);
        assertThat(slept).isEmpty();
    }

    @Test
    void a_push_while_no_connection_opens_is_unconfirmed_and_not_repeated() throws Exception {
        ApnsSettings nowhere;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            ApnsSettings f = fake.settings();
            nowhere = new ApnsSettings(
                    f.host(),
                    s.getLocalPort(),
                    f.topic(),
                    f.teamId(),
                    f.keyId(),
                    f.signingKeyPem(),
                    f.trustedServerCertificates(),
                    1,
                    10,
                    Duration.ofSeconds(2),
                    Duration.ofSeconds(2),
                    f.tokenRefresh(),
                    new RetryPolicy(3, Duration.ofMillis(10), Duration.ofMillis(50)));
        } // closed: nothing listens there now
        try (ApnsSender sender = sender(nowhere)) {
            // a refused connection fails the push at once (tried again); pushy may also keep a push waiting while it
            // reconnects and send it after we gave up: that one is unconfirmed and not ours to send again
            DeviceOutcome o = sender.send(push(null, null), List.of(new Device(token(1), "en")))
                    .outcomes()
                    .get(0);
            assertThat(o.status()).isIn(Status.UNCONFIRMED, Status.RETRIES_EXHAUSTED);
            if (o.status() == Status.RETRIES_EXHAUSTED) {
                assertThat(o.reason()).startsWith("not sent");
                assertThat(o.attempts()).isEqualTo(3);
            } else {
                assertThat(o.reason()).isEqualTo("no answer within the timeout");
            }
            assertThat(slept).hasSize(o.attempts() - 1);
        }
    }

    @Test
    void one_provider_token_serves_many_pushes_on_a_connection() throws Exception {
        List<Device> devices =
                IntStream.range(0, 30).mapToObj(i -> new Device(token(i), "en")).toList();
        devices.forEach(d -> fake.register(d.token()));
        try (ApnsSender sender = sender(fake.settings().withConcurrency(1, 10))) {
            for (int call = 0; call < 3; call++) {
                assertThat(sender.send(push(null, null), devices).accepted()).hasSize(30);
            }
        }
        assertThat(fake.providerTokens()).hasSize(1);
        assertThat(ApnsSettings.DEFAULT_TOKEN_REFRESH)
                .isGreaterThanOrEqualTo(Duration.ofMinutes(20))
                .isLessThan(Duration.ofHours(1));
        assertThatThrownBy(() -> fake.settings().withTokenRefresh(Duration.ofMinutes(60)))
                .hasMessageContaining("one hour");
    }

    @Test
    void the_provider_token_is_renewed_before_apple_would_call_it_expired() throws Exception {
        fake.register(token(1));
        // Apple's 20 minutes and one hour scaled down to what a JWT's whole-second issue time can tell apart
        fake.providerTokenRules(Duration.ofSeconds(1), Duration.ofSeconds(3));
        try (ApnsSender sender =
                sender(fake.settings().withConcurrency(1, 1).withTokenRefresh(Duration.ofMillis(1_500)))) {
            long deadline = System.nanoTime() + Duration.ofSeconds(8).toNanos();
            int sends = 0;
            while (fake.providerTokens().size() < 2 && System.nanoTime() < deadline) {
                assertThat(sender.send(push(null, null), List.of(new Device(token(1), "en")))
                                .accepted())
                        .hasSize(1);
                sends++;
            }
            assertThat(sends).isGreaterThan(3);
        }
        List<Instant> tokens = fake.providerTokens();
        assertThat(tokens).hasSize(2);
        assertThat(Duration.between(tokens.get(0), tokens.get(1))).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
        assertThat(fake.refusals()).doesNotContainKeys("ExpiredProviderToken", "TooManyProviderTokenUpdates");
    }

    @Test
    void apple_s_token_rules_are_enforced_by_the_fake() throws Exception {
        fake.register(token(1));
        try (ApnsSender tooOften =
                sender(fake.settings().withConcurrency(1, 1).withTokenRefresh(Duration.ofMillis(50)))) {
            assertThat(tooOften.send(push(null, null), List.of(new Device(token(1), "en")))
                            .accepted())
                    .hasSize(1);
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            DeviceOutcome refused = null;
            while (refused == null && System.nanoTime() < deadline) {
                DeviceOutcome o = tooOften.send(push(null, null), List.of(new Device(token(1), "en")))
                        .outcomes()
                        .get(0);
                refused = o.sent() ? null : o;
            }
            assertThat(refused)
                    .extracting(DeviceOutcome::status, DeviceOutcome::reason)
                    .containsExactly(Status.FAILED, "TooManyProviderTokenUpdates");
        }
        fake.providerTokenRules(Duration.ZERO, Duration.ofSeconds(2));
        try (ApnsSender stale = sender(fake.settings().withConcurrency(1, 1))) {
            assertThat(stale.send(push(null, null), List.of(new Device(token(1), "en")))
                            .accepted())
                    .hasSize(1);
            long deadline = System.nanoTime() + Duration.ofSeconds(8).toNanos();
            DeviceOutcome after = null;
            while ((after == null || after.attempts() == 1) && System.nanoTime() < deadline) {
                after = stale.send(push(null, null), List.of(new Device(token(1), "en")))
                        .outcomes()
                        .get(0);
            }
            // Apple called the token expired; pushy dropped the connection and the retry went out with a new token
            assertThat(after)
                    .extracting(DeviceOutcome::status, DeviceOutcome::attempts)
                    .containsExactly(Status.SENT, 2);
        }
        assertThat(fake.refusals()).containsKeys("TooManyProviderTokenUpdates", "ExpiredProviderToken");
    }

    @Test
    void the_signing_key_appears_in_no_text_and_no_log() throws Exception {
        fake.register(token(1));
        String keyBody = fake.signingKeyPem()
                .lines()
                .filter(l -> !l.startsWith("-----"))
                .findFirst()
                .orElseThrow();
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream err = System.err;
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        String texts;
        try (ApnsSender sender = sender(fake.settings())) {
            sender.send(push(null, null), List.of(new Device(token(1), "en"), new Device(token(9), "en")));
            texts = sender + " " + fake.settings();
        } finally {
            System.setErr(err);
        }
        assertThat(texts)
                .contains("signingKey=(secret)")
                .doesNotContain(keyBody)
                .doesNotContain("PRIVATE KEY");
        String log = captured.toString(StandardCharsets.UTF_8);
        assertThat(log).contains("Generated a new authentication token"); // pushy's debug log was captured
        assertThat(log).doesNotContain(keyBody).doesNotContain("bearer ");
        assertThatThrownBy(() -> new ApnsSender(fake.settings()
                        .withSigningKey(
                                "K", "-----BEGIN PRIVATE KEY-----\nc2VjcmV0LXRleHQ=\n-----END PRIVATE KEY-----")))
                .hasMessageContaining("not a PKCS#8 EC key")
                .hasMessageNotContaining("c2VjcmV0LXRleHQ");
    }
}
