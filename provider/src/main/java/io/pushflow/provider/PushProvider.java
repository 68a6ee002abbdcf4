package io.pushflow.provider;

/** Sends pushes: OneSignal now; FCM and APNs can follow behind the same interface. */
public interface PushProvider {

    SendResult send(PushMessage message) throws ProviderException, InterruptedException;

    /** One look at a notification's delivery (no retries: the caller polls on its own schedule). */
    NotificationStatus status(String notificationId) throws ProviderException, InterruptedException;
}
