package io.pushflow.core.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** Newcombe's own worked examples (Statistics in Medicine 17, 1998, table II, method 10). */
class ProportionDifferenceTest {

    @Test
    void matches_newcombe_s_worked_examples() {
        ProportionDifference d = ProportionDifference.of(56, 70, 48, 80, 0.95);
        assertThat(d.difference()).isCloseTo(0.2, within(1e-9));
        assertThat(d.low()).isCloseTo(0.0524, within(1e-4));
        assertThat(d.high()).isCloseTo(0.3339, within(1e-4));
        ProportionDifference small = ProportionDifference.of(9, 10, 3, 10, 0.95);
        assertThat(small.low()).isCloseTo(0.1705, within(1e-4));
        assertThat(small.high()).isCloseTo(0.8090, within(1e-4));
    }

    @Test
    void stays_within_minus_one_and_one_and_is_wide_open_without_data() {
        ProportionDifference all = ProportionDifference.of(10, 10, 0, 10, 0.95);
        assertThat(all.high()).isLessThanOrEqualTo(1);
        assertThat(all.low()).isGreaterThan(0);
        ProportionDifference none = ProportionDifference.of(0, 0, 0, 0, 0.95);
        assertThat(none.low()).isEqualTo(-1);
        assertThat(none.high()).isEqualTo(1);
        assertThatThrownBy(() -> ProportionDifference.of(3, 2, 0, 1, 0.95))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
