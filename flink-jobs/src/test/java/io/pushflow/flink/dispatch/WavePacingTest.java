package io.pushflow.flink.dispatch;

import static io.pushflow.flink.dispatch.WavePlannerTest.T0;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class WavePacingTest {

    static final long INTERVAL = 10_000;
    static final int MAX_WAVE = 100_000;
    final WavePacing pacing = new WavePacing(Duration.ofMillis(INTERVAL), MAX_WAVE);

    static PlanState running(String split, long window, long audience) {
        PlanState plan = new PlanState();
        plan.campaign = WavePlannerTest.control("LAUNCH", 1, split, 0, window).control;
        plan.audienceEstimate = audience;
        return plan;
    }

    @Test
    void the_audience_is_spread_evenly_over_the_waves_left_in_the_window() {
        PlanState plan = running("AB_FIXED", 60_000, 1_000);
        assertThat(pacing.wave(plan, T0, T0, 0)).isEqualTo(new WavePacing.Wave(WavePacing.Action.READ, 167, 0));
        plan.released = 900;
        plan.heldOut = 50;
        assertThat(pacing.wave(plan, T0 + 50_000, T0 + 50_000, 0).size())
                .as("the last wave takes the rest")
                .isEqualTo(50);
        assertThat(pacing.nextWaveAt(plan.campaign, T0, T0 + 3_000))
                .as("counted from when the wave was due")
                .isEqualTo(T0 + INTERVAL);
        assertThat(pacing.readsAhead(plan.campaign, T0)).isFalse();
    }

    @Test
    void a_closed_window_ends_the_campaign_and_users_past_the_estimate_still_go_out_before_it() {
        PlanState plan = running("AB_FIXED", 60_000, 1_000);
        assertThat(pacing.wave(plan, T0 + 60_000, T0 + 60_000, 0).action()).isEqualTo(WavePacing.Action.DONE);
        plan.released = 1_000;
        WavePacing.Wave joiners = pacing.wave(plan, T0 + 50_000, T0 + 50_000, 0);
        assertThat(joiners.action()).isEqualTo(WavePacing.Action.READ);
        assertThat(joiners.size()).isPositive();
    }

    @Test
    void an_asap_campaign_takes_what_its_rate_limit_allows_per_interval_and_reads_ahead() {
        PlanState plan = running("AB_FIXED", 60 * 60_000, 20_000);
        plan.campaign.asap = true;
        plan.campaign.sendRateLimit = 200;
        assertThat(pacing.wave(plan, T0, T0, 0).size()).isEqualTo(2_000);
        assertThat(pacing.largestWave(plan.campaign)).isEqualTo(2_000);
        assertThat(pacing.readsAhead(plan.campaign, T0)).isTrue();
        assertThat(pacing.nextWaveAt(plan.campaign, T0, T0)).isEqualTo(T0 + INTERVAL);

        plan.campaign.sendRateLimit = 0;
        assertThat(pacing.wave(plan, T0, T0, 0).size()).isEqualTo(20_000);
        assertThat(pacing.nextWaveAt(plan.campaign, T0, T0 + 7))
                .as("unlimited: right after this one")
                .isEqualTo(T0 + 8);
    }

    @Test
    void a_wave_waits_while_the_sink_holds_three_full_waves() {
        PlanState plan = running("AB_FIXED", 60_000, 1_000);
        long held = WavePacing.HELD_WAVES * MAX_WAVE;
        assertThat(pacing.wave(plan, T0, T0 + 5, held - 1).action()).isEqualTo(WavePacing.Action.READ);
        assertThat(pacing.wave(plan, T0, T0 + 5, held))
                .isEqualTo(new WavePacing.Wave(WavePacing.Action.HOLD, 0, T0 + 5 + WavePacing.BACKLOG_RETRY_MILLIS));
    }

    @Test
    void ab_winner_paces_its_test_share_over_the_test_then_waits_for_the_winner() {
        PlanState plan = running("AB_WINNER", 120_000, 1_000);
        plan.campaign.testShare = 0.2;
        plan.campaign.testDurationMillis = 30_000;
        plan.campaign.asap = true;
        assertThat(pacing.wave(plan, T0, T0, 0).size()).isEqualTo(67);
        assertThat(pacing.readsAhead(plan.campaign, T0)).as("not while testing").isFalse();
        plan.released = 200;
        assertThat(pacing.wave(plan, T0 + 20_000, T0 + 20_000, 0))
                .isEqualTo(new WavePacing.Wave(WavePacing.Action.AWAIT_WINNER, 0, T0 + 30_000));
        assertThat(pacing.wave(plan, T0 + 30_000, T0 + 30_000, 0).size())
                .as("the rest, ASAP, after the test")
                .isEqualTo(800);
        assertThat(pacing.readsAhead(plan.campaign, T0 + 30_000)).isTrue();
    }
}
