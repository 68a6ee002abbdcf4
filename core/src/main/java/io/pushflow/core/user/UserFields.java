package io.pushflow.core.user;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads user attributes from generic records (a JSON object, a CSV row, a change message) with the column
 * names of ClickHouse {@code users}, checking each value; the first bad value is reported by field.
 */
public final class UserFields {

    /**
     * Fields a new user must have, beside a token to reach them ({@code push_token}, a device token with its kind, or
     * both); the others default (app from the platform, token valid, subscribed, not pro, no sports).
     */
    public static final List<String> REQUIRED = List.of(
            "user_id", "platform", "country", "locale", "timezone", "app_version", "last_active_at", "installed_at");
    /** Fields a change may set. */
    public static final Set<String> CHANGEABLE = Set.of(
            "app",
            "platform",
            "push_token",
            "device_token",
            "device_token_kind",
            "token_valid",
            "subscribed",
            "is_pro",
            "country",
            "locale",
            "timezone",
            "app_version",
            "sports",
            "last_active_at",
            "installed_at");

    static final int MAX_TEXT = 200;
    /** FCM registration tokens are longer than any other text (about 160 characters today, with no documented bound). */
    static final int MAX_DEVICE_TOKEN = 4096;

    private UserFields() {}

    /** A bad value, naming the field. */
    public static final class InvalidUserException extends IllegalArgumentException {
        public InvalidUserException(String message) {
            super(message);
        }
    }

    /** A whole new user; {@code version} applies where the record has none. */
    public static User user(Map<String, ?> record, long defaultVersion) {
        for (String field : REQUIRED) {
            Object v = record.get(field);
            if (v == null || v instanceof String s && s.isEmpty()) {
                throw new InvalidUserException(field + " is missing");
            }
        }
        for (String key : record.keySet()) {
            if (!CHANGEABLE.contains(key) && !key.equals("user_id") && !key.equals("version")) {
                throw new InvalidUserException("unknown field '" + key + "'");
            }
        }
        // an install sent to only directly (APNs, FCM) has no OneSignal subscription id: an empty one is none
        boolean subscription =
                record.get("push_token") != null && !(record.get("push_token") instanceof String s && s.isEmpty());
        boolean device = record.get("device_token") instanceof String d && !d.isEmpty();
        if (!subscription && !device) {
            throw new InvalidUserException(
                    "push_token is missing (or a device_token with its device_token_kind, for an install "
                            + "reached only directly)");
        }
        String platform = text(record, "platform");
        Map<String, Object> defaults = new LinkedHashMap<>();
        defaults.put("app", "windy-" + platform);
        defaults.put("token_valid", true);
        defaults.put("subscribed", true);
        defaults.put("is_pro", false);
        defaults.put("sports", List.of());
        defaults.putAll(record);
        if (!subscription) {
            defaults.remove("push_token");
        }
        Object version = record.get("version");
        long userId = positive(record.get("user_id"), "user_id");
        return apply(
                new User(
                        userId,
                        "",
                        "ios",
                        "",
                        "",
                        DeviceTokenKind.NONE,
                        true,
                        true,
                        false,
                        "",
                        "",
                        "UTC",
                        "0",
                        List.of(),
                        Instant.EPOCH,
                        Instant.EPOCH,
                        version == null || version instanceof String s && s.isEmpty()
                                ? defaultVersion
                                : positive(version, "version")),
                defaults);
    }

    /**
     * {@code user} with the given fields replaced (all checked), version unchanged. A device token comes with its kind
     * in the same record, so a change is checked without the stored row (the delivery job has none); the kind
     * {@code none} alone forgets the token.
     */
    public static User apply(User user, Map<String, ?> set) {
        String app = user.app();
        String platform = user.platform();
        String token = user.pushToken();
        String deviceToken = user.deviceToken();
        DeviceTokenKind deviceTokenKind = user.deviceTokenKind();
        boolean tokenValid = user.tokenValid();
        boolean subscribed = user.subscribed();
        boolean pro = user.isPro();
        String country = user.country();
        String locale = user.locale();
        String timezone = user.timezone();
        String version = user.appVersion();
        List<String> sports = user.sports();
        Instant lastActive = user.lastActiveAt();
        Instant installed = user.installedAt();
        for (Map.Entry<String, ?> e : set.entrySet()) {
            String field = e.getKey();
            switch (field) {
                case "app" -> app = text(set, field);
                case "platform" -> platform = oneOf(set, field, Vocabulary.PLATFORMS, false);
                case "push_token" -> token = text(set, field);
                case "device_token" -> deviceToken = text(set, field, MAX_DEVICE_TOKEN);
                case "device_token_kind" ->
                    deviceTokenKind = DeviceTokenKind.fromCode(oneOf(set, field, DeviceTokenKind.codes(), false))
                            .orElseThrow();
                case "token_valid" -> tokenValid = bool(set, field);
                case "subscribed" -> subscribed = bool(set, field);
                case "is_pro" -> pro = bool(set, field);
                case "country" ->
                    country = oneOf(set, field, Vocabulary.COUNTRIES, true).toUpperCase(Locale.ROOT);
                case "locale" -> locale = oneOf(set, field, Vocabulary.LANGUAGES, false);
                case "timezone" -> timezone = oneOf(set, field, Vocabulary.TIME_ZONES, false);
                case "app_version" -> {
                    version = text(set, field);
                    if (!AppVersion.isValid(version)) {
                        throw new InvalidUserException("app_version '" + version + "' is not a version like 57.3.1");
                    }
                }
                case "sports" -> sports = sports(set.get(field));
                case "last_active_at" -> lastActive = instant(set, field);
                case "installed_at" -> installed = instant(set, field);
                case "user_id", "version" -> {}
                default -> throw new InvalidUserException("unknown field '" + field + "'");
            }
        }
        if (set.containsKey("device_token") || set.containsKey("device_token_kind")) {
            deviceToken = deviceToken(
                    set.containsKey("device_token") ? deviceToken : "",
                    set.containsKey("device_token_kind") ? deviceTokenKind : null);
        }
        return new User(
                user.userId(),
                app,
                platform,
                token,
                deviceToken,
                deviceTokenKind,
                tokenValid,
                subscribed,
                pro,
                country,
                locale,
                timezone,
                version,
                sports,
                lastActive,
                installed,
                user.version());
    }

