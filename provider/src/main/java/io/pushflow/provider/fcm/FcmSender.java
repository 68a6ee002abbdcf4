package io.pushflow.provider.fcm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.api.client.http.javanet.NetHttpTransport;
import com.google.auth.Retryable;
import com.google.auth.oauth2.GoogleCredentials;
import com.google.auth.oauth2.ServiceAccountCredentials;
import io.pushflow.core.json.Json;
import io.pushflow.provider.device.Answer;
import io.pushflow.provider.device.Device;
import io.pushflow.provider.device.DevicePush;
import io.pushflow.provider.device.DeviceReport;
import io.pushflow.provider.device.DeviceSender;
import io.pushflow.provider.device.RetryRounds;
import io.pushflow.provider.device.Sleeper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Firebase Cloud Messaging through the HTTP v1 API: one {@code messages:send} per device token, authenticated with a
 * service account's OAuth2 access token (reused until shortly before it expires). The message carries the title and
 * body in the device's language, the campaign's data as strings (FCM takes string values only), the deep link and
 * image in the data, and the Android options: priority, TTL, collapse key, channel and image. Answers follow FCM's
 * error model ({@code google.rpc.Status} with an {@code FcmError} detail): UNREGISTERED and an INVALID_ARGUMENT about
 * the token call the token invalid; QUOTA_EXCEEDED (honouring Retry-After), UNAVAILABLE and INTERNAL are retried
 * with backoff; a refused access token is replaced and the message retried; everything else fails with FCM's code.
 */
public final class FcmSender implements DeviceSender {

    /** FCM's limit for a message's payload (data and notification, keys and values). */
    public static final int MAX_PAYLOAD_BYTES = 4_096;

    static final String SCOPE = "https://www.googleapis.com/auth/firebase.messaging";

    private final FcmSettings settings;
    private final URI send;
    private final FcmAccessTokens tokens;
    private final Http2Lanes lanes;
    private final RetryRounds rounds;

    public FcmSender(FcmSettings settings) throws IOException {
        this(settings, Sleeper.REAL, Clock.systemUTC());
    }

    public FcmSender(FcmSettings settings, Sleeper sleeper, Clock clock) throws IOException {
        this.settings = settings;
        String base = settings.endpoint().toString().replaceAll("/+$", "");
        this.send = URI.create(base + "/v1/projects/" + settings.projectId() + "/messages:send");
        if (!"https".equals(send.getScheme())) {
            throw new IllegalArgumentException("FCM is reached over https, not " + send.getScheme());
        }
        SSLContext ssl = sslContext(settings);
        GoogleCredentials credentials;
        try {
            NetHttpTransport.Builder transport = new NetHttpTransport.Builder();
            if (ssl != null) {
                transport.setSslSocketFactory(ssl.getSocketFactory());
            }
            NetHttpTransport built = transport.build();
            credentials = ServiceAccountCredentials.fromStream(
                            new ByteArrayInputStream(
                                    settings.serviceAccountJson().getBytes(StandardCharsets.UTF_8)),
                            () -> built)
                    .createScoped(List.of(SCOPE));
        } catch (IOException | RuntimeException e) {
            // the library's message may quote the key file: say only what is wrong
            throw new IOException("the FCM service account JSON is not a service account key ("
                    + e.getClass().getSimpleName() + ")");
        }
        this.tokens = new FcmAccessTokens(credentials, clock, settings.tokenRefreshMargin());
        this.lanes = new Http2Lanes(
                send, settings.trustedServerCertificates(), settings.connections(), settings.connectTimeout());
        this.rounds = new RetryRounds(
                settings.retry(),
                sleeper,
                settings.connections() * settings.streamsPerConnection(),
                settings.answerTimeout());
    }

