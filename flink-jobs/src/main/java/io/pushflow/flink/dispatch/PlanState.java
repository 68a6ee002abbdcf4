package io.pushflow.flink.dispatch;

import io.pushflow.core.campaign.CampaignStatus;

/**
 * What the dispatch job remembers of one campaign between waves: its settings, where the audience cursor
 * stands, and the evidence per variant. A POJO with public fields, so a field added later restores from an
 * older savepoint with its default value.
 */
public class PlanState {

    public CampaignControl campaign;
    /** A {@link CampaignStatus} by name (state keeps its types); read and set it through {@link #status()}. */
    public String status;
    /** Relative cohort conditions (within_last) are fixed at launch, so the audience does not drift mid-campaign. */
    public long asOfMillis;
    /** The cohort's size at the launch; -1 until the first wave has counted it. */
    public long audienceEstimate;
    /** The highest user id released so far; the next page starts after it. */
    public long cursor;

    public long wave;
    public long released;
    public long heldOut;
    public long nextWaveAtMillis;
    /** When the wave now being read was due (0 between waves): its pacing counts from then, however long the read takes. */
    public long waveDueMillis;

    public double[] trials;
    public long[] successes;
    /** Audience reads that failed in a row (ClickHouse away or slow); the waves wait longer after each. */
    public int readFailures;
    /** Why the campaign failed, when it did. */
    public String failure;

    public PlanState() {}

    public CampaignStatus status() {
        return CampaignStatus.valueOf(status);
    }

    public void status(CampaignStatus next) {
        status = next.name();
    }
}
