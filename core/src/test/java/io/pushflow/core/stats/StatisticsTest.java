package io.pushflow.core.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.pushflow.core.bandit.ArmEvidence;
import io.pushflow.core.bandit.ThompsonSampling;
import io.pushflow.core.bandit.WaveAssignment;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Known values: closed forms of Beta comparisons, Beta quantiles, and chi-squared tail probabilities. */
class StatisticsTest {

    @Test
    void probability_of_being_best_matches_closed_forms() {
        // Beta(2,1) vs Beta(1,1): P(X > Y) = 2/3
        assertThat(ProbabilityOfBest.of(List.of(new ArmEvidence(1, 1), new ArmEvidence(0, 0)))[0])
                .isCloseTo(2 / 3.0, within(1e-6));
        // Beta(3,1) vs Beta(1,1): P = 3/4; Beta(2,2) vs Beta(1,1): 1/2 by symmetry
        assertThat(ProbabilityOfBest.of(List.of(new ArmEvidence(2, 2), new ArmEvidence(0, 0)))[0])
                .isCloseTo(0.75, within(1e-6));
        assertThat(ProbabilityOfBest.of(List.of(new ArmEvidence(2, 1), new ArmEvidence(0, 0)))[0])
                .isCloseTo(0.5, within(1e-6));
        double[] three = ProbabilityOfBest.of(
                List.of(new ArmEvidence(500, 20), new ArmEvidence(500, 20), new ArmEvidence(500, 20)));
        for (double p : three) {
            assertThat(p).isCloseTo(1 / 3.0, within(1e-4));
        }
    }

    @Test
    void probability_of_being_best_agrees_with_the_bandit_s_monte_carlo() {
        List<ArmEvidence> arms =
                List.of(new ArmEvidence(20_000, 400), new ArmEvidence(20_000, 460), new ArmEvidence(8_000, 170));
        double[] exact = ProbabilityOfBest.of(arms);
        ThompsonSampling ts = new ThompsonSampling(1, 1, 0, 0, 400_000);
        ts.update(arms);
        double[] sampled = ts.probabilityOfBest(WaveAssignment.rng(1, 1));
        for (int i = 0; i < 3; i++) {
            assertThat(exact[i]).isCloseTo(sampled[i], within(0.005));
        }
        assertThat(exact[0] + exact[1] + exact[2]).isCloseTo(1, within(1e-12));
    }

    @Test
    void credible_intervals_are_beta_quantiles() {
        RateInterval none = RateInterval.of(0, 0, 0.95);
        assertThat(none.low()).isCloseTo(0.025, within(1e-9)); // Beta(1,1) is uniform
        assertThat(none.high()).isCloseTo(0.975, within(1e-9));
        RateInterval r = RateInterval.of(30, 1_000, 0.95);
        assertThat(r.rate()).isEqualTo(0.03);
        // Beta(31, 971): mean 0.0309, sd 0.00546; the interval lies around it
        assertThat(r.low()).isBetween(0.020, 0.022);
        assertThat(r.high()).isBetween(0.042, 0.044);
        RateInterval wide = RateInterval.of(3, 100, 0.95);
        assertThat(wide.high() - wide.low()).isGreaterThan(r.high() - r.low());
    }

    @Test
    void sample_ratio_mismatch_uses_the_chi_squared_tail() {
        // 10,000 users per variant, 90% through overall: 20 more or fewer through is chi-squared 20²/9,000·2 +
        // 20²/1,000·2
        SampleRatioMismatch fine = SampleRatioMismatch.homogeneity(
                new long[] {9_020, 8_980},
                new double[] {9_000, 9_000},
                new long[] {980, 1_020},
                new double[] {1_000, 1_000},
                SampleRatioMismatch.ALARM,
                20_000);
        assertThat(fine.chiSquared()).isCloseTo(0.8889, within(1e-4));
        assertThat(fine.pValue()).isCloseTo(0.3458, within(1e-4));
        assertThat(fine.mismatch()).isFalse();
        assertThat(fine.degreesOfFreedom()).isEqualTo(1);
        assertThat(fine.sample()).isEqualTo(20_000);
        SampleRatioMismatch skewed = SampleRatioMismatch.homogeneity(
                new long[] {9_100, 8_900},
                new double[] {9_000, 9_000},
                new long[] {900, 1_100},
                new double[] {1_000, 1_000},
                SampleRatioMismatch.ALARM,
                20_000);
        assertThat(skewed.chiSquared()).isCloseTo(22.2222, within(1e-4));
        assertThat(skewed.pValue()).isCloseTo(2.428e-6, within(1e-9));
        assertThat(skewed.mismatch()).isTrue();
        // a variant expected to get nobody is left out: two of three left, one degree of freedom
        SampleRatioMismatch weighted = SampleRatioMismatch.homogeneity(
                new long[] {27_000, 9_000, 0},
                new double[] {27_000, 9_000, 0},
                new long[] {3_000, 1_000, 0},
                new double[] {3_000, 1_000, 0},
                SampleRatioMismatch.ALARM,
                40_000);
        assertThat(weighted.mismatch()).isFalse();
        assertThat(weighted.degreesOfFreedom()).isEqualTo(1);
    }
}
