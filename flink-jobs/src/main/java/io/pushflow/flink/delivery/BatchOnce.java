package io.pushflow.flink.delivery;

import io.pushflow.flink.dispatch.OutboxBatch;
import io.pushflow.flink.dispatch.OutboxUser;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Lets each outbox batch of a campaign through once, as one push per user: a batch published twice (a retried
 * commit of the dispatch job's sink) would otherwise mix two copies in the assembler's count of the batch.
 */
public class BatchOnce extends KeyedProcessFunction<Long, OutboxBatch, GateInput> {

    public static final String UID = "outbox-batch-once";
    static final MapStateDescriptor<String, Boolean> SEEN = seen();

    private transient MapState<String, Boolean> seen;

    private static MapStateDescriptor<String, Boolean> seen() {
        MapStateDescriptor<String, Boolean> d = new MapStateDescriptor<>("seen-batches", String.class, Boolean.class);
        d.enableTimeToLive(StateTtlConfig.newBuilder(DeliveryGate.USER_STATE_TTL).build());
        return d;
    }

    @Override
    public void open(OpenContext context) {
        seen = getRuntimeContext().getMapState(SEEN);
    }

    @Override
    public void processElement(OutboxBatch batch, Context ctx, Collector<GateInput> out) throws Exception {
        if (seen.contains(batch.batchId)) {
            return;
        }
        seen.put(batch.batchId, true);
        for (OutboxUser user : batch.users) {
            out.collect(GateInput.of(UserPush.of(batch, user)));
        }
    }
}
