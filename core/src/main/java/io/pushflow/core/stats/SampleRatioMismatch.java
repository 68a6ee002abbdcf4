package io.pushflow.core.stats;

import org.apache.commons.statistics.distribution.ChiSquaredDistribution;

/**
 * Whether the variants got the shares they were meant to: Pearson's chi-squared test of the observed counts per
 * variant (users actually sent, or delivered) against the counts the planner intended (each wave's shares applied to
 * that wave's count, summed over the waves; for a fixed split simply its weights). A tiny p-value (below the alarm
 * level) means something skews who gets what (a failing variant, a bug, a filter) and the test's comparison cannot
 * be trusted. {@code sample} is the number of users the test saw.
 */
public record SampleRatioMismatch(double chiSquared, int degreesOfFreedom, double pValue, boolean mismatch, long sample) {

    /** The usual SRM threshold: strict, because large samples make small p-values cheap. */
    public static final double ALARM = 0.001;

    public static SampleRatioMismatch test(long[] observed, double[] expectedShares) {
        return test(observed, expectedShares, ALARM);
    }

    /**
     * {@code expected} are weights (shares or intended counts; only their proportions count). A variant expected to get
     * nobody that got somebody is a mismatch outright; one expected to get nobody that got nobody is left out.
     */
    public static SampleRatioMismatch test(long[] observed, double[] expected, double alarm) {
        if (observed.length != expected.length || observed.length < 2) {
            throw new IllegalArgumentException("one expected share per observed count, at least two");
        }
        long total = 0;
        double weights = 0;
        for (int i = 0; i < observed.length; i++) {
            total += observed[i];
            weights += expected[i];
        }
        if (total == 0 || weights <= 0) {
            return new SampleRatioMismatch(0, observed.length - 1, 1, false, total);
        }
        double chi = 0;
        int cells = 0;
        for (int i = 0; i < observed.length; i++) {
            double e = total * expected[i] / weights;
            if (e <= 0) {
                if (observed[i] > 0) {
                    return new SampleRatioMismatch(Double.POSITIVE_INFINITY, observed.length - 1, 0, true, total);
                }
                continue;
            }
            double diff = observed[i] - e;
            chi += diff * diff / e;
            cells++;
        }
        if (cells < 2) {
            return new SampleRatioMismatch(0, 0, 1, false, total);
        }
        int df = cells - 1;
        double p = ChiSquaredDistribution.of(df).survivalProbability(chi);
        return new SampleRatioMismatch(chi, df, p, p < alarm, total);
    }
}
