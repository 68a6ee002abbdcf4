package io.pushflow.core.filter;

import io.pushflow.core.filter.FilterNode.Condition;
import io.pushflow.core.user.AppVersion;
import io.pushflow.core.user.Sport;
import java.time.Duration;
import java.time.Instant;

/**
 * The numbers both compilers compare against, computed once here so the SQL and the in-memory predicate
 * can never disagree: versions packed, sports as bitmasks, times as epoch seconds relative to one {@code now}.
 */
final class Operands {

    private Operands() {}

    static long version(String value) {
        return AppVersion.parse(value).packed();
    }

    static long sportsMask(Iterable<String> codes) {
        long mask = 0;
        for (String code : codes) {
            mask |= Sport.fromCode(code).orElseThrow().bit();
        }
        return mask;
    }

    /** Epoch seconds of an absolute operand, or of {@code now} minus a relative one. */
    static long epochSecond(Condition c, String value, Instant now) {
        return switch (c.op()) {
            case WITHIN_LAST, NOT_WITHIN_LAST ->
                now.getEpochSecond() - Duration.parse(value).getSeconds();
            default -> Instant.parse(value).getEpochSecond();
        };
    }
}
