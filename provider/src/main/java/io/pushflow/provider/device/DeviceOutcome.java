package io.pushflow.provider.device;

import java.time.Instant;

/**
 * What became of one device's push in one call.
 *
 * @param reason           the service's reason (APNs {@code reason}, FCM {@code errorCode} or status) or ours; null when sent
 * @param attempts         requests sent for this device (0 when it was refused before sending)
 * @param tokenInvalidSince APNs's timestamp of a 410 (when the token stopped being valid), else null
 */
public record DeviceOutcome(String token, Status status, String reason, int attempts, Instant tokenInvalidSince) {

    public enum Status {
        /** The service accepted the push for this device. */
        SENT,
        /** The token is not (or no longer) valid: suppress it at once, never send to it again. */
        TOKEN_INVALID,
        /** Refused for good for a reason other than the token (payload, credentials, topic, ...): {@code reason} says which. */
        FAILED,
        /** Rate-limited or a server error on every attempt: nothing reached the device, a later call may try again. */
        RETRIES_EXHAUSTED,
        /**
         * A request went out and no answer came (timeout, connection lost): the device may have the push. Never retried,
         * so that no device gets it twice; record it as sent-or-lost, not as something to send again.
         */
        UNCONFIRMED
    }

    public boolean sent() {
        return status == Status.SENT;
    }
}
