package io.pushflow.core.delivery;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.roaringbitmap.longlong.Roaring64Bitmap;

/**
 * The users no push may reach right now (unsubscribed, or with a dead token), for the delivery job's broadcast
 * state: a compressed bitmap of user ids, small enough to keep on every task at 18 million users (see
 * docs/architecture.md, Push providers, for the measured size), where a set of boxed ids would not be.
 */
public final class Suppression {

    private final Roaring64Bitmap users;

    public Suppression() {
        this(new Roaring64Bitmap());
    }

    private Suppression(Roaring64Bitmap users) {
        this.users = users;
    }

    public void suppress(long userId) {
        users.addLong(userId);
    }

    public void allow(long userId) {
        users.removeLong(userId);
    }

    public boolean isSuppressed(long userId) {
        return users.contains(userId);
    }

    public long size() {
        return users.getLongCardinality();
    }

    /** Packs runs and arrays tighter; call after bulk loads. */
    public void compact() {
        users.runOptimize();
    }

    /** Bytes in the serialized form (what a checkpoint or broadcast carries). */
    public long serializedBytes() {
        return users.serializedSizeInBytes();
    }

    public byte[] toBytes() {
        try {
            ByteArrayOutputStream out =
                    new ByteArrayOutputStream((int) Math.min(Integer.MAX_VALUE, users.serializedSizeInBytes()));
            users.serialize(new DataOutputStream(out));
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Suppression fromBytes(byte[] bytes) {
        try {
            Roaring64Bitmap users = new Roaring64Bitmap();
            users.deserialize(new DataInputStream(new ByteArrayInputStream(bytes)));
            return new Suppression(users);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
