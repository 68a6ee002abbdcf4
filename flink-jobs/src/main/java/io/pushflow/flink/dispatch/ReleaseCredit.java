package io.pushflow.flink.dispatch;

import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * Users a subtask released since it started, and how many of them a completed checkpoint has passed: the outbox sink
 * holds every batch until the checkpoint after it completes, so the difference is what the sink still holds. No state:
 * after a restart the sink holds nothing released before it.
 */
final class ReleaseCredit {

    private long released;
    private long committed;
    /** {@link #released} at each pending checkpoint's barrier. */
    private final NavigableMap<Long, Long> releasedAtBarrier = new TreeMap<>();

    void released(long users) {
        released += users;
    }

    void barrier(long checkpointId) {
        releasedAtBarrier.put(checkpointId, released);
    }

    /** A checkpoint completed: what was released before its barrier (or an earlier pending one's) has left the sink. */
    void completed(long checkpointId) {
        Map.Entry<Long, Long> passed = releasedAtBarrier.floorEntry(checkpointId);
        if (passed != null) {
            committed = Math.max(committed, passed.getValue());
            releasedAtBarrier.headMap(checkpointId, true).clear();
        }
    }

    /** Users released and still held by the sink until a checkpoint completes. */
    long uncommitted() {
        return released - committed;
    }
}
