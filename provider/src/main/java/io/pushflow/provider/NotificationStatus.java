package io.pushflow.provider;

/**
 * A notification's delivery as the provider reports it: delivered to devices, not delivered because the device
 * unsubscribed, errored, clicked, and not sent yet. Complete when nothing remains.
 */
public record NotificationStatus(String notificationId, long successful, long failed, long errored, long converted, long remaining) {

    public boolean complete() {
        return remaining == 0;
    }
}
