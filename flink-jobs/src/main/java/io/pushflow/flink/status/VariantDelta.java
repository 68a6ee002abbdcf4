package io.pushflow.flink.status;

/** New evidence for one variant: pushes delivered (at {@code atMillis}) and first clicks and opens. */
public class VariantDelta {

    public long campaignId;
    public String variant;
    public long delivered;
    public long clicks;
    public long opens;
    public long atMillis;

    public VariantDelta() {
    }

    static VariantDelta of(long campaignId, String variant, long at) {
        VariantDelta d = new VariantDelta();
        d.campaignId = campaignId;
        d.variant = variant;
        d.atMillis = at;
        return d;
    }
}
