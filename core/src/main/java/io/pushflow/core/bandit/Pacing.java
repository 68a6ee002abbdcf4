package io.pushflow.core.bandit;

import java.time.Duration;
import java.time.Instant;

/**
 * How many users the next wave releases so that the whole audience goes out inside the send window: the rest
 * spread evenly over the waves left, never more than the rate limit allows in one wave interval.
 */
public final class Pacing {

    private Pacing() {}

    /**
     * @param remaining      users not yet released
     * @param ratePerSecond  pushes per second at most, or 0 for no limit
     * @param maxWave        the largest wave ever read at once
     */
    public static int waveSize(
            long remaining, Instant now, Instant windowEnd, Duration interval, int ratePerSecond, int maxWave) {
        return waveSize(remaining, now, windowEnd, interval, ratePerSecond, maxWave, false);
    }

    /** With {@code asap}, the rest goes out as fast as the limits allow instead of spread over the window. */
    public static int waveSize(
            long remaining,
            Instant now,
            Instant windowEnd,
            Duration interval,
            int ratePerSecond,
            int maxWave,
            boolean asap) {
        long millisLeft = Duration.between(now, windowEnd).toMillis();
        if (remaining <= 0 || millisLeft <= 0) {
            return 0;
        }
        long wavesLeft = asap ? 1 : Math.max(1, (millisLeft + interval.toMillis() - 1) / interval.toMillis());
        long even = (remaining + wavesLeft - 1) / wavesLeft;
        return (int) Math.min(even, cap(interval, ratePerSecond, maxWave));
    }

    /** The largest wave: {@code maxWave}, or fewer when the rate limit allows fewer in one interval. */
    public static int cap(Duration interval, int ratePerSecond, int maxWave) {
        return ratePerSecond > 0
                ? (int) Math.min(maxWave, Math.max(1, ratePerSecond * interval.toMillis() / 1000))
                : maxWave;
    }
}
