package io.pushflow.provider.apns;

import com.eatthepath.pushy.apns.ApnsClient;
import com.eatthepath.pushy.apns.ApnsClientBuilder;
import com.eatthepath.pushy.apns.DeliveryPriority;
import com.eatthepath.pushy.apns.PushNotificationResponse;
import com.eatthepath.pushy.apns.PushType;
import com.eatthepath.pushy.apns.auth.ApnsSigningKey;
import com.eatthepath.pushy.apns.util.ApnsPayloadBuilder;
import com.eatthepath.pushy.apns.util.SimpleApnsPayloadBuilder;
import com.eatthepath.pushy.apns.util.SimpleApnsPushNotification;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.nio.NioEventLoopGroup;
import io.pushflow.provider.device.Answer;
import io.pushflow.provider.device.Device;
import io.pushflow.provider.device.DevicePush;
import io.pushflow.provider.device.DeviceReport;
import io.pushflow.provider.device.DeviceSender;
import io.pushflow.provider.device.RetryRounds;
import io.pushflow.provider.device.Sleeper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;

/**
 * Apple's Push Notification service over HTTP/2 with token-based authentication, through pushy: one request per
 * device, the alert title and body in the device's language, the campaign's data, deep link and image URL as custom
 * payload keys ({@code mutable-content: 1} when there is an image, so the app's service extension can attach it).
 * Apple's answers: 410 Unregistered, BadDeviceToken and DeviceTokenNotForTopic call the token invalid; 429
 * TooManyRequests, 5xx and ExpiredProviderToken (pushy opens a new connection with a new token) are retried with
 * backoff and jitter; every other refusal fails with Apple's reason. A payload over Apple's 4 KB is refused here.
 */
public final class ApnsSender implements DeviceSender {

    /** Apple's limit for an alert push's payload. */
    public static final int MAX_PAYLOAD_BYTES = 4_096;

    private static final Set<String> TOKEN_INVALID =
            Set.of("Unregistered", "BadDeviceToken", "DeviceTokenNotForTopic", "ExpiredToken");
    private static final Set<String> RETRYABLE =
            Set.of("TooManyRequests", "InternalServerError", "ServiceUnavailable", "Shutdown", "ExpiredProviderToken");

    private final ApnsSettings settings;
    private final NioEventLoopGroup eventLoop;
    private final ApnsClient client;
    private final RetryRounds rounds;

    public ApnsSender(ApnsSettings settings) throws IOException {
        this(settings, Sleeper.REAL);
    }

    public ApnsSender(ApnsSettings settings, Sleeper sleeper) throws IOException {
        this.settings = settings;
        ApnsSigningKey key;
        try {
            key = ApnsSigningKey.loadFromInputStream(
                    new ByteArrayInputStream(settings.signingKeyPem().getBytes(StandardCharsets.US_ASCII)),
                    settings.teamId(),
                    settings.keyId());
        } catch (GeneralSecurityException | IOException | RuntimeException e) {
            // the message could quote the key: say only what is wrong
            throw new IOException(
                    "the APNs signing key (key id " + settings.keyId() + ") is not a PKCS#8 EC key in PEM form");
        }
        this.eventLoop = new NioEventLoopGroup(
                Math.min(settings.connections(), Runtime.getRuntime().availableProcessors()), r -> {
                    Thread t = new Thread(r, "apns-client");
                    t.setDaemon(true);
                    return t;
                });
        ApnsClientBuilder builder = new ApnsClientBuilder()
                .setApnsServer(settings.host(), settings.port())
                .setSigningKey(key)
                .setTokenExpiration(settings.tokenRefresh())
                .setConcurrentConnections(settings.connections())
                .setConnectionTimeout(settings.connectTimeout())
                .setEventLoopGroup(eventLoop);
        if (!settings.trustedServerCertificates().isEmpty()) {
            builder.setTrustedServerCertificateChain(
                    settings.trustedServerCertificates().toArray(new X509Certificate[0]));
        }
        try {
            this.client = builder.build();
        } catch (SSLException e) {
            eventLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw e;
        }
        this.rounds = new RetryRounds(
                settings.retry(),
                sleeper,
                settings.connections() * settings.streamsPerConnection(),
                settings.answerTimeout());
    }

