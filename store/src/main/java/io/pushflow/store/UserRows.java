package io.pushflow.store;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import io.pushflow.core.json.Json;
import io.pushflow.core.user.User;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Users to and from the JSONEachRow rows of ClickHouse {@code users}, the fast encodings included. */
public final class UserRows {

    /** The columns in table order. */
    public static final List<String> COLUMNS = List.of("user_id", "app", "platform", "push_token", "token_valid", "subscribed",
            "is_pro", "country", "locale", "timezone", "app_version", "app_version_num", "sports", "sports_mask",
            "last_active_at", "installed_at", "version");

    private UserRows() {
    }

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
        g.writeEndObject();
    }

    static String dateTime(Instant instant) {
        return ClickHouse.dateTime(instant);
    }

    /** A row as {@link ClickHouse#select} returns it. */
    @SuppressWarnings("unchecked")
    public static User fromRow(Map<String, Object> row) {
        return new User(
                number(row.get("user_id")),
                (String) row.get("app"),
                (String) row.get("platform"),
                (String) row.get("push_token"),
                number(row.get("token_valid")) == 1,
                number(row.get("subscribed")) == 1,
                number(row.get("is_pro")) == 1,
                ((String) row.get("country")).replace("\0", ""),
                (String) row.get("locale"),
                (String) row.get("timezone"),
                (String) row.get("app_version"),
                new ArrayList<>((List<String>) row.get("sports")),
                instant((String) row.get("last_active_at")),
                instant((String) row.get("installed_at")),
                number(row.get("version")));
    }

    private static long number(Object value) {
        return value instanceof Number n ? n.longValue() : Long.parseUnsignedLong(value.toString());
    }

    private static Instant instant(String value) {
        return LocalDateTime.parse(value, ClickHouse.DATE_TIME).toInstant(ZoneOffset.UTC);
    }
}
