package io.pushflow.provider.fcm;

import io.pushflow.provider.device.RetryPolicy;
import java.net.URI;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;

/**
 * How to reach FCM's HTTP v1 API and authenticate: the Firebase project and a service account's JSON key (its
 * {@code token_uri} names the OAuth2 token endpoint). The key is a secret: {@link #toString()} leaves it out and the
 * sender never logs it.
 *
 * @param endpoint                  {@link #PRODUCTION_ENDPOINT} or a fake's
 * @param trustedServerCertificates certificates to trust instead of the JVM's CAs (a fake's), or empty
 * @param connections               HTTP/2 connections (one HTTP client each, requests spread over them)
 * @param streamsPerConnection      requests in flight per connection (beyond what the server allows they wait in the client)
 * @param connectTimeout            for opening a connection
 * @param answerTimeout             for one message's answer; a message without an answer is reported unconfirmed, not retried
 * @param tokenRefreshMargin        an access token is replaced this long before it expires
 */
public record FcmSettings(
        URI endpoint,
        String projectId,
        String serviceAccountJson,
        List<X509Certificate> trustedServerCertificates,
        int connections,
        int streamsPerConnection,
        Duration connectTimeout,
        Duration answerTimeout,
        Duration tokenRefreshMargin,
        RetryPolicy retry) {

    public static final URI PRODUCTION_ENDPOINT = URI.create("https://fcm.googleapis.com");
    /**
     * From {@code DeviceSenderBench} (provider/README.md): more connections beat more streams; Google's front ends take
     * about 100 streams a connection, so 8 connections of 100 (800 messages in flight).
     */
    public static final int DEFAULT_CONNECTIONS = 8;

    public static final int DEFAULT_STREAMS_PER_CONNECTION = 100;

    public FcmSettings {
        if (endpoint == null || endpoint.getHost() == null) {
            throw new IllegalArgumentException("an endpoint URI with a host is needed");
        }
        if (projectId == null || !projectId.matches("[a-z][a-z0-9-]{4,61}[a-z0-9]")) {
            throw new IllegalArgumentException(
                    "projectId must be a Firebase project id (6-63 lowercase letters, digits, hyphens)");
        }
        if (serviceAccountJson == null || serviceAccountJson.isBlank()) {
            throw new IllegalArgumentException("a service account's JSON key is needed");
        }
        if (connections < 1 || streamsPerConnection < 1) {
            throw new IllegalArgumentException("connections and streamsPerConnection must be at least 1");
        }
        if (connectTimeout == null
                || answerTimeout == null
                || connectTimeout.isNegative()
                || connectTimeout.isZero()
                || answerTimeout.isNegative()
                || answerTimeout.isZero()) {
            throw new IllegalArgumentException("connectTimeout and answerTimeout must be positive");
        }
        if (tokenRefreshMargin == null || tokenRefreshMargin.isNegative()) {
            throw new IllegalArgumentException("tokenRefreshMargin must not be negative");
        }
        trustedServerCertificates =
                trustedServerCertificates == null ? List.of() : List.copyOf(trustedServerCertificates);
        retry = retry == null ? RetryPolicy.DEFAULT : retry;
    }

    /** Production FCM with the defaults. */
    public static FcmSettings production(String projectId, String serviceAccountJson) {
        return of(PRODUCTION_ENDPOINT, projectId, serviceAccountJson, List.of());
    }

    public static FcmSettings of(
            URI endpoint, String projectId, String serviceAccountJson, List<X509Certificate> trusted) {
        return new FcmSettings(
                endpoint,
                projectId,
                serviceAccountJson,
                trusted,
                DEFAULT_CONNECTIONS,
                DEFAULT_STREAMS_PER_CONNECTION,
                Duration.ofSeconds(10),
                Duration.ofSeconds(30),
                Duration.ofMinutes(5),
                RetryPolicy.DEFAULT);
    }

    public FcmSettings withConcurrency(int connections, int streamsPerConnection) {
        return new FcmSettings(
                endpoint,
                projectId,
                serviceAccountJson,
                trustedServerCertificates,
                connections,
                streamsPerConnection,
                connectTimeout,
                answerTimeout,
                tokenRefreshMargin,
                retry);
    }

    public FcmSettings withTimeouts(Duration connectTimeout, Duration answerTimeout) {
        return new FcmSettings(
                endpoint,
                projectId,
                serviceAccountJson,
                trustedServerCertificates,
                connections,
                streamsPerConnection,
                connectTimeout,
                answerTimeout,
                tokenRefreshMargin,
                retry);
    }

    public FcmSettings withRetry(RetryPolicy retry) {
        return new FcmSettings(
                endpoint,
                projectId,
                serviceAccountJson,
                trustedServerCertificates,
                connections,
                streamsPerConnection,
                connectTimeout,
                answerTimeout,
                tokenRefreshMargin,
                retry);
    }

    public FcmSettings withTokenRefreshMargin(Duration margin) {
        return new FcmSettings(
                endpoint,
                projectId,
                serviceAccountJson,
                trustedServerCertificates,
                connections,
                streamsPerConnection,
                connectTimeout,
                answerTimeout,
                margin,
                retry);
    }

    public FcmSettings withProject(String projectId) {
        return new FcmSettings(
                endpoint,
                projectId,
                serviceAccountJson,
                trustedServerCertificates,
                connections,
                streamsPerConnection,
                connectTimeout,
                answerTimeout,
                tokenRefreshMargin,
                retry);
    }

    public FcmSettings withServiceAccount(String serviceAccountJson) {
        return new FcmSettings(
                endpoint,
                projectId,
                serviceAccountJson,
                trustedServerCertificates,
                connections,
                streamsPerConnection,
                connectTimeout,
                answerTimeout,
                tokenRefreshMargin,
                retry);
    }

    /** Everything but the service account's key. */
    @Override
    public String toString() {
        return "FcmSettings[endpoint=" + endpoint + ", projectId=" + projectId
                + ", serviceAccount=(secret), trustedServerCertificates="
                + trustedServerCertificates.size() + ", connections=" + connections + ", streamsPerConnection="
                + streamsPerConnection
                + ", connectTimeout=" + connectTimeout + ", answerTimeout=" + answerTimeout + ", tokenRefreshMargin="
                + tokenRefreshMargin
                + ", retry=" + retry + "]";
    }
}
