package io.pushflow.flink.delivery;

import io.pushflow.core.delivery.Reason;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.BiConsumer;

/**
 * Rows of ClickHouse {@code push_sends} for users of one batch (or one request) decided at the same moment: the
 * one outcome of each audience member, as a kind per user ({@code sent}, {@code failed}, or {@code skipped} with
 * its reason). The table keeps one row per (campaign, user); {@code rank} makes a real outcome win over a later
 * {@code duplicate} of it, and a replay writes the same rows again. Written as RowBinary: ClickHouse takes twice as
 * many of these rows a second as of the same rows in JSON (the raw rate of the end-to-end benchmark).
 */
public class Outcomes {

    public static final String SENT = "sent";
    public static final String FAILED = "failed";
    public static final String SKIPPED = "skipped";

    /** Kinds, coded per user: sent, failed, then one per skip reason in the order of {@link Reason#ALL}. */
    public static final byte KIND_SENT = 0;

    public static final byte KIND_FAILED = 1;
    private static final int FIRST_SKIP = 2;
    private static final byte[][] REASON_BYTES =
            Reason.ALL.stream().map(r -> r.getBytes(StandardCharsets.UTF_8)).toArray(byte[][]::new);
    /** The Enum8 values of the table's {@code outcome} column. */
    private static final byte ENUM_SENT = 1;

    private static final byte ENUM_FAILED = 2;
    private static final byte ENUM_SKIPPED = 3;
    private static final int MAX_ERROR = 500;

    public long campaignId;
    public String variant;
    public long wave;
    public String batchId;
    public long atMillis;
    /** The provider's notification, on rows that were sent. */
    public String notificationId = "";
    /** The provider's error, on rows that failed. */
    public String error = "";

    public long[] userIds;
    public byte[] kinds;

    public Outcomes() {}

    public static Outcomes of(long campaignId, String variant, long wave, String batchId, long atMillis, int size) {
        Outcomes o = new Outcomes();
        o.campaignId = campaignId;
        o.variant = variant;
        o.wave = wave;
        o.batchId = batchId;
        o.atMillis = atMillis;
        o.userIds = new long[size];
        o.kinds = new byte[size];
        return o;
    }

    /** The kind of a skip for {@code reason} (one of {@link Reason#ALL}). */
    public static byte skipped(String reason) {
        int i = Reason.ALL.indexOf(reason);
        if (i < 0) {
            throw new IllegalArgumentException("not a skip reason: " + reason);
        }
        return (byte) (FIRST_SKIP + i);
    }

    public int size() {
        return userIds.length;
    }

    /** {@code sent}, {@code failed} or {@code skipped} for the user at {@code i}. */
    public String outcome(int i) {
        return kinds[i] == KIND_SENT ? SENT : kinds[i] == KIND_FAILED ? FAILED : SKIPPED;
    }

    /** The skip reason of the user at {@code i}, or "" when they were not skipped. */
    public String reason(int i) {
        return kinds[i] >= FIRST_SKIP ? Reason.ALL.get(kinds[i] - FIRST_SKIP) : "";
    }

    /** Calls {@code counted} once per kind present in this block, with how many users have it. */
    public void countByKind(BiConsumer<Byte, Integer> counted) {
        int[] perKind = new int[FIRST_SKIP + Reason.ALL.size()];
        for (byte k : kinds) {
            perKind[k]++;
        }
        for (int k = 0; k < perKind.length; k++) {
            if (perKind[k] > 0) {
                counted.accept((byte) k, perKind[k]);
            }
        }
    }

    /** The metric name of a kind: sent, failed or skipped_&lt;reason&gt;. */
    public static String metric(byte kind) {
        return kind == KIND_SENT
                ? SENT
                : kind == KIND_FAILED ? FAILED : SKIPPED + "_" + Reason.ALL.get(kind - FIRST_SKIP);
    }

    /** The rows in {@code push_sends} column order as RowBinary. */
    public byte[] rowBinary() {
        byte[] variantBytes = utf8(variant);
        byte[] batchBytes = utf8(batchId);
        byte[] notification = utf8(notificationId);
        byte[] errorBytes = utf8(error.length() > MAX_ERROR ? error.substring(0, MAX_ERROR) : error);
        int at = (int) (atMillis / 1000);
        int perRow = 8
                + 8
                + 10
                + variantBytes.length
                + 8
                + 10
                + batchBytes.length
                + 1
                + 10
                + 64
                + 10
                + notification.length
                + 10
                + errorBytes.length
                + 4
                + 1;
        ByteBuffer out = ByteBuffer.allocate(perRow * userIds.length).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < userIds.length; i++) {
            byte kind = kinds[i];
            out.putLong(campaignId);
            out.putLong(userIds[i]);
            string(out, variantBytes);
            out.putLong(wave);
            string(out, batchBytes);
            out.put(kind == KIND_SENT ? ENUM_SENT : kind == KIND_FAILED ? ENUM_FAILED : ENUM_SKIPPED);
            string(out, kind >= FIRST_SKIP ? REASON_BYTES[kind - FIRST_SKIP] : EMPTY);
            string(out, kind == KIND_SENT ? notification : EMPTY);
            string(out, kind == KIND_FAILED ? errorBytes : EMPTY);
            out.putInt(at);
            out.put(kind == FIRST_SKIP + Reason.ALL.indexOf(Reason.DUPLICATE) ? (byte) 0 : (byte) 1);
        }
        return Arrays.copyOf(out.array(), out.position());
    }

    private static final byte[] EMPTY = new byte[0];

    private static byte[] utf8(String s) {
        return s == null ? EMPTY : s.getBytes(StandardCharsets.UTF_8);
    }

    /** A RowBinary String: its length as an unsigned LEB128 varint, then the bytes. */
    private static void string(ByteBuffer out, byte[] bytes) {
        int n = bytes.length;
        while ((n & ~0x7F) != 0) {
            out.put((byte) ((n & 0x7F) | 0x80));
            n >>>= 7;
        }
        out.put((byte) n);
        out.put(bytes);
    }
}
