package io.pushflow.flink.delivery;

/**
 * What became of one request: the provider's notification id, the ids it called invalid, or its final error; for a
 * direct send, each device's answer ({@link io.pushflow.provider.device.DeviceOutcome.Status} ordinals and reasons, in
 * the request's order).
 */
public class SendReport {

    public SendRequest request;
    public String notificationId;
    public String[] invalidTokens = new String[0];
    public String error;
    public int status;
    public int attempts;
    public long latencyMillis;
    public long atMillis;
    /** A direct send: when it was handed to the service (for a replay, when its answers were recorded); 0 for OneSignal. */
    public long handedAtMillis;

    public byte[] deviceStatuses;
    public String[] deviceReasons;
    /** A direct send the ledger already knew: its answers are the recorded ones, nothing was sent again. */
    public boolean replayed;

    public SendReport() {}
}
