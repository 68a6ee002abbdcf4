package io.pushflow.flink.delivery;

import io.pushflow.core.json.Json;
import io.pushflow.core.user.User;
import io.pushflow.core.user.UserFields;
import io.pushflow.flink.contracts.OutboxBatch;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.LongStream;
import org.roaringbitmap.RoaringBitmap;

/**
 * The user changes the gate holds for one chunk, as read for one batch: the record of who has a change (a bitmap, so a
 * batch reads the changes of those users only) and the newest change of each of them. A user on the record whose change
 * has expired is dropped from it when a batch meets them.
 */
final class ChunkChanges {

    private final RoaringBitmap onRecord;
    private final Map<Long, UserDelta> newestChanges = new HashMap<>();
    private final RoaringBitmap expired = new RoaringBitmap();

    /** From the stored record of who has a change (null when nobody has). */
    ChunkChanges(byte[] onRecord) {
        this.onRecord = ChunkBitmaps.read(onRecord);
    }

    /** A change newer than the one the gate holds (null when none), merged over it field by field; null when it is not newer. */
    static UserDelta merged(UserDelta known, UserDelta change) {
        if (known != null && change.version <= known.version) {
            return null;
        }
        Map<String, Object> fields = new LinkedHashMap<>();
        if (known != null) {
            fields.putAll(known.set());
        }
        fields.putAll(change.set());
        UserDelta next = new UserDelta();
        next.userId = change.userId;
        next.version = change.version;
        next.setJson = Json.write(fields);
        return next;
    }

    /** The stored record with {@code userId} on it, or null when it was on it already. */
    static byte[] withUser(byte[] onRecord, long userId) {
        RoaringBitmap users = ChunkBitmaps.read(onRecord);
        return users.checkedAdd(ChunkBitmaps.low(userId)) ? ChunkBitmaps.bytes(users) : null;
    }

    /** The users of the batch with a change on record: the changes to read. */
    long[] usersIn(OutboxBatch b) {
        return LongStream.of(b.userIds)
                .filter(id -> onRecord.contains(ChunkBitmaps.low(id)))
                .toArray();
    }

    void read(UserDelta change) {
        newestChanges.put(change.userId, change);
    }

    /** The user at {@code i} of the batch with their change applied, or null when none is newer than the batch's read. */
    User newest(OutboxBatch b, int i) {
        long id = b.userIds[i];
        if (!onRecord.contains(ChunkBitmaps.low(id))) {
            return null;
        }
        UserDelta change = newestChanges.get(id);
        if (change == null) {
            expired.add(ChunkBitmaps.low(id)); // nothing newer to apply any more
            return null;
        }
        return change.version > b.versions[i] ? UserFields.apply(b.user(i), change.set()) : null;
    }

    /** Whether users whose change expired left the record, so it must be stored again. */
    boolean pruned() {
        return !expired.isEmpty();
    }

    /** The record to store: null when nobody is left on it. */
    byte[] record() {
        RoaringBitmap left = RoaringBitmap.andNot(onRecord, expired);
        return left.isEmpty() ? null : ChunkBitmaps.bytes(left);
    }
}
