package io.pushflow.flink.contracts;

import com.fasterxml.jackson.annotation.JsonSetter;
import io.pushflow.core.user.User;
import io.pushflow.core.user.UserColumns;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A message for {@code push.outbox}: users of one campaign, variant and wave, and (from version 2) of one chunk of
 * user ids, with what sending and the cohort re-check need, as columns ({@link UserColumns}: one array per
 * attribute, text attributes dictionary-coded). {@code batchId} is deterministic (campaign, wave, variant, part),
 * so a replayed wave produces the same ids and the consumer drops repeats. The holdout group travels as variant
 * {@value #HOLDOUT}, so its members also get their outcome.
 *
 * <p>Version 1 carried a list of user objects ({@code users}); it is still read and turned into columns.
 */
public class OutboxBatch extends UserColumns {

    public static final int VERSION = 2;
    public static final String HOLDOUT = "holdout";
    /** Users whose ids agree above these low bits share a chunk: the delivery gate keeps its state per chunk. */
    public static final int CHUNK_BITS = 16;

    public int v = VERSION;
    public String batchId;
    public long campaignId;
    public long campaignVersion;
    public String variant;
    public long wave;

    public OutboxBatch() {}

    public static String batchId(long campaignId, long wave, String variant, int part) {
        return campaignId + "-" + wave + "-" + variant + "-" + part;
    }

    public static long chunkOf(long userId) {
        return userId >>> CHUNK_BITS;
    }

    /** The chunk of the first user; a batch from this project's planner holds one chunk only. */
    public long chunk() {
        return chunkOf(userIds[0]);
    }

    /** What is wrong with a batch read from the queue, or null when it can be delivered. */
    public String problem() {
        if (batchId == null || batchId.isBlank() || variant == null || variant.isBlank() || size() == 0) {
            return "not an outbox batch with an id, a variant and users";
        }
        String columns = columnProblem();
        return columns == null ? null : "outbox batch " + batchId + ": " + columns;
    }

    /** The users at {@code rows} of {@code page} as a batch of this campaign, variant and wave. */
    public static OutboxBatch of(
            String batchId,
            long campaignId,
            long campaignVersion,
            String variant,
            long wave,
            UserColumns page,
            int[] rows) {
        return page.selectInto(header(batchId, campaignId, campaignVersion, variant, wave), rows);
    }

    /** A batch of these users, in this order. */
    public static OutboxBatch of(
            String batchId, long campaignId, long campaignVersion, String variant, long wave, List<User> users) {
        OutboxBatch b = header(batchId, campaignId, campaignVersion, variant, wave);
        b.fill(users);
        return b;
    }

    private static OutboxBatch header(
            String batchId, long campaignId, long campaignVersion, String variant, long wave) {
        OutboxBatch b = new OutboxBatch();
        b.batchId = batchId;
        b.campaignId = campaignId;
        b.campaignVersion = campaignVersion;
        b.variant = variant;
        b.wave = wave;
        return b;
    }

    /**
     * This batch as batches of one chunk each (itself when it holds one): the planner cuts at chunk borders, an
     * older or foreign producer may not. A part's id names its chunk, so a replay splits the same way.
     */
    public List<OutboxBatch> byChunk() {
        long first = chunk();
        boolean one = true;
        for (long id : userIds) {
            one &= chunkOf(id) == first;
        }
        if (one) {
            return List.of(this);
        }
        Map<Long, List<Integer>> rows = new TreeMap<>();
        for (int i = 0; i < userIds.length; i++) {
            rows.computeIfAbsent(chunkOf(userIds[i]), c -> new ArrayList<>()).add(i);
        }
        List<OutboxBatch> parts = new ArrayList<>();
        rows.forEach((chunk, at) -> parts.add(of(
                batchId + "/c" + chunk,
                campaignId,
                campaignVersion,
                variant,
                wave,
                this,
                at.stream().mapToInt(Integer::intValue).toArray())));
        return parts;
    }

    /** Version 1's users, read from an older message: turned into this version's columns. */
    @JsonSetter("users")
    public void usersOfVersion1(OutboxUser[] users) {
        if (users != null && Arrays.stream(users).anyMatch(u -> u == null)) {
            throw new IllegalArgumentException("every user of a batch needs a positive user id");
        }
        fill(
                users == null
                        ? List.of()
                        : Arrays.stream(users).map(OutboxUser::toUser).toList());
    }
}
