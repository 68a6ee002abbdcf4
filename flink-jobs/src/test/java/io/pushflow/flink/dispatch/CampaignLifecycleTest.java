package io.pushflow.flink.dispatch;

import static io.pushflow.flink.dispatch.CampaignLifecycle.FORGET_AFTER_OVER_MILLIS;
import static io.pushflow.flink.dispatch.WavePlannerTest.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.pushflow.core.campaign.CampaignReport;
import io.pushflow.core.campaign.CampaignStatus;
import org.junit.jupiter.api.Test;

class CampaignLifecycleTest {

    static final long WINDOW = 60_000;

    static CampaignControl command(String type, long version) {
        return WavePlannerTest.control(type, version, "BANDIT", 0, WINDOW).control;
    }

    static PlanState launched() {
        return CampaignLifecycle.on(command("LAUNCH", 1), null, T0).plan();
    }

    @Test
    void a_launch_plans_the_campaign_and_wakes_it_at_its_start() {
        CampaignControl later = command("LAUNCH", 1);
        later.startAtMillis = T0 + 5_000;
        CampaignLifecycle.Step step = CampaignLifecycle.on(later, null, T0);
        assertThat(step.plan().status()).isEqualTo(CampaignStatus.SCHEDULED);
        assertThat(step.wakeAtMillis()).isEqualTo(T0 + 5_000);
        assertThat(step.plan().audienceEstimate).as("counted at the first wave").isEqualTo(-1);
        assertThat(step.plan().trials).hasSize(2);
        assertThat(step.plan().asOfMillis).isEqualTo(T0);

        CampaignLifecycle.Step now = CampaignLifecycle.on(command("LAUNCH", 1), null, T0 + 1_000);
        assertThat(now.plan().status()).isEqualTo(CampaignStatus.RUNNING);
        assertThat(now.wakeAtMillis()).isEqualTo(T0 + 1_000);
        assertThat(now.report()).isNull();
    }

    @Test
    void a_redelivered_launch_an_older_command_and_a_launch_of_a_long_gone_window_change_nothing() {
        PlanState plan = launched();
        plan.cursor = 1234;
        assertThat(CampaignLifecycle.on(command("LAUNCH", 1), plan, T0 + 10_000))
                .isEqualTo(CampaignLifecycle.Step.NOTHING);
        CampaignLifecycle.on(command("UPDATE", 3), plan, T0 + 10_000);
        assertThat(CampaignLifecycle.on(command("PAUSE", 2), plan, T0 + 10_000))
                .isEqualTo(CampaignLifecycle.Step.NOTHING);
        assertThat(plan.status()).isEqualTo(CampaignStatus.RUNNING);
        assertThat(plan.campaign.campaignVersion).isEqualTo(3);
        assertThat(plan.cursor).isEqualTo(1234);

        long longGone = T0 + WINDOW + FORGET_AFTER_OVER_MILLIS + 1;
        assertThat(CampaignLifecycle.on(command("LAUNCH", 1), null, longGone))
                .isEqualTo(CampaignLifecycle.Step.NOTHING);
    }

    @Test
    void pause_holds_the_waves_until_a_day_after_the_window_and_resume_wakes_them_at_once() {
        PlanState plan = launched();
        CampaignLifecycle.Step paused = CampaignLifecycle.on(command("PAUSE", 2), plan, T0 + 10_000);
        assertThat(paused.plan().status()).isEqualTo(CampaignStatus.PAUSED);
        assertThat(paused.dropsReads()).isTrue();
        assertThat(paused.wakeAtMillis()).isEqualTo(T0 + WINDOW + FORGET_AFTER_OVER_MILLIS);

        CampaignLifecycle.Step resumed = CampaignLifecycle.on(command("RESUME", 3), plan, T0 + 20_000);
        assertThat(resumed.plan().status()).isEqualTo(CampaignStatus.RUNNING);
        assertThat(resumed.wakeAtMillis()).isEqualTo(T0 + 20_000);
        assertThat(resumed.plan().campaign.campaignVersion).isEqualTo(3);
    }

    @Test
    void a_resume_of_a_running_campaign_takes_its_version_and_keeps_the_timer() {
        PlanState plan = launched();
        CampaignLifecycle.Step step = CampaignLifecycle.on(command("RESUME", 3), plan, T0 + 10_000);
        assertThat(step.wakeAtMillis()).isEqualTo(CampaignLifecycle.Step.KEEP_TIMER);
        assertThat(step.plan().campaign.campaignVersion).isEqualTo(3);
        assertThat(CampaignLifecycle.on(command("PAUSE", 2), plan, T0 + 10_000).plan())
                .as("the PAUSE it overtook")
                .isNull();
    }

    @Test
    void stop_ends_the_campaign_with_a_report_and_nothing_after_it_revives_it() {
        PlanState plan = launched();
        CampaignLifecycle.Step stopped = CampaignLifecycle.on(command("STOP", 2), plan, T0 + 10_000);
        assertThat(stopped.plan().status()).isEqualTo(CampaignStatus.STOPPED);
        assertThat(stopped.report()).isEqualTo(CampaignReport.Type.STOPPED);
        assertThat(stopped.dropsReads()).isTrue();
        assertThat(stopped.wakeAtMillis()).isEqualTo(T0 + 10_000 + FORGET_AFTER_OVER_MILLIS);
        for (String later : new String[] {"PAUSE", "RESUME", "STOP", "UPDATE"}) {
            assertThat(CampaignLifecycle.on(command(later, 3), plan, T0 + 20_000))
                    .as(later)
                    .isEqualTo(CampaignLifecycle.Step.NOTHING);
        }
        assertThat(plan.status()).isEqualTo(CampaignStatus.STOPPED);
    }

    @Test
    void a_due_timer_starts_a_scheduled_campaign_completes_a_paused_one_and_forgets_one_that_is_over() {
        PlanState plan = launched();
        plan.status(CampaignStatus.SCHEDULED);
        assertThat(CampaignLifecycle.due(plan)).isEqualTo(CampaignLifecycle.Due.WAVE);
        assertThat(plan.status()).isEqualTo(CampaignStatus.RUNNING);
        plan.status(CampaignStatus.PAUSED);
        assertThat(CampaignLifecycle.due(plan)).isEqualTo(CampaignLifecycle.Due.COMPLETE);
        for (CampaignStatus over :
                new CampaignStatus[] {CampaignStatus.STOPPED, CampaignStatus.COMPLETED, CampaignStatus.FAILED}) {
            plan.status(over);
            assertThat(CampaignLifecycle.due(plan)).as(over.name()).isEqualTo(CampaignLifecycle.Due.FORGET);
        }
    }

    @Test
    void an_end_records_how_and_why_and_forgets_the_campaign_a_day_later() {
        PlanState plan = launched();
        plan.waveDueMillis = T0;
        long forgetAt =
                CampaignLifecycle.end(plan, CampaignReport.Type.FAILED, "its audience cannot be read", T0 + 5_000);
        assertThat(forgetAt).isEqualTo(T0 + 5_000 + FORGET_AFTER_OVER_MILLIS);
        assertThat(plan.status).as("kept by name in state").isEqualTo("FAILED");
        assertThat(plan.failure).isEqualTo("its audience cannot be read");
        assertThat(plan.waveDueMillis).isZero();
    }
}
