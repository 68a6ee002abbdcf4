package io.pushflow.bench.admin;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import io.pushflow.core.json.Json;
import io.pushflow.core.user.DeviceTokenKind;
import io.pushflow.core.user.User;
import java.io.IOException;
import java.io.OutputStream;

/** Users as the NDJSON lines {@code POST /api/v1/users/import} takes: one object a line, the users table's field names. */
final class ImportLines implements AutoCloseable {

    private final JsonGenerator json;

    ImportLines(OutputStream out) throws IOException {
        this.json = Json.MAPPER.getFactory().createGenerator(out, JsonEncoding.UTF8);
        json.setRootValueSeparator(null);
    }

    void write(User u) throws IOException {
        json.writeStartObject();
        json.writeNumberField("user_id", u.userId());
        json.writeStringField("app", u.app());
        json.writeStringField("platform", u.platform());
        json.writeStringField("push_token", u.pushToken());
        if (u.deviceTokenKind() != DeviceTokenKind.NONE) {
            json.writeStringField("device_token", u.deviceToken());
            json.writeStringField("device_token_kind", u.deviceTokenKind().code());
        }
        json.writeBooleanField("token_valid", u.tokenValid());
        json.writeBooleanField("subscribed", u.subscribed());
        json.writeBooleanField("is_pro", u.isPro());
        json.writeStringField("country", u.country());
        json.writeStringField("locale", u.locale());
        json.writeStringField("timezone", u.timezone());
        json.writeStringField("app_version", u.appVersion());
        json.writeArrayFieldStart("sports");
        for (String sport : u.sports()) {
            json.writeString(sport);
        }
        json.writeEndArray();
        json.writeStringField("last_active_at", u.lastActiveAt().toString());
        json.writeStringField("installed_at", u.installedAt().toString());
        json.writeNumberField("version", u.version());
        json.writeEndObject();
        json.writeRaw('\n');
    }

    @Override
    public void close() throws IOException {
        json.close();
    }
}
