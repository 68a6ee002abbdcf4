package io.pushflow.core.user;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The sports the app forecasts for. The declaration order is the bit order of the
 * {@code sports_mask} column in ClickHouse {@code users}: never reorder, only append.
 */
public enum Sport {
    KITESURFING("kitesurfing"),
    WINDSURFING("windsurfing"),
    WINGFOILING("wingfoiling"),
    SAILING("sailing"),
    SURFING("surfing"),
    SUP("sup"),
    KAYAKING("kayaking"),
    FISHING("fishing"),
    DIVING("diving"),
    PARAGLIDING("paragliding"),
    HIKING("hiking"),
    CYCLING("cycling"),
    SKIING("skiing"),
    SNOWBOARDING("snowboarding");

    private final String code;

    Sport(String code) {
        this.code = code;
    }

    public String code() {
        return code;
    }

    public long bit() {
        return 1L << ordinal();
    }

    public static Optional<Sport> fromCode(String code) {
        return Arrays.stream(values()).filter(s -> s.code.equals(code)).findFirst();
    }

    public static List<String> codes() {
        return Arrays.stream(values()).map(Sport::code).toList();
    }

    /** Every mask of the known sports and its codes, made once: the delivery gate asks for one per user it checks. */
    private static final List<?>[] CODES = new List<?>[1 << values().length];

    /** The sports a {@code sports_mask} holds, in bit order. */
    @SuppressWarnings("unchecked")
    public static List<String> codes(long mask) {
        if (mask < 0 || mask >= CODES.length) {
            return Arrays.stream(values())
                    .filter(s -> (mask & s.bit()) != 0)
                    .map(Sport::code)
                    .toList();
        }
        List<String> known = (List<String>) CODES[(int) mask];
        if (known == null) {
            known = List.copyOf(Arrays.stream(values())
                    .filter(s -> (mask & s.bit()) != 0)
                    .map(Sport::code)
                    .toList());
            CODES[(int) mask] = known; // a benign race: every thread computes the same list
        }
        return known;
    }
}
