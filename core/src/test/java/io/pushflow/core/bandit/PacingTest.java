package io.pushflow.core.bandit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class PacingTest {

    private static final Instant NOW = Instant.parse("2026-11-24T12:00:00Z");
    private static final Duration WAVE = Duration.ofSeconds(10);

    @Test
    void the_rest_is_spread_evenly_over_the_waves_left() {
        assertThat(Pacing.waveSize(12_000, NOW, NOW.plus(Duration.ofMinutes(2)), WAVE, 0, 100_000))
                .isEqualTo(1_000);
        assertThat(Pacing.waveSize(1_001, NOW, NOW.plusSeconds(100), WAVE, 0, 100_000))
                .isEqualTo(101);
        assertThat(Pacing.waveSize(50, NOW, NOW.plusSeconds(3), WAVE, 0, 100_000))
                .isEqualTo(50);
    }

    @Test
    void a_wave_never_exceeds_the_rate_limit_or_the_largest_read() {
        assertThat(Pacing.waveSize(1_000_000, NOW, NOW.plusSeconds(60), WAVE, 2_000, 100_000))
                .isEqualTo(20_000);
        assertThat(Pacing.waveSize(10_000_000, NOW, NOW.plusSeconds(60), WAVE, 0, 50_000))
                .isEqualTo(50_000);
    }

    @Test
    void asap_releases_as_much_as_the_limits_allow_whatever_the_window_left() {
        assertThat(Pacing.waveSize(12_000, NOW, NOW.plus(Duration.ofHours(2)), WAVE, 0, 100_000, true))
                .isEqualTo(12_000);
        assertThat(Pacing.waveSize(1_000_000, NOW, NOW.plus(Duration.ofHours(2)), WAVE, 0, 100_000, true))
                .isEqualTo(100_000);
        assertThat(Pacing.waveSize(1_000_000, NOW, NOW.plus(Duration.ofHours(2)), WAVE, 2_000, 100_000, true))
                .isEqualTo(20_000);
        assertThat(Pacing.waveSize(1_000, NOW, NOW, WAVE, 0, 100_000, true)).isZero();
    }

    @Test
    void nothing_goes_out_after_the_window_or_when_everyone_is_out() {
        assertThat(Pacing.waveSize(5, NOW, NOW, WAVE, 0, 100)).isZero();
        assertThat(Pacing.waveSize(0, NOW, NOW.plusSeconds(60), WAVE, 0, 100)).isZero();
    }

    @Test
    void a_whole_campaign_paced_this_way_releases_everyone_inside_the_window() {
        long remaining = 123_457;
        Instant end = NOW.plus(Duration.ofMinutes(30));
        Instant t = NOW;
        while (remaining > 0 && t.isBefore(end)) {
            remaining -= Pacing.waveSize(remaining, t, end, WAVE, 0, 100_000);
            t = t.plus(WAVE);
        }
        assertThat(remaining).isZero();
    }
}