    @Override
    public DeviceReport send(DevicePush push, List<Device> devices) throws InterruptedException {
        Map<String, Payload> payloads = new HashMap<>();
        Instant expiration = push.timeToLive() == null ? null : Instant.now().plus(push.timeToLive());
        DeliveryPriority priority = push.urgency() == DevicePush.Urgency.HIGH
                ? DeliveryPriority.IMMEDIATE
                : DeliveryPriority.CONSERVE_POWER;
        return rounds.run(
                devices,
                d -> payloads.computeIfAbsent(push.textLanguage(d.language()), l -> payload(push, l)).refusal,
                d -> {
                    String payload = payloads.get(push.textLanguage(d.language())).json;
                    var notification = new SimpleApnsPushNotification(
                            d.token(),
                            settings.topic(),
                            payload,
                            expiration,
                            priority,
                            PushType.ALERT,
                            push.collapseKey());
                    return client.sendNotification(notification)
                            .handle((response, error) -> error != null ? noAnswer(error) : answer(response));
                });
    }

    /** The payload for one text language, or why Apple would refuse it. */
    private record Payload(String json, Answer refusal) {}

    private static Payload payload(DevicePush push, String language) {
        ApnsPayloadBuilder b = new SimpleApnsPayloadBuilder();
        String title = push.titleFor(language);
        if (title != null && !title.isEmpty()) {
            b.setAlertTitle(title);
        }
        b.setAlertBody(push.bodyFor(language));
        if (push.imageUrl() != null) {
            b.setMutableContent(true);
            b.addCustomProperty(DevicePush.IMAGE_KEY, push.imageUrl());
        }
        if (push.deepLink() != null) {
            b.addCustomProperty(DevicePush.DEEP_LINK_KEY, push.deepLink());
        }
        push.data().forEach((k, v) -> {
            if (!"aps".equals(k)) {
                b.addCustomProperty(k, v);
            }
        });
        String json;
        try {
            json = b.build();
        } catch (RuntimeException e) {
            return new Payload(
                    null,
                    Answer.failed("payload: data cannot be written as JSON ("
                            + e.getClass().getSimpleName() + ")"));
        }
        int bytes = json.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_PAYLOAD_BYTES) {
            return new Payload(
                    null,
                    Answer.failed("PayloadTooLarge: the " + language + " payload has " + bytes + " bytes, Apple takes "
                            + MAX_PAYLOAD_BYTES));
        }
        return new Payload(json, null);
    }

    private static Answer answer(PushNotificationResponse<?> response) {
        if (response.isAccepted()) {
            return Answer.SENT;
        }
        String reason = response.getRejectionReason().orElse("HTTP " + response.getStatusCode());
        if (response.getStatusCode() == 410 || TOKEN_INVALID.contains(reason)) {
            return Answer.tokenInvalid(
                    reason, response.getTokenInvalidationTimestamp().orElse(null));
        }
        if (response.getStatusCode() >= 500 || RETRYABLE.contains(reason)) {
            return Answer.retry(reason, null);
        }
        return Answer.failed(reason);
    }

    /** Failed before any answer: retried only when the request cannot have left (no connection could be opened). */
    private static Answer noAnswer(Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (cause instanceof ConnectException
                || cause instanceof ConnectTimeoutException
                || cause instanceof SSLException) {
            return Answer.retry("not sent: " + cause.getClass().getSimpleName(), null);
        }
        return Answer.unconfirmed("no answer: " + cause.getClass().getSimpleName());
    }

    @Override
    public void close() {
        try {
            client.close().get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
        } finally {
            eventLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }

    @Override
    public String toString() {
        return "ApnsSender[" + settings + "]";
    }
}
