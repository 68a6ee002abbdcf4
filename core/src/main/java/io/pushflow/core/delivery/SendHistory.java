package io.pushflow.core.delivery;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;

/**
 * A user's recent campaign pushes (epoch milliseconds, oldest first), for the rolling frequency cap across
 * campaigns: at most {@code count} pushes in any {@code period}. Only the newest {@link #KEPT} are kept, which
 * is enough for every cap the API allows (count up to 100).
 */
public record SendHistory(long[] sentAtMillis) {

    public static final int KEPT = 100;
    public static final SendHistory EMPTY = new SendHistory(new long[0]);

    /** Whether one more push now stays within the cap. */
    public boolean allows(Instant now, int count, Duration period) {
        long since = now.toEpochMilli() - period.toMillis();
        int recent = 0;
        for (long at : sentAtMillis) {
            if (at > since) {
                recent++;
            }
        }
        return recent < count;
    }

    /** This history with a push at {@code at} added, the oldest dropped past {@link #KEPT}. */
    public SendHistory with(Instant at) {
        long[] next = Arrays.copyOf(sentAtMillis, sentAtMillis.length + 1);
        next[next.length - 1] = at.toEpochMilli();
        Arrays.sort(next);
        return new SendHistory(next.length > KEPT ? Arrays.copyOfRange(next, next.length - KEPT, next.length) : next);
    }

    /** This history without pushes older than {@code horizon}, so state does not grow with time. */
    public SendHistory since(Instant horizon) {
        return new SendHistory(Arrays.stream(sentAtMillis)
                .filter(at -> at > horizon.toEpochMilli())
                .toArray());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SendHistory h && Arrays.equals(sentAtMillis, h.sentAtMillis);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(sentAtMillis);
    }

    @Override
    public String toString() {
        return "SendHistory" + Arrays.toString(sentAtMillis);
    }
}
