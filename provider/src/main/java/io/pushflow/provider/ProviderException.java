package io.pushflow.provider;

import java.time.Duration;

/** A send that failed for good: refused as invalid, or still failing after every retry. */
public class ProviderException extends Exception {

    private final int status;
    private final boolean retryable;
    private final Duration retryAfter;

    public ProviderException(String message, int status, boolean retryable, Throwable cause) {
        this(message, status, retryable, null, cause);
    }

    public ProviderException(String message, int status, boolean retryable, Duration retryAfter, Throwable cause) {
        super(message, cause);
        this.status = status;
        this.retryable = retryable;
        this.retryAfter = retryAfter;
    }

    /** How long the provider asked us to wait (its Retry-After), or null when it did not say. */
    public Duration retryAfter() {
        return retryAfter;
    }

    /** The last HTTP status, or 0 when no answer came. */
    public int status() {
        return status;
    }

    /** Whether trying again later might succeed (rate limits, server errors, timeouts) rather than a refusal. */
    public boolean retryable() {
        return retryable;
    }
}
