package io.pushflow.provider.device;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How often and how patiently a device's push is tried again after a rate limit or a server error: exponential from
 * {@code initialBackoff}, capped at {@code maxBackoff}, half of each wait random so that many senders do not retry in
 * step; a service's Retry-After is a floor (capped at {@code maxBackoff} too, so one answer cannot park a call).
 */
public record RetryPolicy(int maxAttempts, Duration initialBackoff, Duration maxBackoff) {

    public static final RetryPolicy DEFAULT = new RetryPolicy(4, Duration.ofMillis(250), Duration.ofSeconds(30));

    public RetryPolicy {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1, got " + maxAttempts);
        }
        if (initialBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0) {
            throw new IllegalArgumentException("need 0 <= initialBackoff <= maxBackoff");
        }
    }

    /** The wait before {@code attempt} (2 for the first retry). */
    public Duration backoff(int attempt, Duration retryAfter) {
        long ceiling =
                Math.min(maxBackoff.toMillis(), initialBackoff.toMillis() << Math.min(Math.max(attempt - 2, 0), 20));
        long wait = ceiling / 2 + ThreadLocalRandom.current().nextLong(ceiling / 2 + 1);
        if (retryAfter != null) {
            wait = Math.max(wait, Math.min(retryAfter.toMillis(), maxBackoff.toMillis()));
        }
        return Duration.ofMillis(wait);
    }
}
