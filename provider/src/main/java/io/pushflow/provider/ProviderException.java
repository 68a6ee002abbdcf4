package io.pushflow.provider;

/** A send that failed for good: refused as invalid, or still failing after every retry. */
public class ProviderException extends Exception {

    private final int status;
    private final boolean retryable;

    public ProviderException(String message, int status, boolean retryable, Throwable cause) {
        super(message, cause);
        this.status = status;
        this.retryable = retryable;
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
