package io.pushflow.simulator.provider;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class AppOpenModelTest {

    private static final Duration WINDOW = Duration.ofHours(2);
    private final AppOpenModel model = new AppOpenModel(7, new SimulatorConfig.AppOpens(0.2, WINDOW.toMillis(), Map.of("A", 0.05)));

    @Test
    void users_open_the_app_within_a_window_at_the_baseline_and_a_push_adds_its_uplift() {
        Instant wave = Instant.parse("2026-12-01T10:00:00Z");
        int n = 100_000;
        int organic = 0;
        int pushed = 0;
        for (int i = 0; i < n; i++) {
            String id = "sub-" + i;
            boolean byThemselves = !model.organic(id, wave, wave.plus(WINDOW)).isEmpty();
            organic += byThemselves ? 1 : 0;
            boolean byPush = model.pushed(1, "A", id, wave).filter(t -> t.isBefore(wave.plus(WINDOW))).isPresent();
            pushed += byThemselves || byPush ? 1 : 0;
        }
        assertThat(organic / (double) n).isCloseTo(0.2, within(0.005));
        assertThat(pushed / (double) n).isCloseTo(0.25, within(0.005));
        assertThat(model.trueLift("A")).isEqualTo(0.05);
        assertThat(model.trueLift("B")).isZero();
        assertThat(model.organic("sub-1", wave, wave.plus(Duration.ofDays(1))))
                .isEqualTo(model.organic("sub-1", wave, wave.plus(Duration.ofDays(1))));
    }

    @Test
    void an_uplift_beyond_certainty_is_refused() {
        assertThatThrownBy(() -> new SimulatorConfig.AppOpens(0.9, 1000, Map.of("A", 0.2))).hasMessageContaining("uplift of A");
    }
}
