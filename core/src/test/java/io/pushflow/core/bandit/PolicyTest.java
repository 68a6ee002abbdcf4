package io.pushflow.core.bandit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import org.apache.commons.rng.UniformRandomProvider;
import org.apache.commons.rng.simple.RandomSource;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;

class PolicyTest {

    /** Runs a policy for {@code steps} pushes against arms with these true rates, feeding back every {@code every}. */
    static long[] pulls(Policy policy, double[] rates, int steps, int every, long seed) {
        UniformRandomProvider rng = RandomSource.XO_RO_SHI_RO_128_PP.create(seed);
        long[] pulls = new long[rates.length];
        long[] wins = new long[rates.length];
        policy.update(evidence(pulls, wins));
        for (int step = 1; step <= steps; step++) {
            int arm = policy.choose(rng);
            pulls[arm]++;
            if (rng.nextDouble() < rates[arm]) {
                wins[arm]++;
            }
            if (step % every == 0) {
                policy.update(evidence(pulls, wins));
            }
        }
        return pulls;
    }

    static List<ArmEvidence> evidence(long[] pulls, long[] wins) {
        List<ArmEvidence> out = new ArrayList<>();
        for (int i = 0; i < pulls.length; i++) {
            out.add(new ArmEvidence(pulls[i], wins[i]));
        }
        return out;
    }

    @Test
    void thompson_sampling_converges_to_the_best_arm() {
        long[] pulls = pulls(ThompsonSampling.plain(), new double[] {0.02, 0.03, 0.045}, 200_000, 100, 1);
        assertThat((double) pulls[2] / 200_000).isGreaterThan(0.8);
        assertThat(pulls[2]).isGreaterThan(pulls[1]).isGreaterThan(0);
    }

    @Test
    void the_probability_of_being_best_is_right_for_clear_and_tied_arms() {
        ThompsonSampling ts = ThompsonSampling.plain();
        UniformRandomProvider rng = RandomSource.XO_RO_SHI_RO_128_PP.create(3);
        ts.update(List.of(new ArmEvidence(10_000, 200), new ArmEvidence(10_000, 450)));
        assertThat(ts.probabilityOfBest(rng)[1]).isGreaterThan(0.999);
        ts.update(List.of(new ArmEvidence(1_000, 30), new ArmEvidence(1_000, 30)));
        assertThat(ts.probabilityOfBest(rng)[0]).isCloseTo(0.5, within(0.03));
    }

    @Test
    void the_floor_holds_and_burn_in_splits_evenly() {
        ThompsonSampling ts = new ThompsonSampling(1, 1, 0.05, 100, 4_000);
        UniformRandomProvider rng = RandomSource.XO_RO_SHI_RO_128_PP.create(4);
        ts.update(List.of(new ArmEvidence(99, 0), new ArmEvidence(5_000, 400), new ArmEvidence(5_000, 100)));
        assertThat(ts.shares(rng)).containsExactly(1 / 3.0, 1 / 3.0, 1 / 3.0);
        assertThat(ts.choose(rng)).isZero();
        ts.update(List.of(new ArmEvidence(100, 0), new ArmEvidence(5_000, 400), new ArmEvidence(5_000, 100)));
        double[] shares = ts.shares(rng);
        // arm 0 (0 of 100) and arm 2 (2%) are almost never best next to arm 1 (8%): they keep about the floor
        assertThat(shares[0]).isCloseTo(0.05, within(0.002));
        assertThat(shares[2]).isCloseTo(0.05, within(0.002));
        assertThat(shares[1]).isCloseTo(0.90, within(0.004));
        assertThat(shares[0] + shares[1] + shares[2]).isCloseTo(1, within(1e-12));
    }

    @Test
    void the_same_seed_makes_the_same_decisions() {
        double[] rates = {0.05, 0.04, 0.03};
        assertThat(pulls(ThompsonSampling.plain(), rates, 20_000, 50, 9))
                .containsExactly(pulls(ThompsonSampling.plain(), rates, 20_000, 50, 9));
        ThompsonSampling a = ThompsonSampling.plain();
        ThompsonSampling b = ThompsonSampling.plain();
        List<ArmEvidence> ev = List.of(new ArmEvidence(300, 9), new ArmEvidence(300, 12));
        a.update(ev);
        b.update(ev);
        assertThat(a.shares(WaveAssignment.rng(7, 3))).containsExactly(b.shares(WaveAssignment.rng(7, 3)));
    }

    @Test
    void ab_winner_tests_evenly_then_sends_everything_to_the_winner() {
        TestThenWinner policy = new TestThenWinner();
        UniformRandomProvider rng = RandomSource.XO_RO_SHI_RO_128_PP.create(5);
        policy.update(List.of(new ArmEvidence(1_000, 20), new ArmEvidence(1_000, 45), new ArmEvidence(1_000, 30)));
        assertThat(policy.shares(rng)).containsExactly(1 / 3.0, 1 / 3.0, 1 / 3.0);
        policy.endTest();
        assertThat(policy.shares(rng)).containsExactly(0, 1, 0);
        policy.update(
                List.of(new ArmEvidence(1_000, 900), new ArmEvidence(100_000, 4_500), new ArmEvidence(1_000, 30)));
        assertThat(policy.choose(rng)).isEqualTo(1);
    }

    @Test
    void fixed_weights_ucb_and_epsilon_greedy_behave_as_named() {
        UniformRandomProvider rng = RandomSource.XO_RO_SHI_RO_128_PP.create(6);
        FixedSplit fixed = new FixedSplit(new double[] {3, 1});
        fixed.update(List.of(ArmEvidence.NONE, ArmEvidence.NONE));
        assertThat(fixed.shares(rng)).containsExactly(0.75, 0.25);
        int first = 0;
        for (int i = 0; i < 10_000; i++) {
            first += fixed.choose(rng) == 0 ? 1 : 0;
        }
        assertThat(first / 10_000.0).isCloseTo(0.75, within(0.02));

        Ucb1 ucb = new Ucb1();
        ucb.update(List.of(new ArmEvidence(10, 1), ArmEvidence.NONE));
        assertThat(ucb.choose(rng)).isEqualTo(1);
        assertThat(pulls(new Ucb1(), new double[] {0.1, 0.3}, 20_000, 1, 2)[1]).isGreaterThan(15_000);

        EpsilonGreedy greedy = new EpsilonGreedy(0.1);
        greedy.update(List.of(new ArmEvidence(100, 5), new ArmEvidence(100, 9)));
        double[] greedyShares = greedy.shares(rng);
        assertThat(greedyShares[0]).isCloseTo(0.05, within(1e-12));
        assertThat(greedyShares[1]).isCloseTo(0.95, within(1e-12));
    }

    @Test
    void shares_take_a_floor_and_refuse_an_impossible_one() {
        assertThat(Shares.withFloor(new double[] {1, 0, 0, 0}, 0.1)).containsExactly(0.7, 0.1, 0.1, 0.1);
        Assertions.assertThatThrownBy(() -> Shares.withFloor(new double[] {0.5, 0.5}, 0.5))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
