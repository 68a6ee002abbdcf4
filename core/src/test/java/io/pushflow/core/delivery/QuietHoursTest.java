package io.pushflow.core.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

class QuietHoursTest {

    static final QuietHours NIGHT = new QuietHours(LocalTime.of(22, 0), LocalTime.of(8, 0));
    static final ZoneId LISBON = ZoneId.of("Europe/Lisbon");
    static final ZoneId AUCKLAND = ZoneId.of("Pacific/Auckland");

    @Test
    void a_window_over_midnight_is_quiet_on_both_sides_in_the_user_s_own_time() {
        assertThat(NIGHT.isQuiet(Instant.parse("2026-11-24T23:30:00Z"), LISBON)).isTrue(); // 23:30 Lisbon
        assertThat(NIGHT.isQuiet(Instant.parse("2026-11-24T07:59:59Z"), LISBON)).isTrue();
        assertThat(NIGHT.isQuiet(Instant.parse("2026-11-24T08:00:00Z"), LISBON)).isFalse();
        assertThat(NIGHT.isQuiet(Instant.parse("2026-11-24T21:59:59Z"), LISBON)).isFalse();
        // the same instant is 10:30 next morning in Auckland (UTC+13 in November)
        assertThat(NIGHT.isQuiet(Instant.parse("2026-11-24T21:30:00Z"), AUCKLAND))
                .isFalse();
        var lunch = new QuietHours(LocalTime.of(12, 0), LocalTime.of(14, 0));
        assertThat(lunch.isQuiet(Instant.parse("2026-11-24T13:00:00Z"), LISBON)).isTrue();
        assertThat(lunch.isQuiet(Instant.parse("2026-11-24T14:00:00Z"), LISBON)).isFalse();
    }

    @Test
    void a_quiet_push_waits_for_the_morning_when_the_window_allows_else_it_is_skipped() {
        Instant lateEvening = Instant.parse("2026-11-24T23:00:00Z");
        var deferred = NIGHT.decide(lateEvening, LISBON, Instant.parse("2026-11-26T00:00:00Z"));
        assertThat(deferred.kind()).isEqualTo(QuietHours.Decision.Kind.DEFER);
        assertThat(deferred.notBefore()).isEqualTo(Instant.parse("2026-11-25T08:00:00Z"));
        var skipped = NIGHT.decide(lateEvening, LISBON, Instant.parse("2026-11-25T06:00:00Z"));
        assertThat(skipped.kind()).isEqualTo(QuietHours.Decision.Kind.SKIP);
        assertThat(NIGHT.decide(Instant.parse("2026-11-24T12:00:00Z"), LISBON, Instant.MAX)
                        .kind())
                .isEqualTo(QuietHours.Decision.Kind.SEND);
        var earlyMorning = NIGHT.decide(Instant.parse("2026-11-24T05:00:00Z"), LISBON, Instant.MAX);
        assertThat(earlyMorning.notBefore()).isEqualTo(Instant.parse("2026-11-24T08:00:00Z"));
    }

    @Test
    void daylight_saving_changes_move_the_end_with_the_clock() {
        // Lisbon leaves summer time on 2026-10-25: 08:00 local is 07:00 UTC the day before and 08:00 UTC after
        assertThat(NIGHT.end(Instant.parse("2026-10-24T23:00:00Z"), LISBON))
                .isEqualTo(Instant.parse("2026-10-25T08:00:00Z"));
        assertThat(NIGHT.end(Instant.parse("2026-10-23T23:00:00Z"), LISBON))
                .isEqualTo(Instant.parse("2026-10-24T07:00:00Z"));
    }
}
