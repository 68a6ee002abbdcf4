package io.pushflow.flink.delivery;

/**
 * The wire contract {@code io.pushflow.flink.contracts.ProviderNotification} under the name it had before the contracts
 * package (savepoint format 1): savepoints of that time name this class inside the delivery poller's {@code poll}
 * state, and Flink loads it by that name to read them. Only its fields matter; {@code SavepointMigration} rewrites the
 * state to the current class, whose fields are the same ({@code LegacyTypesTest} holds them equal).
 */
public class ProviderNotification {

    public String notificationId;
    public long campaignId;
    public String variant;
    public String requestId;
    public int recipients;
    public long sentAtMillis;
    public long successful;
    public long failed;
    public long errored;
    public long converted;
    public long remaining;
    public long received;
    public long checkedAtMillis;

    public ProviderNotification() {}
}
