package io.pushflow.flink.dispatch;

/**
 * What the dispatch job remembers of one campaign between waves: its settings, where the audience cursor
 * stands, and the evidence per variant. A POJO with public fields, so a field added later restores from an
 * older savepoint with its default value.
 */
public class PlanState {

    public CampaignControl campaign;
    public String status;
    /** Relative cohort conditions (within_last) are fixed at launch, so the audience does not drift mid-campaign. */
    public long asOfMillis;
    public long audienceEstimate;
    /** The highest user id released so far; the next page starts after it. */
    public long cursor;
    public long wave;
    public long released;
    public long heldOut;
    public long nextWaveAtMillis;
    public double[] trials;
    public long[] successes;

    public PlanState() {
    }
}
