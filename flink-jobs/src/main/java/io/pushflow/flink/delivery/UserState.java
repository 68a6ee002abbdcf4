package io.pushflow.flink.delivery;

/**
 * What the gate keeps per user: the campaigns already decided for them (each until it may be forgotten), their
 * recent pushes for the frequency cap, and the fields changed on {@code user.changes}, which may be newer than the
 * data a batch carries. One value per user, so a push costs one state read and one write.
 */
public class UserState {

    public long[] campaigns = new long[0];
    public long[] forgetAtMillis = new long[0];
    public long[] sentAtMillis = new long[0];
    /** The newest change applied; a batch read after it already holds it. */
    public long changesVersion;
    /** The changed fields merged in arrival order, as JSON; null when none. */
    public String changesJson;

    public UserState() {
    }
}
