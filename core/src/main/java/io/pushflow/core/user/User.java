package io.pushflow.core.user;

import java.time.Instant;
import java.util.List;

/**
 * One app install as ClickHouse {@code users} holds it (newest {@code version} wins). Times are UTC and
 * whole seconds, as the table stores them. {@code pushToken} is the OneSignal subscription id; {@code deviceToken}
 * the FCM or APNs token underneath it, empty with kind {@link DeviceTokenKind#NONE} where none is known.
 */
public record User(
        long userId,
        String app,
        String platform,
        String pushToken,
        String deviceToken,
        DeviceTokenKind deviceTokenKind,
        boolean tokenValid,
        boolean subscribed,
        boolean isPro,
        String country,
        String locale,
        String timezone,
        String appVersion,
        List<String> sports,
        Instant lastActiveAt,
        Instant installedAt,
        long version) {

    public User {
        sports = List.copyOf(sports);
    }

    /** The sports as the {@code sports_mask} column stores them (bit order of {@link Sport}). */
    public long sportsMask() {
        long mask = 0;
        for (String code : sports) {
            mask |= Sport.fromCode(code).map(Sport::bit).orElse(0L);
        }
        return mask;
    }

    /** The version as the {@code app_version_num} column stores it. */
    public long appVersionNum() {
        return AppVersion.parse(appVersion).packed();
    }

    public User withVersion(long newVersion) {
        return new User(
                userId,
                app,
                platform,
                pushToken,
                deviceToken,
                deviceTokenKind,
                tokenValid,
                subscribed,
                isPro,
                country,
                locale,
                timezone,
                appVersion,
                sports,
                lastActiveAt,
                installedAt,
                newVersion);
    }

    /** Whether a push can reach this install at all: subscribed with a valid token. */
    public boolean reachable() {
        return subscribed && tokenValid;
    }
}
