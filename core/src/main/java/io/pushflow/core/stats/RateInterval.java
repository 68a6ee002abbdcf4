package io.pushflow.core.stats;

import org.apache.commons.statistics.distribution.BetaDistribution;

/**
 * A rate (clicks or opens per delivered push) with its equal-tailed Bayesian credible interval: the posterior
 * Beta(1 + successes, 1 + failures) of a uniform prior, the same posterior the bandit samples from.
 */
public record RateInterval(double rate, double low, double high) {

    public static RateInterval of(long successes, double trials, double level) {
        if (successes < 0 || trials < 0 || level <= 0 || level >= 1) {
            throw new IllegalArgumentException("successes and trials are never negative, the level is in (0, 1)");
        }
        double failures = Math.max(0, trials - successes);
        BetaDistribution posterior = BetaDistribution.of(1 + successes, 1 + failures);
        double tail = (1 - level) / 2;
        double rate = trials == 0 ? 0 : successes / Math.max(trials, successes);
        return new RateInterval(
                rate, posterior.inverseCumulativeProbability(tail), posterior.inverseCumulativeProbability(1 - tail));
    }
}
