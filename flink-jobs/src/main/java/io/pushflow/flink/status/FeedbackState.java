package io.pushflow.flink.status;

/**
 * A campaign's evidence not yet sent to the bandit, per variant (parallel arrays): recent deliveries in buckets
 * (they count as trials only as their clicks can have arrived), the settled trials already folded in, the trials and
 * rewards reported so far, a sequence for the feedback ids, and the running totals per source: the app's first
 * opens and clicks, the provider's clicks. {@code rule} is the campaign's metric and reward source (null until its
 * command arrives); {@code appSeen} whether the app has reported anything for it.
 */
public class FeedbackState {

    public String[] variants = new String[0];
    public double[] settled = new double[0];
    public double[] reported = new double[0];
    /** App clicks not yet reported, as state written before reward sources kept them; folded into {@link #reportedRewards}. */
    public long[] clicks = new long[0];

    public long[] reportedRewards = new long[0];
    public long[] sequence = new long[0];
    public long[] totalDelivered = new long[0];
    public long[] totalOpened = new long[0];
    public long[] totalClicked = new long[0];
    public long[] totalProviderClicks = new long[0];
    public int[] bucketVariant = new int[0];
    public long[] bucketAtMillis = new long[0];
    public long[] bucketCount = new long[0];
    public boolean timerSet;
    public boolean appSeen;
    public RewardRule rule;

    public FeedbackState() {}
}
