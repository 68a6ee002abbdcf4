package io.pushflow.flink.delivery;

import io.pushflow.core.json.Json;
import io.pushflow.core.user.DeviceTokenKind;
import io.pushflow.core.user.User;
import io.pushflow.core.user.UserChange;
import io.pushflow.core.user.UserFields;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A {@code user.changes} message as the delivery job keeps it: the changed fields as JSON (checked on arrival),
 * with subscription and token validity pulled out for the suppression bitmaps (-1 when the change leaves them).
 */
public class UserDelta {

    public long userId;
    public long version;
    public String setJson;
    public int subscribed = -1;
    public int tokenValid = -1;

    public UserDelta() {}

    /** Checks every field the way the user store does, so a change the store refuses never reaches the gate either. */
    public static UserDelta of(UserChange change) {
        if (change.v() != UserChange.VERSION
                || change.userId() <= 0
                || change.set() == null
                || change.set().isEmpty()) {
            throw new IllegalArgumentException(
                    "not a v" + UserChange.VERSION + " user change with a user id and fields to set");
        }
        User applied = UserFields.apply(PLACEHOLDER, change.set());
        UserDelta d = new UserDelta();
        d.userId = change.userId();
        d.version = change.version();
        d.setJson = Json.write(change.set());
        d.subscribed = change.set().containsKey("subscribed") ? (applied.subscribed() ? 1 : 0) : -1;
        d.tokenValid = change.set().containsKey("token_valid") ? (applied.tokenValid() ? 1 : 0) : -1;
        return d;
    }

    @SuppressWarnings("unchecked")
    public Map<String, Object> set() {
        return Json.read(setJson, Map.class);
    }

    private static final User PLACEHOLDER = new User(
            1,
            "app",
            "ios",
            "token",
            "",
            DeviceTokenKind.NONE,
            true,
            true,
            false,
            "PT",
            "en",
            "UTC",
            "1.0.0",
            List.of(),
            Instant.EPOCH,
            Instant.EPOCH,
            0);
}
