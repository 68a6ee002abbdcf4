package io.pushflow.core.user;

import java.util.Arrays;
import java.util.regex.Pattern;

/**
 * A dotted numeric app version ({@code 57}, {@code 57.3}, {@code 57.3.1}) compared component by
 * component, missing components counting as zero, so {@code 57.10 > 57.9} and {@code 57.0 == 57}.
 */
public record AppVersion(int major, int minor, int patch) implements Comparable<AppVersion> {

    private static final Pattern SHAPE = Pattern.compile("\\d{1,6}(\\.\\d{1,6}){0,2}");
    /** Each component must fit in three decimal digits of the packed form below. */
    public static final int MAX_COMPONENT = 999;

    public static boolean isValid(String text) {
        if (text == null || !SHAPE.matcher(text).matches()) {
            return false;
        }
        return Arrays.stream(text.split("\\.")).mapToInt(Integer::parseInt).allMatch(c -> c <= MAX_COMPONENT);
    }

    public static AppVersion parse(String text) {
        if (!isValid(text)) {
            throw new IllegalArgumentException(
                    "not a version like 57.3.1 (up to three numbers 0-" + MAX_COMPONENT + "): " + text);
        }
        int[] c = Arrays.stream(text.split("\\.")).mapToInt(Integer::parseInt).toArray();
        return new AppVersion(c[0], c.length > 1 ? c[1] : 0, c.length > 2 ? c[2] : 0);
    }

    /** The order-preserving number stored beside the text in ClickHouse: major*1e6 + minor*1e3 + patch. */
    public long packed() {
        return major * 1_000_000L + minor * 1_000L + patch;
    }

    @Override
    public int compareTo(AppVersion other) {
        return Long.compare(packed(), other.packed());
    }

    @Override
    public String toString() {
        return major + "." + minor + "." + patch;
    }
}
