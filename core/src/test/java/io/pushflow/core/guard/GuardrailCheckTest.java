package io.pushflow.core.guard;

import io.pushflow.core.stats.SampleRatioMismatch;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GuardrailCheckTest {

    private static final Guardrails G = Guardrails.DEFAULTS;

    @Test
    void a_healthy_campaign_trips_nothing() {
        var srm = SampleRatioMismatch.test(new long[]{5_020, 4_980}, new double[]{1, 1}, G.srmAlpha());
        assertThat(GuardrailCheck.tripped(G, new GuardrailCheck.Numbers(srm, 1_000, 10, 1_100, 20, 5_000, 100))).isEmpty();
    }

    @Test
    void srm_trips_only_with_the_minimum_sample() {
        var skewed = SampleRatioMismatch.test(new long[]{600, 300}, new double[]{1, 1}, G.srmAlpha());
        assertThat(skewed.mismatch()).isTrue();
        assertThat(GuardrailCheck.tripped(G, new GuardrailCheck.Numbers(skewed, 0, 0, 0, 0, 0, 0))).isEmpty(); // 900 < 1,000 users
        var big = SampleRatioMismatch.test(new long[]{6_000, 3_000}, new double[]{1, 1}, G.srmAlpha());
        assertThat(GuardrailCheck.tripped(G, new GuardrailCheck.Numbers(big, 0, 0, 0, 0, 0, 0)))
                .hasValueSatisfying(r -> assertThat(r).startsWith("sample ratio mismatch").contains("9000 users"));
    }

    @Test
    void the_failure_rate_trips_above_the_limit_with_enough_attempts() {
        assertThat(GuardrailCheck.tripped(G, new GuardrailCheck.Numbers(null, 150, 49, 0, 0, 0, 0))).isEmpty(); // 199 attempts
        assertThat(GuardrailCheck.tripped(G, new GuardrailCheck.Numbers(null, 160, 40, 0, 0, 0, 0))).isEmpty(); // exactly 20%
        assertThat(GuardrailCheck.tripped(G, new GuardrailCheck.Numbers(null, 150, 50, 0, 0, 0, 0)))
                .hasValueSatisfying(r -> assertThat(r).isEqualTo("the provider failed 25% of 200 pushes in the last 5 minutes (the limit is 20%)"));
    }

    @Test
    void dead_tokens_trip_on_a_jump_over_the_campaigns_own_baseline() {
        // 2% before, 8% now: more than three times, and more than 5 points up
        assertThat(GuardrailCheck.tripped(G, new GuardrailCheck.Numbers(null, 0, 0, 1_000, 80, 1_000, 20))).isPresent();
        // 2% before, 6% now: three times exactly, not above it
        assertThat(GuardrailCheck.tripped(G, new GuardrailCheck.Numbers(null, 0, 0, 1_000, 60, 1_000, 20))).isEmpty();
        // 0.1% before, 1% now: ten times, but a handful of users
        assertThat(GuardrailCheck.tripped(G, new GuardrailCheck.Numbers(null, 0, 0, 1_000, 10, 1_000, 1))).isEmpty();
        // no baseline yet
        assertThat(GuardrailCheck.tripped(G, new GuardrailCheck.Numbers(null, 0, 0, 1_000, 500, 100, 0))).isEmpty();
    }

    @Test
    void switched_off_trips_nothing_and_thresholds_are_checked() {
        Guardrails off = new Guardrails(false, 0.001, 1_000, 0.2, 200, Duration.ofMinutes(5), 3, 200);
        assertThat(GuardrailCheck.tripped(off, new GuardrailCheck.Numbers(null, 0, 1_000, 0, 0, 0, 0))).isEmpty();
        assertThatThrownBy(() -> new Guardrails(true, 0.6, 1_000, 0.2, 200, Duration.ofMinutes(5), 3, 200)).hasMessageContaining("srmAlpha");
        assertThatThrownBy(() -> new Guardrails(true, 0.001, 1_000, 0.2, 200, Duration.ofSeconds(5), 3, 200)).hasMessageContaining("window");
    }
}
