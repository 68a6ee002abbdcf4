package io.pushflow.provider.device;

import java.time.Duration;
import java.time.Instant;

/**
 * What one request for one device came to: a final outcome, or {@link Kind#RETRY} when the service did not take the
 * push (rate limit, server error, expired credentials) or the request never left (no connection).
 */
public record Answer(Kind kind, String reason, Duration retryAfter, Instant tokenInvalidSince) {

    public enum Kind {
        SENT,
        TOKEN_INVALID,
        FAILED,
        RETRY,
        UNCONFIRMED
    }

    public static final Answer SENT = new Answer(Kind.SENT, null, null, null);

    public static Answer tokenInvalid(String reason, Instant since) {
        return new Answer(Kind.TOKEN_INVALID, reason, null, since);
    }

    public static Answer failed(String reason) {
        return new Answer(Kind.FAILED, reason, null, null);
    }

    public static Answer retry(String reason, Duration retryAfter) {
        return new Answer(Kind.RETRY, reason, retryAfter, null);
    }

    public static Answer unconfirmed(String reason) {
        return new Answer(Kind.UNCONFIRMED, reason, null, null);
    }
}
