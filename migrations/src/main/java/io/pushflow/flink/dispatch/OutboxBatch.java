package io.pushflow.flink.dispatch;

import io.pushflow.core.user.UserColumns;

/**
 * The wire contract {@code io.pushflow.flink.contracts.OutboxBatch} under the name it had before the contracts package
 * (savepoint format 1): savepoints of that time name this class in the delivery gate's {@code waiting} state, and
 * Flink loads it by that name to read them. Only its fields matter; {@code SavepointMigration} rewrites the state to the
 * current class, whose fields are the same ({@code LegacyTypesTest} holds them equal).
 */
public class OutboxBatch extends UserColumns {

    public int v;
    public String batchId;
    public long campaignId;
    public long campaignVersion;
    public String variant;
    public long wave;

    public OutboxBatch() {}
}