    private static SSLContext sslContext(FcmSettings settings) throws IOException {
        if (settings.trustedServerCertificates().isEmpty()) {
            return null;
        }
        try {
            KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
            trust.load(null, null);
            for (int i = 0; i < settings.trustedServerCertificates().size(); i++) {
                trust.setCertificateEntry(
                        "trusted-" + i, settings.trustedServerCertificates().get(i));
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext ssl = SSLContext.getInstance("TLS");
            ssl.init(null, tmf.getTrustManagers(), null);
            return ssl;
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot trust the given server certificates", e);
        }
    }

    @Override
    public DeviceReport send(DevicePush push, List<Device> devices) throws InterruptedException {
        Map<String, Template> templates = new HashMap<>();
        return rounds.run(
                devices,
                d -> templates.computeIfAbsent(push.textLanguage(d.language()), l -> template(push, l)).refusal,
                d -> attempt(templates.get(push.textLanguage(d.language())), d.token()));
    }

    private CompletableFuture<Answer> attempt(Template template, String token) {
        String accessToken;
        try {
            accessToken = tokens.current();
        } catch (IOException e) {
            if (e instanceof Retryable r && !r.isRetryable()) {
                // the token endpoint refused the service account: no retry mends that (only Google's error code is
                // quoted, never the text)
                String m = String.valueOf(e.getMessage());
                return CompletableFuture.completedFuture(
                        Answer.failed("no access token: the token endpoint refused the service account"
                                + (m.contains("invalid_grant") ? " (invalid_grant)" : "")));
            }
            return CompletableFuture.completedFuture(
                    Answer.retry("no access token: " + e.getClass().getSimpleName(), null));
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(
                    Answer.retry("no access token: " + e.getClass().getSimpleName(), null));
        }
        return lanes.post(send.getRawPath(), "Bearer " + accessToken, template.body(token))
                .handle((response, error) -> error != null ? noAnswer(error) : answer(response, accessToken));
    }

    /** The message for one text language with the device token left out, or why FCM would refuse it. */
    private record Template(String head, String tail, Answer refusal) {
        String body(String token) {
            return head + Json.write(token) + tail;
        }
    }

    private static Template template(DevicePush push, String language) {
        Map<String, String> data = new HashMap<>();
        push.data().forEach((k, v) -> data.put(k, v == null ? "" : v instanceof String s ? s : Json.write(v)));
        if (push.deepLink() != null) {
            data.put(DevicePush.DEEP_LINK_KEY, push.deepLink());
        }
        if (push.imageUrl() != null) {
            data.put(DevicePush.IMAGE_KEY, push.imageUrl());
        }
        ObjectNode notification = Json.MAPPER.createObjectNode();
        String title = push.titleFor(language);
        if (title != null && !title.isEmpty()) {
            notification.put("title", title);
        }
        notification.put("body", push.bodyFor(language));
        if (push.imageUrl() != null) {
            notification.put("image", push.imageUrl());
        }
        ObjectNode android = Json.MAPPER.createObjectNode();
        android.put("priority", push.urgency() == DevicePush.Urgency.HIGH ? "HIGH" : "NORMAL");
        if (push.timeToLive() != null) {
            android.put(
                    "ttl",
                    Math.min(push.timeToLive().toSeconds(), 2_419_200L)
                            + "s"); // FCM keeps a message four weeks at most
        }
        if (push.collapseKey() != null) {
            android.put("collapse_key", push.collapseKey());
        }
        if (push.androidChannelId() != null) {
            android.putObject("notification").put("channel_id", push.androidChannelId());
        }
        ObjectNode message = Json.MAPPER.createObjectNode();
        message.set("notification", notification);
        if (!data.isEmpty()) {
            message.set("data", Json.MAPPER.valueToTree(data));
        }
        message.set("android", android);
        int size = Json.write(data).getBytes(StandardCharsets.UTF_8).length
                + notification.toString().getBytes(StandardCharsets.UTF_8).length;
        if (size > MAX_PAYLOAD_BYTES) {
            return new Template(
                    null,
                    null,
                    Answer.failed("INVALID_ARGUMENT: the " + language + " message has " + size
                            + " bytes of data and notification, FCM takes " + MAX_PAYLOAD_BYTES));
        }
        String rest = message.toString();
        return new Template("{\"message\":{\"token\":", "," + rest.substring(1) + "}", null);
    }

    private Answer answer(Http2Lanes.Response response, String accessToken) {
        int status = response.status();
        if (status == 200) {
            return Answer.SENT;
        }
        Duration retryAfter = response.retryAfter() == null ? null : seconds(response.retryAfter());
        FcmError error = FcmError.parse(status, response.body());
        String code = error.code();
        switch (code) {
            case "UNREGISTERED":
                return Answer.tokenInvalid(code, null);
            case "INVALID_ARGUMENT":
                return error.aboutToken()
                        ? Answer.tokenInvalid(code + ": " + error.message(), null)
                        : Answer.failed(code + ": " + error.message());
            case "QUOTA_EXCEEDED", "UNAVAILABLE", "INTERNAL":
                return Answer.retry(code, retryAfter);
            default:
                break;
        }
        if (status == 401 && !"THIRD_PARTY_AUTH_ERROR".equals(code)) {
            tokens.refused(accessToken); // our access token: a new one, and the message again (nothing was sent)
            return Answer.retry(code + ": access token refused", null);
        }
        if (status == 429 || status >= 500) {
            return Answer.retry(code, retryAfter);
        }
        return Answer.failed(code + (error.message().isEmpty() ? "" : ": " + error.message()));
    }

    /** Failed before any answer: retried only when the request cannot have left (no connection could be opened). */
    private static Answer noAnswer(Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (cause instanceof Http2Lanes.NotSentException) {
            return Answer.retry("not sent: " + cause.getMessage(), null);
        }
        return Answer.unconfirmed("no answer: " + cause.getClass().getSimpleName());
    }

    private static Duration seconds(String retryAfter) {
        try {
            return Duration.ofSeconds(Math.max(0, Long.parseLong(retryAfter.trim())));
        } catch (NumberFormatException e) {
            return null; // an HTTP date: our own backoff then
        }
    }

    /** How many access tokens this sender fetched. */
    public int accessTokenRefreshes() {
        return tokens.refreshes();
    }

    @Override
    public void close() {
        lanes.close();
    }

    @Override
    public String toString() {
        return "FcmSender[" + settings + "]";
    }

    /** FCM's error model: {@code google.rpc.Status} with an {@code FcmError} detail and, for bad values, a {@code BadRequest}. */
    record FcmError(String code, String message, boolean aboutToken) {

        static FcmError parse(int status, String body) {
            JsonNode error;
            try {
                error = Json.MAPPER.readTree(body == null ? "" : body).path("error");
            } catch (IOException | RuntimeException e) {
                return new FcmError("HTTP_" + status, "", false);
            }
            String fcmCode = null;
            boolean tokenField = false;
            boolean otherField = false;
            for (JsonNode detail : error.path("details")) {
                String type = detail.path("@type").asText("");
                if (type.endsWith("google.firebase.fcm.v1.FcmError")) {
                    fcmCode = detail.path("errorCode").asText(null);
                } else if (type.endsWith("google.rpc.BadRequest")) {
                    for (JsonNode v : detail.path("fieldViolations")) {
                        if ("message.token".equals(v.path("field").asText())) {
                            tokenField = true;
                        } else {
                            otherField = true;
                        }
                    }
                }
            }
            String code = fcmCode != null ? fcmCode : error.path("status").asText("HTTP_" + status);
            boolean aboutToken = !otherField && (tokenField || "INVALID_ARGUMENT".equals(fcmCode));
            String message = error.path("message").asText("");
            return new FcmError(code, message.length() > 300 ? message.substring(0, 300) : message, aboutToken);
        }
    }
}
