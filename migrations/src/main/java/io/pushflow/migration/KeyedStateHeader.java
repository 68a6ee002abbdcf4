package io.pushflow.migration;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.fs.FSDataInputStream;
import org.apache.flink.core.memory.DataInputViewStreamWrapper;
import org.apache.flink.core.memory.DataOutputViewStreamWrapper;
import org.apache.flink.runtime.state.KeyGroupRange;
import org.apache.flink.runtime.state.KeyGroupRangeOffsets;
import org.apache.flink.runtime.state.KeyGroupsSavepointStateHandle;
import org.apache.flink.runtime.state.KeyGroupsStateHandle;
import org.apache.flink.runtime.state.KeyedBackendSerializationProxy;
import org.apache.flink.runtime.state.StreamStateHandle;
import org.apache.flink.runtime.state.filesystem.RelativeFileStateHandle;
import org.apache.flink.runtime.state.memory.ByteStreamStateHandle;
import org.apache.flink.runtime.state.metainfo.StateMetaInfoSnapshot;
import org.apache.flink.runtime.state.metainfo.StateMetaInfoSnapshot.CommonSerializerKeys;

/**
 * The keyed state of one subtask in Flink's canonical savepoint format: a header (the key serializer and, per state,
 * its name, kind and serializer snapshots) and then the key groups, whose offsets the state handle keeps. Changing a
 * serializer snapshot rewrites the header, copies the key groups' bytes unchanged and moves their offsets by the
 * header's change in length.
 */
final class KeyedStateHeader {

    private KeyedStateHeader() {}

    /** What one rewrite did: the new handle, the names of the states it changed, the file it replaces (or null). */
    record Rewrite(KeyGroupsStateHandle handle, List<String> states, Path replacedFile) {}

    /**
     * This handle with the value serializer snapshot of each named state made the current one, when the stored one is
     * not already compatible with it as it is; null when nothing needed to change. New state files go to {@code dir}.
     */
    static Rewrite rewrite(
            KeyGroupsStateHandle handle, Map<String, StoredTypeChange> byState, Path dir, ClassLoader classLoader)
            throws IOException {
        StreamStateHandle data = handle.getDelegateStateHandle();
        try (FSDataInputStream in = data.openInputStream()) {
            KeyedBackendSerializationProxy<Object> stored = new KeyedBackendSerializationProxy<>(classLoader);
            stored.read(new DataInputViewStreamWrapper(in));
            long headerLength = in.getPos();
            List<StateMetaInfoSnapshot> states = new ArrayList<>(stored.getStateMetaInfoSnapshots());
            List<String> changed = new ArrayList<>();
            for (int i = 0; i < states.size(); i++) {
                StateMetaInfoSnapshot state = states.get(i);
                StoredTypeChange change = byState.get(state.getName());
                if (change == null || state.getBackendStateType() != StateMetaInfoSnapshot.BackendStateType.KEY_VALUE) {
                    continue;
                }
                TypeSerializerSnapshot<?> current = change.currentSnapshot();
                if (compatibleAsIs(current, state.getTypeSerializerSnapshot(CommonSerializerKeys.VALUE_SERIALIZER))) {
                    continue;
                }
                Map<String, TypeSerializerSnapshot<?>> serializers =
                        new HashMap<>(state.getSerializerSnapshotsImmutable());
                serializers.put(CommonSerializerKeys.VALUE_SERIALIZER.toString(), current);
                states.set(
                        i,
                        new StateMetaInfoSnapshot(
                                state.getName(),
                                state.getBackendStateType(),
                                state.getOptionsImmutable(),
                                serializers));
                changed.add(state.getName());
            }
            if (changed.isEmpty()) {
                return null;
            }
            ByteArrayOutputStream header = new ByteArrayOutputStream();
            new KeyedBackendSerializationProxy<>(
                            stored.getKeySerializerSnapshot().restoreSerializer(),
                            states,
                            stored.isUsingKeyGroupCompression())
                    .write(new DataOutputViewStreamWrapper(header));
            long shift = header.size() - headerLength;
            StreamStateHandle rewritten = write(data, header.toByteArray(), in, dir);
            KeyGroupRangeOffsets offsets = shifted(handle.getGroupRangeOffsets(), shift);
            KeyGroupsStateHandle out = handle instanceof KeyGroupsSavepointStateHandle
                    ? new KeyGroupsSavepointStateHandle(offsets, rewritten)
                    : new KeyGroupsStateHandle(offsets, rewritten);
            Path replaced = data instanceof RelativeFileStateHandle file ? dir.resolve(file.getRelativePath()) : null;
            return new Rewrite(out, changed, replaced);
        }
    }

    /** Whether the current snapshot reads what the stored one wrote without a migration. */
    private static boolean compatibleAsIs(TypeSerializerSnapshot<?> current, TypeSerializerSnapshot<?> stored) {
        @SuppressWarnings({"unchecked", "rawtypes"})
        TypeSerializerSchemaCompatibility<?> c = current.resolveSchemaCompatibility((TypeSerializerSnapshot) stored);
        return c.isCompatibleAsIs();
    }

    /** The header, then the rest of {@code in} as it is: inline again when it was inline, else a new file in dir. */
    private static StreamStateHandle write(StreamStateHandle was, byte[] header, InputStream rest, Path dir)
            throws IOException {
        if (was instanceof ByteStreamStateHandle inline) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            bytes.write(header);
            rest.transferTo(bytes);
            return new ByteStreamStateHandle(inline.getHandleName() + "-migrated", bytes.toByteArray());
        }
        String name = UUID.randomUUID().toString();
        Path file = dir.resolve(name);
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write(header);
            rest.transferTo(out);
        }
        return new RelativeFileStateHandle(new org.apache.flink.core.fs.Path(file.toUri()), name, Files.size(file));
    }

    /** The offsets moved by {@code shift}; a key group with no data keeps offset 0, which says so. */
    private static KeyGroupRangeOffsets shifted(KeyGroupRangeOffsets offsets, long shift) {
        KeyGroupRange range = offsets.getKeyGroupRange();
        long[] moved = new long[range.getNumberOfKeyGroups()];
        for (int i = 0; i < moved.length; i++) {
            long offset = offsets.getKeyGroupOffset(range.getStartKeyGroup() + i);
            moved[i] = offset == 0 ? 0 : offset + shift;
        }
        return new KeyGroupRangeOffsets(range, moved);
    }
}
