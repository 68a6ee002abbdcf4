package io.pushflow.core.stats;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SentRatioTest {

    @Test
    void variants_sent_at_the_same_rate_are_no_mismatch_whatever_the_waves_shares() {
        SentRatio r = new SentRatio(2);
        assertThat(r.addWave(new long[] {5_000, 5_000}, new long[] {5_000, 5_000}, new long[] {4_800, 4_805}))
                .isTrue();
        assertThat(r.addWave(new long[] {1_000, 9_000}, new long[] {1_000, 9_000}, new long[] {961, 8_640}))
                .isTrue();
        SampleRatioMismatch t = r.test(0.001);
        assertThat(t.mismatch()).isFalse();
        assertThat(t.sample()).isEqualTo(20_000);
        assertThat(t.degreesOfFreedom()).isEqualTo(1);
    }

    @Test
    void one_variant_sent_two_points_less_often_is_a_mismatch_at_thirty_thousand_users_each() {
        // a goodness-of-fit test of the sent counts alone would call this p = 0.01: when nearly everyone is sent, the
        // sent counts vary far less than a multinomial of them would, and the not-sent users carry the evidence
        SentRatio r = new SentRatio(2);
        r.addWave(new long[] {30_000, 30_000}, new long[] {30_000, 30_000}, new long[] {28_800, 28_200});
        SampleRatioMismatch t = r.test(0.001);
        assertThat(t.mismatch()).isTrue();
        assertThat(t.pValue()).isLessThan(1e-10);
    }

    @Test
    void a_wave_not_everyone_of_which_has_an_outcome_is_not_counted() {
        SentRatio r = new SentRatio(2);
        assertThat(r.addWave(new long[] {1_000, 1_000}, new long[] {1_000, 0}, new long[] {1_000, 0}))
                .isFalse();
        assertThat(r.test(0.001)).isNull();
    }

    @Test
    void a_variant_nobody_of_which_was_sent_is_a_mismatch_and_everyone_sent_is_none() {
        SentRatio failing = new SentRatio(2);
        failing.addWave(new long[] {300, 300}, new long[] {300, 300}, new long[] {300, 0});
        assertThat(failing.test(0.001).mismatch()).isTrue();
        SentRatio all = new SentRatio(3);
        all.addWave(new long[] {10, 500, 490}, new long[] {10, 500, 490}, new long[] {10, 500, 490});
        assertThat(all.test(0.001).pValue()).isEqualTo(1.0);
    }
}
