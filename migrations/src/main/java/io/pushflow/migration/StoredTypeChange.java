package io.pushflow.migration;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.ExecutionConfig;
import org.apache.flink.api.common.state.StateDescriptor;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.runtime.jobgraph.OperatorID;
import org.apache.flink.shaded.guava31.com.google.common.hash.Hashing;
import org.apache.flink.util.InstantiationUtil;

/**
 * A keyed state of one operator whose stored values are now of another class with the same fields, so the same bytes:
 * only the serializer snapshot a savepoint keeps for it (the class name) must become the current one. The state has no
 * time-to-live (whose serializer wraps the value's) and keeps its name.
 */
public record StoredTypeChange(String operatorUid, StateDescriptor<?, ?> state) {

    public StoredTypeChange {
        if (state.getTtlConfig().isEnabled()) {
            throw new IllegalArgumentException(state.getName() + ": a state with a time-to-live wraps its values");
        }
    }

    /** The operator's id in a savepoint: Flink's hash of the uid (murmur3 128, seed 0, as its StreamGraphHasherV2). */
    public OperatorID operatorId() {
        return new OperatorID(Hashing.murmur3_128(0)
                .hashString(operatorUid, StandardCharsets.UTF_8)
                .asBytes());
    }

    /** The serializer snapshot the current jobs write for the state, from a copy (the descriptor is shared). */
    public TypeSerializerSnapshot<?> currentSnapshot() throws IOException {
        try {
            StateDescriptor<?, ?> copy =
                    InstantiationUtil.clone(state, getClass().getClassLoader());
            copy.initializeSerializerUnlessSet(new ExecutionConfig());
            return copy.getSerializer().snapshotConfiguration();
        } catch (ClassNotFoundException e) {
            throw new IOException(e);
        }
    }

    @Override
    public String toString() {
        return operatorUid + "/" + state.getName();
    }
}