    /** The token as stored, checked against its kind ({@code null}: not given). */
    private static String deviceToken(String token, DeviceTokenKind kind) {
        if (kind == null || kind == DeviceTokenKind.NONE && !token.isEmpty()) {
            throw new InvalidUserException("device_token needs device_token_kind (" + DeviceTokenKind.FCM.code()
                    + " or " + DeviceTokenKind.APNS.code() + ") beside it");
        }
        String normalized = kind.normalize(token);
        if (!kind.fits(normalized)) {
            throw new InvalidUserException(
                    token.isEmpty()
                            ? "device_token_kind " + kind.code() + " needs a device_token beside it"
                            : "device_token is not " + kind.shapeDescription() + " (device_token_kind " + kind.code()
                                    + ")");
        }
        return normalized;
    }

    private static String text(Map<String, ?> record, String field) {
        return text(record, field, MAX_TEXT);
    }

    private static String text(Map<String, ?> record, String field, int max) {
        Object v = record.get(field);
        if (!(v instanceof String s)
                || s.isEmpty()
                || s.length() > max
                || s.chars().anyMatch(Character::isISOControl)) {
            throw new InvalidUserException(field + " must be a text of 1 to " + max + " characters");
        }
        return s;
    }

    private static String oneOf(Map<String, ?> record, String field, Collection<String> allowed, boolean upper) {
        String v = text(record, field);
        String key = upper ? v.toUpperCase(Locale.ROOT) : v;
        if (!allowed.contains(key)) {
            throw new InvalidUserException(field + " '" + v + "' is not "
                    + switch (field) {
                        case "country" -> "an ISO 3166-1 alpha-2 code such as PT";
                        case "locale" -> "an ISO 639-1 language code such as pt";
                        case "timezone" -> "an IANA time zone such as Europe/Lisbon";
                        default -> "one of " + allowed;
                    });
        }
        return key;
    }

    private static boolean bool(Map<String, ?> record, String field) {
        Object v = record.get(field);
        if (v instanceof Boolean b) {
            return b;
        }
        String s = String.valueOf(v).trim().toLowerCase(Locale.ROOT);
        return switch (s) {
            case "1", "true" -> true;
            case "0", "false" -> false;
            default -> throw new InvalidUserException(field + " must be true/false or 1/0, got '" + v + "'");
        };
    }

    private static long positive(Object v, String field) {
        try {
            long n = v instanceof Number num && !(v instanceof Double || v instanceof Float)
                    ? num.longValue()
                    : Long.parseLong(String.valueOf(v).trim());
            if (n <= 0) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new InvalidUserException(field + " must be a positive whole number, got '" + v + "'");
        }
    }

    private static Instant instant(Map<String, ?> record, String field) {
        String v = text(record, field);
        try {
            return Instant.parse(v).truncatedTo(ChronoUnit.SECONDS);
        } catch (DateTimeParseException e) {
            throw new InvalidUserException(
                    field + " '" + v + "' is not an ISO 8601 UTC time such as 2026-11-24T10:15:00Z");
        }
    }

    /** A JSON list, or a text with sports separated by '|' (CSV). */
    private static List<String> sports(Object v) {
        List<?> items;
        if (v instanceof List<?> list) {
            items = list;
        } else if (v instanceof String s) {
            items = s.isBlank() ? List.of() : List.of(s.split("\\|"));
        } else {
            throw new InvalidUserException(
                    "sports must be a list such as [\"kitesurfing\"] (in CSV: kitesurfing|sailing)");
        }
        List<String> out = new ArrayList<>();
        for (Object item : items) {
            String code = String.valueOf(item).trim();
            if (Sport.fromCode(code).isEmpty()) {
                throw new InvalidUserException(
                        "sports: unknown sport '" + code + "'; known: " + String.join(", ", Sport.codes()));
            }
            if (!out.contains(code)) {
                out.add(code);
            }
        }
        return out;
    }
}
