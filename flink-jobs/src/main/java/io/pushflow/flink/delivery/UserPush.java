package io.pushflow.flink.delivery;

import io.pushflow.flink.dispatch.OutboxBatch;
import io.pushflow.flink.dispatch.OutboxUser;

/** One user of an outbox batch on the way to the gate; {@code batchSize} lets the assembler know when a batch is whole. */
public class UserPush {

    public String batchId;
    public int batchSize;
    public long campaignId;
    public long campaignVersion;
    public String variant;
    public long wave;
    public OutboxUser user;

    public UserPush() {
    }

    public static UserPush of(OutboxBatch batch, OutboxUser user) {
        UserPush p = new UserPush();
        p.batchId = batch.batchId;
        p.batchSize = batch.users.length;
        p.campaignId = batch.campaignId;
        p.campaignVersion = batch.campaignVersion;
        p.variant = batch.variant;
        p.wave = batch.wave;
        p.user = user;
        return p;
    }
}
