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

    /**
     * Whether the share of users who got through (sent, or delivered) is the same for every variant: Pearson's
     * chi-squared over the 2 × k table of users through and not through per variant, against the counts expected
     * ({@code expectedThrough[i] + expectedNot[i]} users of variant i, through at the common rate; summed over strata,
     * such as waves, the caller computed them in). Unlike a goodness-of-fit test of the counts through alone, this
     * sees that when nearly everyone gets through the counts vary far less than a multinomial would.
     * {@code sample} is the number of users the test saw.
     */
    public static SampleRatioMismatch homogeneity(long[] through, double[] expectedThrough, long[] not, double[] expectedNot, double alarm,
                                                  long sample) {
        double chi = 0;
        int variants = 0;
        for (int i = 0; i < through.length; i++) {
            if (expectedThrough[i] + expectedNot[i] <= 0) {
                continue;
            }
            variants++;
            chi += cell(through[i], expectedThrough[i]) + cell(not[i], expectedNot[i]);
        }
        if (variants < 2 || Double.isNaN(chi)) {
            return new SampleRatioMismatch(0, Math.max(0, variants - 1), 1, false, sample);
        }
        double p = Double.isInfinite(chi) ? 0 : ChiSquaredDistribution.of(variants - 1).survivalProbability(chi);
        return new SampleRatioMismatch(chi, variants - 1, p, p < alarm, sample);
    }

    private static double cell(long observed, double expected) {
        if (expected <= 0) {
            return observed > 0 ? Double.POSITIVE_INFINITY : 0;
        }
        double d = observed - expected;
        return d * d / expected;
    }

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
