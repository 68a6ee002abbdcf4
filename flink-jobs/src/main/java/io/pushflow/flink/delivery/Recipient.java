package io.pushflow.flink.delivery;

/** A user the gate let through, waiting in the assembler for the rest of their batch or for quiet hours to end. */
public class Recipient {

    public String batchId;
    public String variant;
    public long wave;
    public long userId;
    public String pushToken;
    public String locale;
    public long notBeforeMillis;
    public boolean deferred;

    public Recipient() {
    }

    static Recipient of(Verdict v) {
        Recipient r = new Recipient();
        r.batchId = v.batchId;
        r.variant = v.variant;
        r.wave = v.wave;
        r.userId = v.userId;
        r.pushToken = v.pushToken;
        r.locale = v.locale;
        r.notBeforeMillis = v.notBeforeMillis;
        r.deferred = v.is(Verdict.Kind.DEFER);
        return r;
    }
}
