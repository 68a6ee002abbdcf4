package io.pushflow.core.user;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What a user's device token is, so a direct send knows which service takes it. The OneSignal subscription id is a
 * token of its own ({@code push_token}) beside it: an install OneSignal knows has an FCM or APNs token underneath.
 */
public enum DeviceTokenKind {
    /** No device token known: the install can be reached through OneSignal only. */
    NONE(null),
    /** A Firebase Cloud Messaging registration token. */
    FCM(Pattern.compile("[A-Za-z0-9_:-]{32,4096}")),
    /** An APNs device token as hex (32 bytes today; Apple may lengthen it). */
    APNS(Pattern.compile("(?:[0-9a-f]{2}){32,100}"));

    private final Pattern shape;

    DeviceTokenKind(Pattern shape) {
        this.shape = shape;
    }

    /** The name in lower case, as the users table, imports, changes and filter chains write it. */
    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static List<String> codes() {
        return Arrays.stream(values()).map(DeviceTokenKind::code).toList();
    }

    public static Optional<DeviceTokenKind> fromCode(String code) {
        return Arrays.stream(values()).filter(k -> k.code().equals(code)).findFirst();
    }

    /** The token in the form the table keeps (APNs hex in lower case). */
    public String normalize(String token) {
        return this == APNS ? token.toLowerCase(Locale.ROOT) : token;
    }

    /** Whether {@code token} (normalized) has this kind's shape; only the empty token is of kind NONE. */
    public boolean fits(String token) {
        return shape == null ? token.isEmpty() : shape.matcher(token).matches();
    }

    /** The service that takes this kind's tokens, as people write its name; an install without one is reached through OneSignal. */
    public String serviceName() {
        return switch (this) {
            case NONE -> "OneSignal";
            case FCM -> "FCM";
            case APNS -> "APNs";
        };
    }

    /** The shape {@link #fits} checks, in words for an error message. */
    public String shapeDescription() {
        return switch (this) {
            case NONE -> "empty";
            case FCM -> "an FCM registration token (32 to 4096 letters, digits, '-', '_', ':')";
            case APNS -> "an APNs device token (64 to 200 hex digits)";
        };
    }
}
