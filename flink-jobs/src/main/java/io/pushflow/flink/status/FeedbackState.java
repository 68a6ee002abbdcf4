package io.pushflow.flink.status;

/**
 * A campaign's evidence not yet sent to the bandit, per variant (parallel arrays): recent deliveries in buckets
 * (they count as trials only as their clicks can have arrived), the settled trials already folded in, the trials
 * and clicks reported so far, a sequence for the feedback ids, and the running totals for the statistics.
 */
public class FeedbackState {

    public String[] variants = new String[0];
    public double[] settled = new double[0];
    public double[] reported = new double[0];
    public long[] clicks = new long[0];
    public long[] sequence = new long[0];
    public long[] totalDelivered = new long[0];
    public long[] totalOpened = new long[0];
    public long[] totalClicked = new long[0];
    public int[] bucketVariant = new int[0];
    public long[] bucketAtMillis = new long[0];
    public long[] bucketCount = new long[0];
    public boolean timerSet;

    public FeedbackState() {
    }
}
