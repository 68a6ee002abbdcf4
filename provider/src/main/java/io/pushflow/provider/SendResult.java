package io.pushflow.provider;

import java.util.List;

/**
 * What the provider made of a message: the notification id (empty when none was created), the subscription ids
 * it reported as not (or no longer) subscribed, its error texts, and how many attempts it took.
 */
public record SendResult(
        String notificationId, List<String> invalidSubscriptionIds, List<String> errors, int attempts) {

    public boolean sent() {
        return notificationId != null && !notificationId.isEmpty();
    }
}
