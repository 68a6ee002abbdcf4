package io.pushflow.provider.apns;

import io.pushflow.provider.device.RetryPolicy;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;

/**
 * How to reach APNs and sign for it. Token-based authentication: the team's .p8 signing key (PKCS#8 PEM), its key id,
 * the team id, and the app's bundle id as the topic. The key is a secret: {@link #toString()} leaves it out and the
 * sender never logs it.
 *
 * @param host                  {@link #PRODUCTION_HOST}, {@link #DEVELOPMENT_HOST}, or a fake's
 * @param trustedServerCertificates the server certificates to trust instead of the JVM's CAs (a fake's), or empty
 * @param connections           HTTP/2 connections the client keeps open
 * @param streamsPerConnection  requests in flight per connection (Apple lets a connection carry many streams)
 * @param connectTimeout        for opening a connection (TCP and TLS)
 * @param answerTimeout         for one push's answer; a push without an answer is reported unconfirmed, not retried
 * @param tokenRefresh          how long one provider token (JWT) is used: Apple refuses tokens older than an hour and
 *                              token changes more often than every 20 minutes
 */
public record ApnsSettings(
        String host,
        int port,
        String topic,
        String teamId,
        String keyId,
        String signingKeyPem,
        List<X509Certificate> trustedServerCertificates,
        int connections,
        int streamsPerConnection,
        Duration connectTimeout,
        Duration answerTimeout,
        Duration tokenRefresh,
        RetryPolicy retry) {

    public static final String PRODUCTION_HOST = "api.push.apple.com";
    public static final String DEVELOPMENT_HOST = "api.sandbox.push.apple.com";
    public static final int PORT = 443;
    /** Within Apple's window: older than 20 minutes, younger than an hour. */
    public static final Duration DEFAULT_TOKEN_REFRESH = Duration.ofMinutes(50);
    /**
     * From {@code DeviceSenderBench} (provider/README.md): one or two connections send at a third of what four do, more
     * streams on one connection do not make up for it; four connections of 250 streams (1,000 pushes in flight).
     */
    public static final int DEFAULT_CONNECTIONS = 4;

    public static final int DEFAULT_STREAMS_PER_CONNECTION = 250;

    public ApnsSettings {
        if (host == null || host.isBlank() || port <= 0 || port > 65_535) {
            throw new IllegalArgumentException("a host and a port are needed");
        }
        for (String[] field :
                new String[][] {{"topic", topic}, {"teamId", teamId}, {"keyId", keyId}, {"signingKeyPem", signingKeyPem}
                }) {
            if (field[1] == null || field[1].isBlank()) {
                throw new IllegalArgumentException(field[0] + " is needed for token-based authentication");
            }
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
        if (tokenRefresh == null
                || tokenRefresh.isNegative()
                || tokenRefresh.isZero()
                || tokenRefresh.compareTo(Duration.ofHours(1)) >= 0) {
            throw new IllegalArgumentException(
                    "tokenRefresh must be positive and under Apple's one hour, got " + tokenRefresh);
        }
        trustedServerCertificates =
                trustedServerCertificates == null ? List.of() : List.copyOf(trustedServerCertificates);
        retry = retry == null ? RetryPolicy.DEFAULT : retry;
    }

    /** Production APNs with the defaults. */
    public static ApnsSettings production(String topic, String teamId, String keyId, String signingKeyPem) {
        return of(PRODUCTION_HOST, PORT, topic, teamId, keyId, signingKeyPem, List.of());
    }

    /** A server with the defaults (the sandbox, a fake). */
    public static ApnsSettings of(
            String host,
            int port,
            String topic,
            String teamId,
            String keyId,
            String signingKeyPem,
            List<X509Certificate> trusted) {
        return new ApnsSettings(
                host,
                port,
                topic,
                teamId,
                keyId,
                signingKeyPem,
                trusted,
                DEFAULT_CONNECTIONS,
                DEFAULT_STREAMS_PER_CONNECTION,
                Duration.ofSeconds(10),
                Duration.ofSeconds(30),
                DEFAULT_TOKEN_REFRESH,
                RetryPolicy.DEFAULT);
    }

    public ApnsSettings withConcurrency(int connections, int streamsPerConnection) {
        return new ApnsSettings(
                host,
                port,
                topic,
                teamId,
                keyId,
                signingKeyPem,
                trustedServerCertificates,
                connections,
                streamsPerConnection,
                connectTimeout,
                answerTimeout,
                tokenRefresh,
                retry);
    }

    public ApnsSettings withTimeouts(Duration connectTimeout, Duration answerTimeout) {
        return new ApnsSettings(
                host,
                port,
                topic,
                teamId,
                keyId,
                signingKeyPem,
                trustedServerCertificates,
                connections,
                streamsPerConnection,
                connectTimeout,
                answerTimeout,
                tokenRefresh,
                retry);
    }

    public ApnsSettings withRetry(RetryPolicy retry) {
        return new ApnsSettings(
                host,
                port,
                topic,
                teamId,
                keyId,
                signingKeyPem,
                trustedServerCertificates,
                connections,
                streamsPerConnection,
                connectTimeout,
                answerTimeout,
                tokenRefresh,
                retry);
    }

    public ApnsSettings withTokenRefresh(Duration tokenRefresh) {
        return new ApnsSettings(
                host,
                port,
                topic,
                teamId,
                keyId,
                signingKeyPem,
                trustedServerCertificates,
                connections,
                streamsPerConnection,
                connectTimeout,
                answerTimeout,
                tokenRefresh,
                retry);
    }

    public ApnsSettings withSigningKey(String keyId, String signingKeyPem) {
        return new ApnsSettings(
                host,
                port,
                topic,
                teamId,
                keyId,
                signingKeyPem,
                trustedServerCertificates,
                connections,
                streamsPerConnection,
                connectTimeout,
                answerTimeout,
                tokenRefresh,
                retry);
    }

    public ApnsSettings withTopic(String topic) {
        return new ApnsSettings(
                host,
                port,
                topic,
                teamId,
                keyId,
                signingKeyPem,
                trustedServerCertificates,
                connections,
                streamsPerConnection,
                connectTimeout,
                answerTimeout,
                tokenRefresh,
                retry);
    }

    /** Everything but the signing key. */
    @Override
    public String toString() {
        return "ApnsSettings[host=" + host + ", port=" + port + ", topic=" + topic + ", teamId=" + teamId + ", keyId="
                + keyId
                + ", signingKey=(secret), trustedServerCertificates=" + trustedServerCertificates.size()
                + ", connections=" + connections
                + ", streamsPerConnection=" + streamsPerConnection + ", connectTimeout=" + connectTimeout
                + ", answerTimeout=" + answerTimeout
                + ", tokenRefresh=" + tokenRefresh + ", retry=" + retry + "]";
    }
}
