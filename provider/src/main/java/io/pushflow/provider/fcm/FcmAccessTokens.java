package io.pushflow.provider.fcm;

import com.google.auth.oauth2.AccessToken;
import com.google.auth.oauth2.GoogleCredentials;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * The OAuth2 access token FCM requests carry: one token for every request until {@code margin} before it expires,
 * then a new one from the service account (Google's auth library signs the JWT assertion and exchanges it). Our own
 * cache rather than the library's so the clock can be injected and a token FCM refused can be dropped at once.
 */
final class FcmAccessTokens {

    private final GoogleCredentials credentials;
    private final Clock clock;
    private final Duration margin;
    private String token;
    private Instant expires = Instant.MIN;
    private int refreshes;

    FcmAccessTokens(GoogleCredentials credentials, Clock clock, Duration margin) {
        this.credentials = credentials;
        this.clock = clock;
        this.margin = margin;
    }

    /** The token to send now; fetches a new one when there is none or the current one is within the margin of expiring. */
    synchronized String current() throws IOException {
        if (token == null || !clock.instant().isBefore(expires.minus(margin))) {
            AccessToken fresh = credentials.refreshAccessToken();
            if (fresh == null || fresh.getTokenValue() == null) {
                throw new IOException("the token endpoint answered without an access token");
            }
            token = fresh.getTokenValue();
            // the library dates the expiry by the system clock: keep the lifetime it granted, on our clock
            Duration lifetime = fresh.getExpirationTime() == null
                    ? Duration.ofMinutes(10)
                    : Duration.ofMillis(fresh.getExpirationTime().getTime() - System.currentTimeMillis());
            expires = clock.instant().plus(lifetime);
            refreshes++;
        }
        return token;
    }

    /** FCM refused this token: the next request fetches a new one (unless another thread already did). */
    synchronized void refused(String refusedToken) {
        if (refusedToken.equals(token)) {
            token = null;
        }
    }

    synchronized int refreshes() {
        return refreshes;
    }

    @Override
    public String toString() {
        return "FcmAccessTokens[expires=" + expires + ", refreshes=" + refreshes + "]";
    }
}
