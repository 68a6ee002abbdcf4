package io.pushflow.flink.dispatch;

/**
 * A message for {@code push.outbox}: users of one campaign, variant and wave. {@code batchId} is deterministic
 * (campaign, wave, variant, chunk), so a replayed wave produces the same ids and the consumer drops repeats.
 * The holdout group travels as variant {@value #HOLDOUT}, so its members also get their outcome.
 */
public class OutboxBatch {

    public static final String HOLDOUT = "holdout";

    public int v = 1;
    public String batchId;
    public long campaignId;
    public long campaignVersion;
    public String variant;
    public long wave;
    public OutboxUser[] users;

    public OutboxBatch() {
    }

    public static String batchId(long campaignId, long wave, String variant, int chunk) {
        return campaignId + "-" + wave + "-" + variant + "-" + chunk;
    }
}
