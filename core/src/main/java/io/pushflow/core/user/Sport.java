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

    /** The sports a {@code sports_mask} holds, in bit order. */
    public static List<String> codes(long mask) {
        return Arrays.stream(values()).filter(s -> (mask & s.bit()) != 0).map(Sport::code).toList();
    }
}
