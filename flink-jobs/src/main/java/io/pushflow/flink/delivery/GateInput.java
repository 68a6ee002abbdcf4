package io.pushflow.flink.delivery;

import io.pushflow.flink.contracts.OutboxBatch;

/** What reaches the gate for one chunk of users: an outbox batch to decide, or a change of one user's data. */
public class GateInput {

    public OutboxBatch batch;
    public UserDelta change;

    public GateInput() {}

    public static GateInput of(OutboxBatch batch) {
        GateInput in = new GateInput();
        in.batch = batch;
        return in;
    }

    public static GateInput of(UserDelta change) {
        GateInput in = new GateInput();
        in.change = change;
        return in;
    }

    /** The chunk of user ids this input concerns: the gate's key. */
    public long chunk() {
        return batch != null ? batch.chunk() : OutboxBatch.chunkOf(change.userId);
    }
}
