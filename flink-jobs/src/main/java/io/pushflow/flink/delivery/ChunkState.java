package io.pushflow.flink.delivery;

/** What the gate read of one chunk's keyed state to decide one batch: the campaign's decided users, user changes, send history. */
record ChunkState(DecidedUsers decided, ChunkChanges changes, FrequencyCap cap) {}
