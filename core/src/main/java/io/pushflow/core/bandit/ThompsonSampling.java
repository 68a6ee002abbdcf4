package io.pushflow.core.bandit;

import java.util.List;
import org.apache.commons.rng.UniformRandomProvider;
import org.apache.commons.statistics.distribution.BetaDistribution;
import org.apache.commons.statistics.distribution.ContinuousDistribution;

/**
 * Thompson sampling on Beta posteriors of the reward rate per delivered push (Beta(alpha + successes,
 * beta + failures)). One push goes to the arm with the highest posterior draw; a wave is split by each arm's
 * probability of being best, estimated by Monte Carlo over the same posteriors. Until every arm has
 * {@code burnIn} trials the split is even (and single pushes go to the arm with the fewest trials); every arm
 * keeps at least {@code minShare} of a wave.
 */
public final class ThompsonSampling implements Policy {

    /** Monte Carlo draws for the probability of being best: its standard error is at most 0.5/sqrt(draws). */
    public static final int DEFAULT_DRAWS = 10_000;

    private final double priorAlpha;
    private final double priorBeta;
    private final double minShare;
    private final long burnIn;
    private final int draws;
    private List<ArmEvidence> arms = List.of();
    private ContinuousDistribution.Sampler[] samplers = new ContinuousDistribution.Sampler[0];
    private UniformRandomProvider samplerRng;
    private boolean burningIn = true;

    public ThompsonSampling(double priorAlpha, double priorBeta, double minShare, long burnIn, int draws) {
        if (priorAlpha <= 0 || priorBeta <= 0) {
            throw new IllegalArgumentException("the Beta prior needs positive parameters");
        }
        this.priorAlpha = priorAlpha;
        this.priorBeta = priorBeta;
        this.minShare = minShare;
        this.burnIn = burnIn;
        this.draws = draws;
    }

    /** Beta(1,1) prior, no floor, no burn-in. */
    public static ThompsonSampling plain() {
        return new ThompsonSampling(1, 1, 0, 0, DEFAULT_DRAWS);
    }

    @Override
    public void update(List<ArmEvidence> evidence) {
        this.arms = List.copyOf(evidence);
        this.samplers = null;
        this.burningIn = arms.stream().anyMatch(a -> a.trials() < burnIn);
    }

    @Override
    public int choose(UniformRandomProvider rng) {
        if (burningIn) {
            int fewest = 0;
            for (int i = 1; i < arms.size(); i++) {
                if (arms.get(i).trials() < arms.get(fewest).trials()) {
                    fewest = i;
                }
            }
            return fewest;
        }
        return highestDraw(samplers(rng));
    }

    @Override
    public double[] shares(UniformRandomProvider rng) {
        if (burningIn) {
            return Shares.even(arms.size());
        }
        return Shares.withFloor(probabilityOfBest(rng), minShare);
    }

    /** Each arm's probability of having the highest rate, from {@code draws} joint posterior draws. */
    public double[] probabilityOfBest(UniformRandomProvider rng) {
        ContinuousDistribution.Sampler[] s = samplers(rng);
        long[] wins = new long[s.length];
        for (int d = 0; d < draws; d++) {
            wins[highestDraw(s)]++;
        }
        double[] p = new double[s.length];
        for (int i = 0; i < s.length; i++) {
            p[i] = (double) wins[i] / draws;
        }
        return p;
    }

    /** One draw from every posterior; the arm whose draw is highest. */
    private static int highestDraw(ContinuousDistribution.Sampler[] samplers) {
        int best = 0;
        double bestDraw = -1;
        for (int i = 0; i < samplers.length; i++) {
            double draw = samplers[i].sample();
            if (draw > bestDraw) {
                bestDraw = draw;
                best = i;
            }
        }
        return best;
    }

    /** Samplers bound to the caller's generator, rebuilt when the evidence or the generator changes. */
    private ContinuousDistribution.Sampler[] samplers(UniformRandomProvider rng) {
        if (samplers == null || samplerRng != rng) {
            samplers = new ContinuousDistribution.Sampler[arms.size()];
            for (int i = 0; i < arms.size(); i++) {
                ArmEvidence a = arms.get(i);
                samplers[i] = BetaDistribution.of(priorAlpha + a.successes(), priorBeta + a.failures())
                        .createSampler(rng);
            }
            samplerRng = rng;
        }
        return samplers;
    }
}
