package io.pushflow.flink.delivery;

/**
 * The gate's decision for one user of one batch: send now, send at {@code notBeforeMillis} (after quiet hours),
 * or skip with a reason. Every user of a batch gets exactly one.
 */
public class Verdict {

    public enum Kind { SEND, DEFER, SKIP }

    public String kind;
    public String reason;
    public long notBeforeMillis;
    public long decidedAtMillis;
    public String batchId;
    public int batchSize;
    public long campaignId;
    public String variant;
    public long wave;
    public long userId;
    public String pushToken;
    public String locale;

    public Verdict() {
    }

    static Verdict of(UserPush push, Kind kind, String reason, long decidedAt) {
        Verdict v = new Verdict();
        v.kind = kind.name();
        v.reason = reason;
        v.decidedAtMillis = decidedAt;
        v.notBeforeMillis = decidedAt;
        v.batchId = push.batchId;
        v.batchSize = push.batchSize;
        v.campaignId = push.campaignId;
        v.variant = push.variant;
        v.wave = push.wave;
        v.userId = push.user.userId;
        v.pushToken = push.user.pushToken;
        v.locale = push.user.locale;
        return v;
    }

    public boolean is(Kind k) {
        return k.name().equals(kind);
    }
}
