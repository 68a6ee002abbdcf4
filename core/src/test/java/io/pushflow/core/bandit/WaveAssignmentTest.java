package io.pushflow.core.bandit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class WaveAssignmentTest {

    @Test
    void counts_match_the_shares_exactly_and_add_up() {
        assertThat(WaveAssignment.counts(1000, new double[] {0.5, 0.3, 0.2})).containsExactly(500, 300, 200);
        assertThat(WaveAssignment.counts(10, new double[] {1 / 3.0, 1 / 3.0, 1 / 3.0}))
                .containsExactly(4, 3, 3);
        assertThat(Arrays.stream(WaveAssignment.counts(997, new double[] {0.137, 0.5, 0.363}))
                        .sum())
                .isEqualTo(997);
    }

    @Test
    void an_assignment_is_a_seeded_shuffle_the_same_on_replay() {
        int[] first = WaveAssignment.assign(1000, new double[] {0.6, 0.4}, 42, 7);
        assertThat(WaveAssignment.assign(1000, new double[] {0.6, 0.4}, 42, 7)).containsExactly(first);
        assertThat(WaveAssignment.assign(1000, new double[] {0.6, 0.4}, 42, 8)).isNotEqualTo(first);
        assertThat(Arrays.stream(first).filter(a -> a == 0).count()).isEqualTo(600);
        assertThat(Arrays.stream(first, 0, 100).filter(a -> a == 0).count()).isBetween(40L, 80L);
    }

    @Test
    void the_holdout_is_stable_per_user_and_close_to_its_share() {
        long held = 0;
        for (long user = 1; user <= 100_000; user++) {
            boolean out = WaveAssignment.heldOut(9, user, 0.05);
            assertThat(WaveAssignment.heldOut(9, user, 0.05)).isEqualTo(out);
            held += out ? 1 : 0;
        }
        assertThat(held / 100_000.0).isCloseTo(0.05, within(0.004));
        assertThat(WaveAssignment.heldOut(9, 1, 0)).isFalse();
    }

    @Test
    void a_fresh_delivery_counts_as_a_fraction_of_a_trial() {
        Duration mean = Duration.ofMinutes(10);
        assertThat(DelayedFeedback.settled(Duration.ZERO, mean)).isZero();
        assertThat(DelayedFeedback.settled(mean, mean)).isCloseTo(1 - Math.exp(-1), within(1e-12));
        assertThat(DelayedFeedback.settled(Duration.ofHours(5), mean)).isCloseTo(1, within(1e-9));
    }
}
