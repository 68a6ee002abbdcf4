package io.pushflow.core.filter;

import io.pushflow.core.user.DeviceTokenKind;
import io.pushflow.core.user.Sport;
import io.pushflow.core.user.Vocabulary;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** A user attribute a filter chain may test: the columns of ClickHouse {@code users} that marketers select on. */
public enum Field {
    APP("app", FieldType.STRING, "Application id, e.g. windy-ios", List.of()),
    PLATFORM("platform", FieldType.ENUM, "Device platform", Vocabulary.PLATFORMS),
    DEVICE_TOKEN_KIND(
            "device_token_kind",
            FieldType.ENUM,
            "Kind of the device token for direct sending (none: OneSignal only)",
            DeviceTokenKind.codes()),
    COUNTRY("country", FieldType.COUNTRY, "ISO 3166-1 alpha-2 country code, e.g. PT", List.of()),
    LOCALE("locale", FieldType.LANGUAGE, "App language (ISO 639 code), e.g. pt", List.of()),
    TIMEZONE("timezone", FieldType.TIMEZONE, "IANA time zone, e.g. Europe/Lisbon", List.of()),
    APP_VERSION("app_version", FieldType.VERSION, "App version, compared as a version, e.g. 57.3.1", List.of()),
    SPORTS("sports", FieldType.SET, "Sports the user follows", Sport.codes()),
    IS_PRO("is_pro", FieldType.BOOLEAN, "Has a pro subscription", List.of()),
    LAST_ACTIVE_AT("last_active_at", FieldType.DATETIME, "Last time the user opened the app (UTC)", List.of()),
    INSTALLED_AT("installed_at", FieldType.DATETIME, "Install time (UTC)", List.of());

    private final String code;
    private final FieldType type;
    private final String description;
    private final List<String> allowedValues;

    Field(String code, FieldType type, String description, List<String> allowedValues) {
        this.code = code;
        this.type = type;
        this.description = description;
        this.allowedValues = allowedValues;
    }

    public String code() {
        return code;
    }

    public FieldType type() {
        return type;
    }

    public String description() {
        return description;
    }

    /** The closed list of values for ENUM and SET fields; empty where any well-formed value is allowed. */
    public List<String> allowedValues() {
        return allowedValues;
    }

    public List<Operator> operators() {
        return type.operators();
    }

    public static Optional<Field> fromCode(String code) {
        return Arrays.stream(values()).filter(f -> f.code.equals(code)).findFirst();
    }
}
