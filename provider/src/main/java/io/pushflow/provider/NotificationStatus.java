package io.pushflow.provider;

/**
 * A notification's delivery as the provider reports it: delivered to the push services, not delivered because the
 * device unsubscribed, errored, clicked ({@code converted}: users who clicked it, the provider's own count), not sent
 * yet, and confirmed received on devices (0 where the account does not report receipts). Complete when nothing remains.
 */
public record NotificationStatus(
        String notificationId,
        long successful,
        long failed,
        long errored,
        long converted,
        long remaining,
        long received) {

    public boolean complete() {
        return remaining == 0;
    }
}
