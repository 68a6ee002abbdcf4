package io.pushflow.flink.delivery;

import io.pushflow.core.delivery.Reason;
import io.pushflow.core.delivery.Suppression;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Who gets no push whatever the campaign, as every gate task hears it from {@code user.changes}: users who unsubscribed
 * and users whose OneSignal subscription is dead, a bitmap each, stored in broadcast state under the skip reason.
 */
final class SuppressionState {

    private final Suppression unsubscribed;
    private final Suppression invalidTokens;

    /** From the stored bitmaps; null ones are empty. */
    SuppressionState(byte[] unsubscribed, byte[] invalidTokens) {
        this.unsubscribed = unsubscribed == null ? new Suppression() : Suppression.fromBytes(unsubscribed);
        this.invalidTokens = invalidTokens == null ? new Suppression() : Suppression.fromBytes(invalidTokens);
    }

    void apply(UserDelta change) {
        if (change.subscribed == 0) {
            unsubscribed.suppress(change.userId);
        } else if (change.subscribed == 1) {
            unsubscribed.allow(change.userId);
        }
        if (change.tokenValid == 0) {
            invalidTokens.suppress(change.userId);
        } else if (change.tokenValid == 1 || change.tokenValid == -1 && change.setJson.contains("\"push_token\"")) {
            invalidTokens.allow(change.userId); // a new token is a working token until the provider says otherwise
        }
    }

    boolean unsubscribed(long userId) {
        return unsubscribed.isSuppressed(userId);
    }

    boolean tokenInvalid(long userId) {
        return invalidTokens.isSuppressed(userId);
    }

    /** The bitmaps compacted, by the reason they are stored under. */
    Map<String, byte[]> stored() {
        unsubscribed.compact();
        invalidTokens.compact();
        Map<String, byte[]> stored = new LinkedHashMap<>();
        stored.put(Reason.UNSUBSCRIBED, unsubscribed.toBytes());
        stored.put(Reason.INVALID_TOKEN, invalidTokens.toBytes());
        return stored;
    }
}
