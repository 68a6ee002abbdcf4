package io.pushflow.flink.delivery;

import java.util.Arrays;
import org.roaringbitmap.RoaringBitmap;

/**
 * The pushes one chunk's users were sent (or deferred to) within one hour, for the frequency cap across campaigns:
 * per moment and campaign, a bitmap of who. Moments are whole seconds, rounded up, so the batches of one wave share
 * an entry and a push is never counted as older than it was.
 */
public class SendHour {

    public static final long HOUR_MILLIS = 3_600_000;

    public long[] at = new long[0];
    public long[] campaigns = new long[0];
    /** {@link ChunkBitmaps} per entry. */
    public byte[][] users = new byte[0][];

    public SendHour() {}

    public static long hourOf(long atMillis) {
        return atMillis / HOUR_MILLIS;
    }

    /** The moment a push at {@code atMillis} is recorded under: the next whole second. */
    public static long moment(long atMillis) {
        return (atMillis + 999) / 1000 * 1000;
    }

    /** Adds {@code sent} to the entry of this moment and campaign. */
    public void add(long moment, long campaign, RoaringBitmap sent) {
        for (int i = 0; i < at.length; i++) {
            if (at[i] == moment && campaigns[i] == campaign) {
                RoaringBitmap merged = ChunkBitmaps.read(users[i]);
                merged.or(sent);
                users[i] = ChunkBitmaps.bytes(merged);
                return;
            }
        }
        at = Arrays.copyOf(at, at.length + 1);
        campaigns = Arrays.copyOf(campaigns, campaigns.length + 1);
        users = Arrays.copyOf(users, users.length + 1);
        at[at.length - 1] = moment;
        campaigns[campaigns.length - 1] = campaign;
        users[users.length - 1] = ChunkBitmaps.bytes(sent.clone());
    }
}
