package io.pushflow.flink.status;

/**
 * New evidence for one variant: pushes delivered (at {@code atMillis}), first clicks and opens the app reported, and
 * clicks the provider counted ({@code providerClicks}: the growth of its notifications' {@code converted}).
 */
public class VariantDelta {

    public long campaignId;
    public String variant;
    public long delivered;
    public long clicks;
    public long opens;
    public long providerClicks;
    public long atMillis;

    public VariantDelta() {}

    static VariantDelta of(long campaignId, String variant, long at) {
        VariantDelta d = new VariantDelta();
        d.campaignId = campaignId;
        d.variant = variant;
        d.atMillis = at;
        return d;
    }
}
