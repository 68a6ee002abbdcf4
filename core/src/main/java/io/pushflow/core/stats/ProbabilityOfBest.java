package io.pushflow.core.stats;

import io.pushflow.core.bandit.ArmEvidence;
import java.util.List;
import org.apache.commons.statistics.distribution.BetaDistribution;

/**
 * Each variant's probability of having the highest rate under Beta(1 + successes, 1 + failures) posteriors,
 * computed (not sampled): P(i best) = ∫ f_i(x) · Π_{j≠i} F_j(x) dx by Simpson's rule on a grid fine enough for
 * the narrowest posterior, so the statistics show the same number on every refresh.
 */
public final class ProbabilityOfBest {

    private static final int MIN_STEPS = 2_000;
    private static final int MAX_STEPS = 200_000;
    /** Mass left out at each end of the integration range. */
    private static final double TAIL = 1e-12;

    private ProbabilityOfBest() {}

    public static double[] of(List<ArmEvidence> arms) {
        int k = arms.size();
        BetaDistribution[] posteriors = new BetaDistribution[k];
        double narrowest = 1;
        double from = 1;
        double to = 0;
        for (int i = 0; i < k; i++) {
            ArmEvidence a = arms.get(i);
            posteriors[i] = BetaDistribution.of(1 + a.successes(), 1 + a.failures());
            narrowest = Math.min(narrowest, Math.sqrt(posteriors[i].getVariance()));
            from = Math.min(from, posteriors[i].inverseCumulativeProbability(TAIL));
            to = Math.max(to, posteriors[i].inverseCumulativeProbability(1 - TAIL));
        }
        // only where some posterior has mass, with at least ~40 grid points across the narrowest one's deviation
        int steps = (int) Math.min(MAX_STEPS, Math.max(MIN_STEPS, 40 * (to - from) / narrowest));
        steps += steps % 2;
        double h = (to - from) / steps;
        double[] p = new double[k];
        for (int s = 0; s <= steps; s++) {
            double x = from + s * h;
            double weight = s == 0 || s == steps ? 1 : (s % 2 == 1 ? 4 : 2);
            double[] cdf = new double[k];
            double product = 1;
            int zeros = 0;
            for (int j = 0; j < k; j++) {
                cdf[j] = posteriors[j].cumulativeProbability(x);
                if (cdf[j] == 0) {
                    zeros++;
                } else {
                    product *= cdf[j];
                }
            }
            for (int i = 0; i < k; i++) {
                double others;
                if (cdf[i] == 0) {
                    others = zeros == 1 ? product : 0;
                } else {
                    others = zeros > 0 ? 0 : product / cdf[i];
                }
                p[i] += weight * posteriors[i].density(x) * others;
            }
        }
        double sum = 0;
        for (int i = 0; i < k; i++) {
            p[i] *= h / 3;
            sum += p[i];
        }
        for (int i = 0; i < k; i++) {
            p[i] /= sum; // removes the small integration error, so the probabilities add up to 1
        }
        return p;
    }
}
