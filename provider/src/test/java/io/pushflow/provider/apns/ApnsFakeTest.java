package io.pushflow.provider.apns;

import static org.assertj.core.api.Assertions.assertThat;

import com.eatthepath.pushy.apns.ApnsClient;
import com.eatthepath.pushy.apns.ApnsClientBuilder;
import com.eatthepath.pushy.apns.DeliveryPriority;
import com.eatthepath.pushy.apns.PushNotificationResponse;
import com.eatthepath.pushy.apns.PushType;
import com.eatthepath.pushy.apns.auth.ApnsSigningKey;
import com.eatthepath.pushy.apns.util.SimpleApnsPushNotification;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The APNs fake refuses what Apple refuses: checked with pushy's own client and hand-made notifications. */
class ApnsFakeTest {

    private static final String TOPIC = "com.windy.app";
    private static final String TOKEN = String.format("%064x", 42);
    private static ApnsFake fake;
    private static ApnsClient client;

    @BeforeAll
    static void start() throws Exception {
        fake = new ApnsFake(TOPIC, "TEAM123456");
        fake.register(TOKEN);
        ApnsSettings s = fake.settings();
        client = new ApnsClientBuilder()
                .setApnsServer(s.host(), s.port())
                .setSigningKey(ApnsSigningKey.loadFromInputStream(
                        new ByteArrayInputStream(s.signingKeyPem().getBytes(StandardCharsets.US_ASCII)),
                        s.teamId(),
                        s.keyId()))
                .setTrustedServerCertificateChain(s.trustedServerCertificates().toArray(new X509Certificate[0]))
                .build();
    }

    @AfterAll
    static void stop() throws Exception {
        client.close().get(5, TimeUnit.SECONDS);
        fake.close();
    }

    private static String reason(String token, String topic, String payload, String collapseId) throws Exception {
        PushNotificationResponse<SimpleApnsPushNotification> r = client.sendNotification(new SimpleApnsPushNotification(
                        token,
                        topic,
                        payload,
                        Instant.now().plusSeconds(60),
                        DeliveryPriority.IMMEDIATE,
                        PushType.ALERT,
                        collapseId))
                .get(10, TimeUnit.SECONDS);
        return r.isAccepted()
                ? "accepted"
                : r.getStatusCode() + " " + r.getRejectionReason().orElse("?");
    }

    @Test
    void apple_s_request_rules_are_kept() throws Exception {
        String alert = "{\"aps\":{\"alert\":{\"body\":\"25 knots\"}}}";
        assertThat(reason(TOKEN, TOPIC, alert, "wind")).isEqualTo("accepted");
        assertThat(reason(TOKEN, TOPIC, alert, "x".repeat(65))).isEqualTo("400 BadCollapseId");
        assertThat(reason(TOKEN, TOPIC, "", null)).isEqualTo("400 PayloadEmpty");
        assertThat(reason(TOKEN, TOPIC, "{\"aps\":{\"alert\":\"" + "x".repeat(4_100) + "\"}}", null))
                .isEqualTo("413 PayloadTooLarge");
        assertThat(reason(TOKEN, "com.someone.else", alert, null)).isEqualTo("400 TopicDisallowed");
        assertThat(reason("abc", TOPIC, alert, null)).isEqualTo("400 BadDeviceToken");
        assertThat(reason(String.format("%064x", 43), TOPIC, alert, null)).isEqualTo("400 BadDeviceToken");
        fake.unregister(Instant.parse("2026-12-01T00:00:00Z"), String.format("%064x", 44));
        assertThat(reason(String.format("%064x", 44), TOPIC, alert, null)).isEqualTo("410 Unregistered");
        fake.failNext(1, ApnsFake.Failure.SHUTDOWN);
        assertThat(reason(TOKEN, TOPIC, alert, null)).isEqualTo("503 Shutdown");
        assertThat(fake.received()).containsOnlyKeys(TOKEN).containsEntry(TOKEN, 1);
    }
}
