package io.pushflow.store;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import io.pushflow.core.json.Json;
import io.pushflow.core.user.DeviceTokenKind;
import io.pushflow.core.user.User;
import io.pushflow.core.user.UserColumns;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

/** Users to and from the JSONEachRow rows of ClickHouse {@code users}, the fast encodings included. */
public final class UserRows {

    /** The columns in table order. */
    public static final List<String> COLUMNS = List.of(
            "user_id",
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
            "app_version_num",
            "sports",
            "sports_mask",
            "last_active_at",
            "installed_at",
            "version");

    private UserRows() {}

    /** JSONEachRow lines for an insert. */
    public static byte[] jsonEachRow(Iterable<User> users) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(1 << 16);
        try (JsonGenerator g = Json.MAPPER.getFactory().createGenerator(out, JsonEncoding.UTF8)) {
            for (User u : users) {
                write(g, u);
                g.flush();
                out.write('\n');
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    static void write(JsonGenerator g, User u) throws IOException {
        g.writeStartObject();
        g.writeNumberField("user_id", u.userId());
        g.writeStringField("app", u.app());
        g.writeStringField("platform", u.platform());
        g.writeStringField("push_token", u.pushToken());
        g.writeNumberField("token_valid", u.tokenValid() ? 1 : 0);
        g.writeNumberField("subscribed", u.subscribed() ? 1 : 0);
        g.writeNumberField("is_pro", u.isPro() ? 1 : 0);
        g.writeStringField("country", u.country());
        g.writeStringField("locale", u.locale());
        g.writeStringField("timezone", u.timezone());
        g.writeStringField("app_version", u.appVersion());
        g.writeNumberField("app_version_num", u.appVersionNum());
        g.writeArrayFieldStart("sports");
        for (String sport : u.sports()) {
            g.writeString(sport);
        }
        g.writeEndArray();
        g.writeNumberField("sports_mask", u.sportsMask());
        g.writeStringField("last_active_at", dateTime(u.lastActiveAt()));
        g.writeStringField("installed_at", dateTime(u.installedAt()));
        g.writeNumberField("version", u.version());
        g.writeStringField("device_token", u.deviceToken());
        g.writeStringField("device_token_kind", u.deviceTokenKind().code());
        g.writeEndObject();
    }

    static String dateTime(Instant instant) {
        return ClickHouse.dateTime(instant);
    }

    /** What a read of users selects: the columns a {@link User} holds, times as epoch seconds (cheaper to read than text). */
    static final String SELECT =
            "user_id, app, platform, push_token, token_valid, subscribed, is_pro, country, locale, timezone,"
                    + " app_version, sports, toUnixTimestamp(last_active_at) AS last_active_s, toUnixTimestamp(installed_at) AS installed_s, version,"
                    + " device_token, toString(device_token_kind) AS device_token_kind";

    /** What an audience page selects, in the order {@link #read} takes it as RowBinary. */
    static final String PAGE =
            "user_id, push_token, device_token, toString(device_token_kind) AS device_token_kind_name, token_valid, subscribed, is_pro, toString(platform) AS platform_name, app, country, locale,"
                    + " timezone, app_version, sports_mask, last_active_at, installed_at, version";

    /** Adds every row of a RowBinary result of {@link #PAGE} to {@code page}. */
    static UserColumns.Builder read(ByteBuffer rows, UserColumns.Builder page) {
        while (rows.hasRemaining()) {
            long id = rows.getLong();
            String token = string(rows);
            String deviceToken = string(rows);
            DeviceTokenKind deviceTokenKind =
                    DeviceTokenKind.fromCode(string(rows)).orElse(DeviceTokenKind.NONE);
            int flags = (rows.get() == 1 ? UserColumns.TOKEN_VALID : 0)
                    | (rows.get() == 1 ? UserColumns.SUBSCRIBED : 0)
                    | (rows.get() == 1 ? UserColumns.PRO : 0);
            String platform = string(rows);
            String app = string(rows);
            String country = country(rows);
            String locale = string(rows);
            String timezone = string(rows);
            String appVersion = string(rows);
            long sports = rows.getLong();
            long lastActive = Integer.toUnsignedLong(rows.getInt());
            long installed = Integer.toUnsignedLong(rows.getInt());
            long version = rows.getLong();
            page.add(
                    id,
                    token,
                    deviceToken,
                    deviceTokenKind,
                    flags,
                    version,
                    platform,
                    app,
                    country,
                    locale,
                    timezone,
                    appVersion,
                    sports,
                    lastActive,
                    installed);
        }
        return page;
    }

    /** A RowBinary String: an unsigned LEB128 length, then UTF-8. */
    private static String string(ByteBuffer in) {
        int length = 0;
        for (int shift = 0; ; shift += 7) {
            byte b = in.get();
            length |= (b & 0x7F) << shift;
            if (b >= 0) {
                break;
            }
        }
        String s = new String(in.array(), in.arrayOffset() + in.position(), length, StandardCharsets.UTF_8);
        in.position(in.position() + length);
        return s;
    }

    /** FixedString(2): the code, or '' for the two zero bytes of an unknown country. */
    private static String country(ByteBuffer in) {
        byte a = in.get();
        byte b = in.get();
        return a == 0 ? "" : new String(new byte[] {a, b}, StandardCharsets.US_ASCII);
    }

    /**
     * One row of {@link #SELECT}, bound by Jackson straight from the JSONEachRow line (no map per row: a campaign's
     * audience pages are read this way, 100,000 rows a wave). 64-bit integers arrive quoted and are coerced.
     */
    static final class Row {
        public long user_id;
        public String app;
        public String platform;
        public String push_token;
        public int token_valid;
        public int subscribed;
        public int is_pro;
        public String country;
        public String locale;
        public String timezone;
        public String app_version;
        public List<String> sports;
        public long last_active_s;
        public long installed_s;
        public long version;
        public String device_token;
        public String device_token_kind;

        User toUser() {
            return new User(
                    user_id,
                    app,
                    platform,
                    push_token,
                    device_token,
                    DeviceTokenKind.fromCode(device_token_kind).orElse(DeviceTokenKind.NONE),
                    token_valid == 1,
                    subscribed == 1,
                    is_pro == 1,
                    country.replace("\0", ""),
                    locale,
                    timezone,
                    app_version,
                    sports,
                    Instant.ofEpochSecond(last_active_s),
                    Instant.ofEpochSecond(installed_s),
                    version);
        }
    }
}
