package io.pushflow.core.stats;

import org.apache.commons.statistics.distribution.ChiSquaredDistribution;

/**
 * Whether a fixed split delivered the shares it was set to: Pearson's chi-squared test of the observed counts
 * per variant against the configured shares. A tiny p-value (below {@link #ALARM}) means something skews the
 * assignment (a bug, a filter, a failing variant) and the test's comparison cannot be trusted.
 */
public record SampleRatioMismatch(double chiSquared, int degreesOfFreedom, double pValue, boolean mismatch) {

    /** The usual SRM threshold: strict, because large samples make small p-values cheap. */
    public static final double ALARM = 0.001;

    public static SampleRatioMismatch test(long[] observed, double[] expectedShares) {
        if (observed.length != expectedShares.length || observed.length < 2) {
            throw new IllegalArgumentException("one expected share per observed count, at least two");
        }
        long total = 0;
        double shares = 0;
        for (int i = 0; i < observed.length; i++) {
            total += observed[i];
            shares += expectedShares[i];
        }
        if (total == 0) {
            return new SampleRatioMismatch(0, observed.length - 1, 1, false);
        }
        double chi = 0;
        for (int i = 0; i < observed.length; i++) {
            double expected = total * expectedShares[i] / shares;
            double diff = observed[i] - expected;
            chi += diff * diff / expected;
        }
        int df = observed.length - 1;
        double p = ChiSquaredDistribution.of(df).survivalProbability(chi);
        return new SampleRatioMismatch(chi, df, p, p < ALARM);
    }
}
