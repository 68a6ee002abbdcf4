package io.pushflow.flink.delivery;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import org.roaringbitmap.RoaringBitmap;

/**
 * Sets of users of one chunk as compressed bitmaps of the low {@value io.pushflow.flink.contracts.OutboxBatch#CHUNK_BITS}
 * bits of their ids, in their serialized form for state: at most 8 KB for a whole chunk, a few bytes for a sparse one.
 */
final class ChunkBitmaps {

    private ChunkBitmaps() {}

    static int low(long userId) {
        return (int) (userId & 0xFFFF);
    }

    static RoaringBitmap read(byte[] bytes) {
        RoaringBitmap users = new RoaringBitmap();
        if (bytes != null && bytes.length > 0) {
            try {
                users.deserialize(ByteBuffer.wrap(bytes));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return users;
    }

    static byte[] bytes(RoaringBitmap users) {
        users.runOptimize();
        ByteBuffer out = ByteBuffer.allocate(users.serializedSizeInBytes());
        users.serialize(out);
        return out.array();
    }
}
