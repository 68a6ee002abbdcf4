package io.pushflow.core.user;

import java.util.Map;

/**
 * A message on {@code user.changes}: some fields of one user, as of {@code version} (milliseconds since the
 * epoch of the change by convention, like the import's default). {@code set} uses the column names of
 * {@code users} (push_token, device_token with device_token_kind, subscribed, token_valid, country, sports, ...); a
 * change older than the stored row is ignored, and a change for an unknown user must carry every field a new user needs.
 */
public record UserChange(int v, long userId, long version, Map<String, Object> set) {

    public static final int VERSION = 1;
}
