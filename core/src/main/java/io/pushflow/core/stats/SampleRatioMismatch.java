package io.pushflow.core.stats;

import org.apache.commons.statistics.distribution.ChiSquaredDistribution;

/**
 * Whether the variants got through alike: Pearson's chi-squared test of the users per variant that got through (sent,
 * or delivered) and that did not, against the counts expected at the common rate (see {@link #homogeneity}; the
 * callers sum the expected counts over waves, see {@link SentRatio}). A tiny p-value (below the alarm level) means
 * something skews who gets what (a failing variant, a bug, a filter) and the test's comparison cannot be trusted.
 * {@code sample} is the number of users the test saw.
 */
public record SampleRatioMismatch(
        double chiSquared, int degreesOfFreedom, double pValue, boolean mismatch, long sample) {

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
    public static SampleRatioMismatch homogeneity(
            long[] through, double[] expectedThrough, long[] not, double[] expectedNot, double alarm, long sample) {
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
        double p = Double.isInfinite(chi)
                ? 0
                : ChiSquaredDistribution.of(variants - 1).survivalProbability(chi);
        return new SampleRatioMismatch(chi, variants - 1, p, p < alarm, sample);
    }

    private static double cell(long observed, double expected) {
        if (expected <= 0) {
            return observed > 0 ? Double.POSITIVE_INFINITY : 0;
        }
        double d = observed - expected;
        return d * d / expected;
    }
}
