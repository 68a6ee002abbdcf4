package io.pushflow.migration;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.flink.core.fs.FSDataInputStream;
import org.apache.flink.runtime.checkpoint.Checkpoints;
import org.apache.flink.runtime.checkpoint.OperatorState;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.checkpoint.StateObjectCollection;
import org.apache.flink.runtime.checkpoint.metadata.CheckpointMetadata;
import org.apache.flink.runtime.state.KeyGroupRange;
import org.apache.flink.runtime.state.KeyGroupsSavepointStateHandle;
import org.apache.flink.runtime.state.KeyGroupsStateHandle;
import org.apache.flink.runtime.state.KeyedStateHandle;
import org.apache.flink.runtime.state.filesystem.RelativeFileStateHandle;
import org.apache.flink.runtime.state.memory.ByteStreamStateHandle;

/** What the tests do to and read from a savepoint directory with Flink's own metadata classes. */
public final class SavepointFiles {

    private SavepointFiles() {}

    static CheckpointMetadata load(Path dir) throws IOException {
        try (InputStream in = Files.newInputStream(dir.resolve("_metadata"))) {
            return Checkpoints.loadCheckpointMetadata(
                    new DataInputStream(in),
                    SavepointFiles.class.getClassLoader(),
                    dir.toAbsolutePath().toString());
        }
    }

    /**
     * Moves every keyed state the metadata holds inline into a file of the savepoint's own, as Flink writes state
     * above its inline threshold (20 KB): the committed savepoints are small, a production one is not.
     */
    public static void externalize(Path dir) throws IOException {
        CheckpointMetadata metadata = load(dir);
        for (OperatorState operator : metadata.getOperatorStates()) {
            for (Map.Entry<Integer, OperatorSubtaskState> subtask :
                    Map.copyOf(operator.getSubtaskStates()).entrySet()) {
                List<KeyedStateHandle> handles = new ArrayList<>();
                for (KeyedStateHandle h : subtask.getValue().getManagedKeyedState()) {
                    if (h instanceof KeyGroupsStateHandle k
                            && k.getDelegateStateHandle() instanceof ByteStreamStateHandle b) {
                        String name = UUID.randomUUID().toString();
                        Path file = dir.resolve(name);
                        Files.write(file, b.getData());
                        h = new KeyGroupsSavepointStateHandle(
                                k.getGroupRangeOffsets(),
                                new RelativeFileStateHandle(
                                        new org.apache.flink.core.fs.Path(file.toUri()), name, b.getData().length));
                    }
                    handles.add(h);
                }
                operator.putState(
                        subtask.getKey(),
                        subtask.getValue().toBuilder()
                                .setManagedKeyedState(new StateObjectCollection<>(handles))
                                .build());
            }
        }
        try (OutputStream out = Files.newOutputStream(dir.resolve("_metadata"))) {
            Checkpoints.storeCheckpointMetadata(metadata, new DataOutputStream(out));
        }
    }

    /**
     * Per key group with data, in every keyed state handle: the bytes from its offset to the end of its handle (the
     * key group and every one after it), as Latin-1 text to compare. A rewrite of the header alone leaves them as
     * they were.
     */
    static Map<String, String> keyGroupTails(Path dir) throws IOException {
        Map<String, String> tails = new LinkedHashMap<>();
        for (OperatorState operator : load(dir).getOperatorStates()) {
            for (Map.Entry<Integer, OperatorSubtaskState> subtask :
                    operator.getSubtaskStates().entrySet()) {
                for (KeyedStateHandle h : subtask.getValue().getManagedKeyedState()) {
                    KeyGroupsStateHandle k = (KeyGroupsStateHandle) h;
                    byte[] all;
                    try (FSDataInputStream in = k.getDelegateStateHandle().openInputStream()) {
                        all = in.readAllBytes();
                    }
                    KeyGroupRange range = k.getKeyGroupRange();
                    for (int g = range.getStartKeyGroup(); g <= range.getEndKeyGroup(); g++) {
                        long offset = k.getOffsetForKeyGroup(g);
                        if (offset != 0) {
                            tails.put(
                                    operator.getOperatorID() + "/" + subtask.getKey() + "/" + g,
                                    new String(
                                            all, (int) offset, all.length - (int) offset, StandardCharsets.ISO_8859_1));
                        }
                    }
                }
            }
        }
        return tails;
    }
}
