package io.pushflow.flink.delivery;

import org.roaringbitmap.RoaringBitmap;

/**
 * Once per user per campaign over one chunk: the users the gate has decided for a campaign (sent, deferred or skipped),
 * remembered until a day after its window, so a late replay is still a duplicate.
 */
final class ChunkDedup {

    private final RoaringBitmap decided;
    private final int decidedBefore;
    private final long forgetAtMillis;

    /** From what the gate stored for the campaign and chunk (null when nothing), as of {@code now}. */
    ChunkDedup(DecidedUsers stored, long now) {
        boolean remembered = stored != null && stored.forgetAtMillis > now;
        decided = remembered ? ChunkBitmaps.read(stored.users) : new RoaringBitmap();
        decidedBefore = decided.getCardinality();
        forgetAtMillis = remembered ? stored.forgetAtMillis : 0;
    }

    /** Whether the user is decided here for the first time; from now on they are decided. */
    boolean first(long userId) {
        return decided.checkedAdd(ChunkBitmaps.low(userId));
    }

    /** What to store, or null when nobody was decided for the first time. */
    DecidedUsers after(CampaignRules rules, long now) {
        if (decided.getCardinality() == decidedBefore) {
            return null;
        }
        DecidedUsers after = new DecidedUsers();
        // one moment for the whole chunk: the latest any of its users may be forgotten
        after.forgetAtMillis = Math.max(forgetAtMillis, rules.rememberedUntil(now));
        after.users = ChunkBitmaps.bytes(decided);
        return after;
    }
}
