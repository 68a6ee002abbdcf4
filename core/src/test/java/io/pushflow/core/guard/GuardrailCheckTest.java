package io.pushflow.core.guard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pushflow.core.stats.SampleRatioMismatch;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class GuardrailCheckTest {

    private static final Guardrails G = Guardrails.DEFAULTS;

    /** An SRM test's outcome as {@link SampleRatioMismatch#homogeneity} reports it, for two variants. */
    private static SampleRatioMismatch srm(double chiSquared, double pValue, long sample) {
        return new SampleRatioMismatch(chiSquared, 1, pValue, pValue < SampleRatioMismatch.ALARM, sample);
    }

    @Test
    void a_healthy_campaign_trips_nothing() {
        var fine = srm(0.9, 0.35, 10_000);
        assertThat(GuardrailCheck.tripped(G, new GuardrailCheck.Numbers(fine, fine, 1_000, 10, 1_100, 20, 5_000, 100)))
                .isEmpty();
    }

    @Test
    void srm_trips_only_with_the_minimum_sample() {
        var skewed = srm(40, 2.5e-10, 900);
        assertThat(GuardrailCheck.tripped(G, new GuardrailCheck.Numbers(skewed, null, 0, 0, 0, 0, 0, 0)))
                .isEmpty(); // 900 < 1,000 users
        var big = srm(400, 1e-88, 9_000);
        assertThat(GuardrailCheck.tripped(G, new GuardrailCheck.Numbers(big, null, 0, 0, 0, 0, 0, 0)))
                .hasValueSatisfying(
                        r -> assertThat(r).startsWith("sample ratio mismatch:").contains("9000 users"));
        // p = 0.0005 alarms at the usual 0.001 but not at the guardrail's stricter default
        assertThat(GuardrailCheck.tripped(
                        G, new GuardrailCheck.Numbers(srm(12.1, 5e-4, 9_000), null, 0, 0, 0, 0, 0, 0)))
                .isEmpty();
    }

    @Test
    void srm_on_delivery_trips_when_the_provider_reaches_one_variant_s_recipients_less_often() {
        var unequal = srm(327.5, 3.5e-73, 2_000);
        assertThat(GuardrailCheck.tripped(G, new GuardrailCheck.Numbers(null, unequal, 0, 0, 0, 0, 0, 0)))
                .hasValueSatisfying(r -> assertThat(r)
                        .isEqualTo(
                                "sample ratio mismatch on delivery: the provider reached the variants' recipients unequally "
                                        + "(chi-squared 327.5, p = 3.5e-73 below 0.0001, 2000 devices)"));
        assertThat(GuardrailCheck.tripped(
                        G, new GuardrailCheck.Numbers(null, srm(327.5, 3.5e-73, 999), 0, 0, 0, 0, 0, 0)))
                .isEmpty();
        assertThat(GuardrailCheck.tripped(
                        G, new GuardrailCheck.Numbers(null, srm(12.1, 5e-4, 2_000), 0, 0, 0, 0, 0, 0)))
                .isEmpty();
        // what was sent is looked at first: a skew there explains one in what was delivered
        assertThat(GuardrailCheck.tripped(
                        G, new GuardrailCheck.Numbers(srm(400, 1e-88, 9_000), unequal, 0, 0, 0, 0, 0, 0)))
                .hasValueSatisfying(r -> assertThat(r).startsWith("sample ratio mismatch:"));
    }

    @Test
    void the_failure_rate_trips_above_the_limit_with_enough_attempts() {
        assertThat(GuardrailCheck.tripped(G, new GuardrailCheck.Numbers(null, null, 150, 49, 0, 0, 0, 0)))
                .isEmpty(); // 199 attempts
        assertThat(GuardrailCheck.tripped(G, new GuardrailCheck.Numbers(null, null, 160, 40, 0, 0, 0, 0)))
                .isEmpty(); // exactly 20%
        assertThat(GuardrailCheck.tripped(G, new GuardrailCheck.Numbers(null, null, 150, 50, 0, 0, 0, 0)))
                .hasValueSatisfying(r -> assertThat(r)
                        .isEqualTo("the provider failed 25% of 200 pushes in the last 5 minutes (the limit is 20%)"));
    }

    @Test
    void dead_tokens_trip_on_a_jump_over_the_campaigns_own_baseline() {
        // 2% before, 8% now: more than three times, and more than 5 points up
        assertThat(GuardrailCheck.tripped(G, new GuardrailCheck.Numbers(null, null, 0, 0, 1_000, 80, 1_000, 20)))
                .isPresent();
        // 2% before, 6% now: three times exactly, not above it
        assertThat(GuardrailCheck.tripped(G, new GuardrailCheck.Numbers(null, null, 0, 0, 1_000, 60, 1_000, 20)))
                .isEmpty();
        // 0.1% before, 1% now: ten times, but a handful of users
        assertThat(GuardrailCheck.tripped(G, new GuardrailCheck.Numbers(null, null, 0, 0, 1_000, 10, 1_000, 1)))
                .isEmpty();
        // no baseline yet
        assertThat(GuardrailCheck.tripped(G, new GuardrailCheck.Numbers(null, null, 0, 0, 1_000, 500, 100, 0)))
                .isEmpty();
    }

    @Test
    void switched_off_trips_nothing_and_thresholds_are_checked() {
        Guardrails off = new Guardrails(false, 0.001, 1_000, 0.2, 200, Duration.ofMinutes(5), 3, 200);
        assertThat(GuardrailCheck.tripped(off, new GuardrailCheck.Numbers(null, null, 0, 1_000, 0, 0, 0, 0)))
                .isEmpty();
        assertThatThrownBy(() -> new Guardrails(true, 0.6, 1_000, 0.2, 200, Duration.ofMinutes(5), 3, 200))
                .hasMessageContaining("srmAlpha");
        assertThatThrownBy(() -> new Guardrails(true, 0.001, 1_000, 0.2, 200, Duration.ofSeconds(5), 3, 200))
                .hasMessageContaining("window");
    }
}
