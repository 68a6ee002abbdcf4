package io.pushflow.migration;

import io.pushflow.flink.delivery.DeliveryGate;
import io.pushflow.flink.status.DeliveryPoller;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.flink.runtime.checkpoint.Checkpoints;
import org.apache.flink.runtime.checkpoint.OperatorState;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.checkpoint.StateObjectCollection;
import org.apache.flink.runtime.checkpoint.metadata.CheckpointMetadata;
import org.apache.flink.runtime.jobgraph.OperatorID;
import org.apache.flink.runtime.state.KeyGroupsStateHandle;
import org.apache.flink.runtime.state.KeyedStateHandle;

/**
 * Makes a savepoint of the jobs restorable by the current version where a stored class changed in a way Flink's
 * schema evolution does not follow: Flink keeps a POJO's class name in the savepoint and refuses another class, even
 * one with the same fields. The savepoint is copied to a new directory and, in it, the serializer snapshots of the
 * changed states are rewritten; the state's bytes stay as they are (same fields, same encoding), and so do timers,
 * time-to-live stamps and every other operator. Canonical savepoints only (what {@code bin/pushflow jobs savepoint}
 * and {@code stop} take).
 *
 * <p>Why not Flink's State Processor API: it writes an operator's state anew through bootstrap functions, which cannot
 * write keyed and broadcast state into one operator (the delivery gate has both) and stamp time-to-live entries with
 * the time of writing.
 */
public final class SavepointMigration {

    /**
     * Savepoint format 1 to 2: the wire contracts between the jobs moved from the job that writes them to
     * {@code io.pushflow.flink.contracts} ({@code dispatch.OutboxBatch}, held while the delivery gate waits for user
     * changes, and {@code delivery.ProviderNotification}, inside the poller's state).
     */
    public static final List<StoredTypeChange> CONTRACTS_PACKAGE = List.of(
            new StoredTypeChange(DeliveryGate.UID, DeliveryGate.WAITING),
            new StoredTypeChange(DeliveryPoller.UID, DeliveryPoller.POLL));

    /** Every migration, oldest first; each leaves a savepoint it does not concern alone. */
    public static final List<StoredTypeChange> ALL = CONTRACTS_PACKAGE;

    private static final String METADATA = "_metadata";

    private SavepointMigration() {}

    /** One state rewritten in one subtask of one operator. */
    public record Rewritten(String operatorUid, String state, int subtask) {}

    public static void main(String[] args) {
        if (args.length != 2 || args[0].startsWith("-")) {
            System.err.println("usage: bin/pushflow jobs migrate SAVEPOINT NEW-DIR\n"
                    + "  copies a savepoint (a directory or a file: URI) of an earlier version to NEW-DIR with the"
                    + " stored types of this one;\n  then: bin/pushflow jobs start JOB --savepoint NEW-DIR");
            System.exit(args.length == 1 && args[0].matches("-h|--help") ? 0 : 2);
        }
        List<Rewritten> done;
        try {
            done = migrate(path(args[0]), path(args[1]), ALL);
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            System.exit(2);
            return;
        } catch (IOException e) {
            System.err.println("error: the savepoint could not be migrated (" + args[1] + " was removed): " + e);
            System.exit(1);
            return;
        }
        if (done.isEmpty()) {
            System.out.println("nothing to rewrite: " + args[0] + " is current; copied to " + args[1]);
        }
        for (Rewritten r : done) {
            System.out.println("rewrote " + r.operatorUid() + "/" + r.state() + " in subtask " + r.subtask());
        }
    }

    /**
     * Copies the savepoint in {@code from} to {@code to} (which must not exist or be empty) and applies the changes
     * there; returns what it rewrote, nothing when the savepoint was current or holds none of the operators.
     */
    public static List<Rewritten> migrate(Path from, Path to, List<StoredTypeChange> changes) throws IOException {
        if (!Files.isRegularFile(from.resolve(METADATA))) {
            throw new IllegalArgumentException(from + " is not a savepoint directory (no " + METADATA + ")");
        }
        if (Files.exists(to) && (!Files.isDirectory(to) || !isEmpty(to))) {
            throw new IllegalArgumentException(to + " exists and is not an empty directory");
        }
        copy(from, to);
        try {
            return rewrite(to, changes);
        } catch (IOException | RuntimeException e) {
            deleteRecursively(to); // nothing half-migrated stays behind to be started from
            throw e;
        }
    }

    private static List<Rewritten> rewrite(Path to, List<StoredTypeChange> changes) throws IOException {
        ClassLoader classLoader = SavepointMigration.class.getClassLoader();
        CheckpointMetadata metadata;
        try (InputStream in = Files.newInputStream(to.resolve(METADATA))) {
            metadata = Checkpoints.loadCheckpointMetadata(
                    new DataInputStream(in), classLoader, to.toAbsolutePath().toString());
        }
        Map<OperatorID, Map<String, StoredTypeChange>> byOperator = new LinkedHashMap<>();
        for (StoredTypeChange c : changes) {
            byOperator
                    .computeIfAbsent(c.operatorId(), id -> new LinkedHashMap<>())
                    .put(c.state().getName(), c);
        }
        List<Rewritten> done = new ArrayList<>();
        List<Path> replaced = new ArrayList<>();
        for (OperatorState operator : metadata.getOperatorStates()) {
            Map<String, StoredTypeChange> byState = byOperator.get(operator.getOperatorID());
            if (byState == null) {
                continue;
            }
            String uid = byState.values().iterator().next().operatorUid();
            for (Map.Entry<Integer, OperatorSubtaskState> subtask :
                    Map.copyOf(operator.getSubtaskStates()).entrySet()) {
                List<KeyedStateHandle> handles = new ArrayList<>();
                boolean changed = false;
                for (KeyedStateHandle handle : subtask.getValue().getManagedKeyedState()) {
                    if (!(handle instanceof KeyGroupsStateHandle keyGroups)) {
                        throw new IllegalArgumentException(uid + " has keyed state in a native format ("
                                + handle.getClass().getSimpleName() + "): take a canonical savepoint and migrate it");
                    }
                    KeyedStateHeader.Rewrite r = KeyedStateHeader.rewrite(keyGroups, byState, to, classLoader);
                    if (r == null) {
                        handles.add(handle);
                        continue;
                    }
                    handles.add(r.handle());
                    changed = true;
                    r.states().forEach(state -> done.add(new Rewritten(uid, state, subtask.getKey())));
                    if (r.replacedFile() != null) {
                        replaced.add(r.replacedFile());
                    }
                }
                if (changed) {
                    operator.putState(
                            subtask.getKey(),
                            subtask.getValue().toBuilder()
                                    .setManagedKeyedState(new StateObjectCollection<>(handles))
                                    .build());
                }
            }
        }
        if (!done.isEmpty()) {
            try (OutputStream out = Files.newOutputStream(to.resolve(METADATA))) {
                Checkpoints.storeCheckpointMetadata(metadata, new DataOutputStream(out));
            }
            for (Path p : replaced) {
                Files.delete(p);
            }
        }
        return done;
    }

    /** A directory as a path or as the {@code file:} URI {@code jobs stop} and {@code jobs savepoint} print. */
    private static Path path(String arg) {
        return arg.startsWith("file:") ? Path.of(URI.create(arg)) : Path.of(arg);
    }

    private static void deleteRecursively(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(p);
            }
        }
    }

    private static boolean isEmpty(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.findAny().isEmpty();
        }
    }

    private static void copy(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (Stream<Path> files = Files.walk(from)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }
}
