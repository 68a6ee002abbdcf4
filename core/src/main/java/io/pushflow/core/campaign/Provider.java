package io.pushflow.core.campaign;

import java.util.Locale;

/**
 * How a campaign reaches its users: through OneSignal (one request for up to 2,000 subscription ids, OneSignal's
 * delivery and click counts), or {@code DIRECT}: straight to Apple's Push Notification service for users with an APNs
 * device token and to Firebase Cloud Messaging for users with an FCM token, one request per device.
 */
public enum Provider {
    ONESIGNAL,
    DIRECT;

    /** The provider a snapshot names; a snapshot from before the field had one means OneSignal. */
    public static Provider of(String name) {
        return name == null || name.isBlank() ? ONESIGNAL : valueOf(name.trim().toUpperCase(Locale.ROOT));
    }
}
