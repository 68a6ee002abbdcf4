package io.pushflow.core.delivery;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;

/**
 * No pushes between {@code start} and {@code end} of the user's own local time; the window may wrap midnight
 * (22:00-08:00). Daylight-saving gaps and overlaps are resolved the way {@link ZonedDateTime} does (a local time
 * in a gap moves forward).
 */
public record QuietHours(LocalTime start, LocalTime end) {

    /** What to do with a push now: send it, hold it until a moment inside the send window, or skip it. */
    public record Decision(Kind kind, Instant notBefore) {
        public enum Kind {
            SEND,
            DEFER,
            SKIP
        }
    }

    public QuietHours {
        if (start.equals(end)) {
            throw new IllegalArgumentException("quiet hours from " + start + " to " + end + " are empty");
        }
    }

    public boolean isQuiet(Instant now, ZoneId zone) {
        LocalTime local = now.atZone(zone).toLocalTime();
        return start.isBefore(end)
                ? !local.isBefore(start) && local.isBefore(end)
                : !local.isBefore(start) || local.isBefore(end);
    }

    /** When the quiet hours the user is in now end (only meaningful while {@link #isQuiet}). */
    public Instant end(Instant now, ZoneId zone) {
        ZonedDateTime local = now.atZone(zone);
        LocalDate day = local.toLocalTime().isBefore(end)
                ? local.toLocalDate()
                : local.toLocalDate().plusDays(1);
        return ZonedDateTime.of(day, end, zone).toInstant();
    }

    /** Send now outside quiet hours; inside them wait for their end when that is before {@code windowEnd}, else skip. */
    public Decision decide(Instant now, ZoneId zone, Instant windowEnd) {
        if (!isQuiet(now, zone)) {
            return new Decision(Decision.Kind.SEND, now);
        }
        Instant resume = end(now, zone);
        return resume.isBefore(windowEnd)
                ? new Decision(Decision.Kind.DEFER, resume)
                : new Decision(Decision.Kind.SKIP, resume);
    }
}
