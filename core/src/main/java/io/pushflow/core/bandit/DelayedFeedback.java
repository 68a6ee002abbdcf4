package io.pushflow.core.bandit;

import java.time.Duration;

/**
 * Clicks come minutes after delivery, so a fresh delivery is not yet a failure. A delivery of age t counts as
 * F(t) of a trial, where F is the share of eventual clicks that have arrived by then (an exponential delay with
 * the given mean). Observed clicks over these effective trials estimate the rate without the bias that would
 * otherwise punish the arm that got the most recent traffic, which is the arm the bandit favours.
 */
public final class DelayedFeedback {

    private DelayedFeedback() {}

    /** F(age): the expected share of a delivery's eventual clicks observed after {@code age}. */
    public static double settled(Duration age, Duration meanDelay) {
        if (age.isNegative() || age.isZero()) {
            return 0;
        }
        if (meanDelay.isZero()) {
            return 1;
        }
        return 1 - Math.exp(-(double) age.toMillis() / meanDelay.toMillis());
    }
}
