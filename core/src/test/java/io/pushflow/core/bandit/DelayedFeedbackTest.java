package io.pushflow.core.bandit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import org.apache.commons.rng.UniformRandomProvider;
import org.apache.commons.rng.simple.RandomSource;
import org.junit.jupiter.api.Test;

/**
 * Why fresh deliveries count as fractions of trials: two variants with the same true click rate, one with old
 * deliveries and one with a burst in the last ten minutes (the bandit's favourite gets the recent traffic).
 * Counting every delivery as a whole trial makes the recent variant look three times worse; counting settled
 * trials recovers the true rate for both.
 */
class DelayedFeedbackTest {

    static final double RATE = 0.05;
    static final Duration MEAN_DELAY = Duration.ofMinutes(10);

    /** Deliveries at ages spread over [minAge, maxAge] minutes; returns {naive trials, settled trials, clicks seen}. */
    static double[] observe(int deliveries, double minAgeMinutes, double maxAgeMinutes, UniformRandomProvider rng) {
        double settled = 0;
        long clicks = 0;
        for (int i = 0; i < deliveries; i++) {
            double ageMinutes = minAgeMinutes + rng.nextDouble() * (maxAgeMinutes - minAgeMinutes);
            settled += DelayedFeedback.settled(Duration.ofMillis((long) (ageMinutes * 60_000)), MEAN_DELAY);
            boolean willClick = rng.nextDouble() < RATE;
            double delayMinutes = -Math.log(1 - rng.nextDouble()) * MEAN_DELAY.toMinutes();
            if (willClick && delayMinutes <= ageMinutes) {
                clicks++;
            }
        }
        return new double[] {deliveries, settled, clicks};
    }

    @Test
    void settled_trials_keep_the_recent_variant_from_looking_worse_than_it_is() {
        UniformRandomProvider rng = RandomSource.XO_RO_SHI_RO_128_PP.create(17);
        double[] old = observe(40_000, 120, 240, rng);
        double[] recent = observe(40_000, 0, 10, rng);

        double naiveOld = old[2] / old[0];
        double naiveRecent = recent[2] / recent[0];
        assertThat(naiveOld).isCloseTo(RATE, within(0.005));
        assertThat(naiveRecent).isLessThan(0.45 * RATE);

        assertThat(old[2] / old[1]).isCloseTo(RATE, within(0.005));
        assertThat(recent[2] / recent[1]).isCloseTo(RATE, within(0.006));
    }
}
