package io.pushflow.simulator.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AppOpenModelTest {

    private static final Duration WINDOW = Duration.ofHours(2);
    private static final Instant WAVE = Instant.parse("2026-12-01T10:00:00Z");
    private static final int USERS = 100_000;
    private final AppOpenModel model =
            new AppOpenModel(7, new SimulatorConfig.AppOpens(0.2, WINDOW.toMillis(), Map.of("A", 0.05)));

    @Test
    void users_open_the_app_within_a_window_at_the_baseline_and_a_push_adds_its_uplift() {
        double[] shares = opened(WINDOW, Duration.ZERO);
        assertThat(shares[0]).isCloseTo(0.2, within(0.005));
        assertThat(shares[1]).isCloseTo(0.25, within(0.005));
        assertThat(model.trueLift("A")).isEqualTo(0.05);
        assertThat(model.trueLift("B")).isZero();
        assertThat(model.organic("sub-1", WAVE, WAVE.plus(Duration.ofDays(1))))
                .isEqualTo(model.organic("sub-1", WAVE, WAVE.plus(Duration.ofDays(1))));
    }

    @Test
    void a_longer_measured_window_than_the_model_s_holds_a_smaller_lift() {
        Duration measured = WINDOW.multipliedBy(2);
        double[] shares = opened(measured, Duration.ofMinutes(10)); // the push reaches the device after the wave began
        assertThat(shares[1] - shares[0]).isCloseTo(model.trueLift("A", measured), within(0.005));
        assertThat(model.trueLift("A", measured)).isCloseTo(0.05 * 0.8, within(1e-12));
        assertThatThrownBy(() -> model.trueLift("A", WINDOW.dividedBy(2))).hasMessageContaining("measured window");
    }

    @Test
    void an_uplift_beyond_certainty_is_refused() {
        assertThatThrownBy(() -> new SimulatorConfig.AppOpens(0.9, 1000, Map.of("A", 0.2)))
                .hasMessageContaining("uplift of A");
    }

    /** The shares of users who open the app within {@code measured} from the wave by themselves, and with a push of A arriving after {@code delay}. */
    private double[] opened(Duration measured, Duration delay) {
        Instant end = WAVE.plus(measured);
        int organic = 0;
        int pushed = 0;
        for (int i = 0; i < USERS; i++) {
            String id = "sub-" + i;
            boolean byThemselves = !model.organic(id, WAVE, end).isEmpty();
            boolean byPush = model.pushed(1, "A", id, WAVE.plus(delay))
                    .filter(t -> t.isBefore(end))
                    .isPresent();
            organic += byThemselves ? 1 : 0;
            pushed += byThemselves || byPush ? 1 : 0;
        }
        return new double[] {organic / (double) USERS, pushed / (double) USERS};
    }
}
