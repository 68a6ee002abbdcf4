package io.pushflow.flink.delivery;

/**
 * The users of one chunk the gate has decided for one campaign (sent, deferred or skipped), kept until a day after
 * the campaign's window so a late replay is still a duplicate. Once-per-campaign dedup is one bitmap per campaign
 * and chunk, not a value per user.
 */
public class DecidedUsers {

    public long forgetAtMillis;
    /** {@link ChunkBitmaps} of the users' low id bits. */
    public byte[] users;

    public DecidedUsers() {}
}
