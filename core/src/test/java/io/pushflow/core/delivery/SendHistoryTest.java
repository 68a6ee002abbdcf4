package io.pushflow.core.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class SendHistoryTest {

    static final Instant T = Instant.parse("2026-11-24T12:00:00Z");
    static final Duration DAY = Duration.ofDays(1);

    @Test
    void the_cap_counts_pushes_in_the_rolling_period_only() {
        SendHistory h = SendHistory.EMPTY.with(T.minus(Duration.ofHours(30))).with(T.minus(Duration.ofHours(5)));
        assertThat(h.allows(T, 2, DAY)).isTrue(); // one push in the last 24 h
        SendHistory twice = h.with(T.minus(Duration.ofHours(1)));
        assertThat(twice.allows(T, 2, DAY)).isFalse(); // two in the last 24 h
        assertThat(twice.allows(T.plus(Duration.ofHours(19)).plusSeconds(1), 2, DAY))
                .isTrue(); // the older one left the period
        assertThat(SendHistory.EMPTY.allows(T, 1, DAY)).isTrue();
    }

    @Test
    void history_stays_bounded_and_sorted() {
        SendHistory h = SendHistory.EMPTY;
        for (int i = 0; i < 150; i++) {
            h = h.with(T.minusSeconds(150 - i));
        }
        assertThat(h.sentAtMillis()).hasSize(SendHistory.KEPT).isSorted();
        assertThat(h.sentAtMillis()[0]).isEqualTo(T.minusSeconds(100).toEpochMilli());
        assertThat(h.since(T.minusSeconds(10)).sentAtMillis()).hasSize(9);
        assertThat(h.with(T.minus(DAY)).sentAtMillis()[0])
                .isEqualTo(T.minusSeconds(100).toEpochMilli());
    }
}
