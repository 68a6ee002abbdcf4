package io.pushflow.core.campaign;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushflow.core.campaign.CampaignStatus.Action;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CampaignStatusTest {

    /** The whole transition table: from, action, started?, to ("-" = refused). */
    @ParameterizedTest(name = "{0} --{1} (started {2})--> {3}")
    @CsvSource({
        "DRAFT, LAUNCH, true, RUNNING",
        "DRAFT, LAUNCH, false, SCHEDULED",
        "DRAFT, PAUSE, true, -",
        "DRAFT, RESUME, true, -",
        "DRAFT, STOP, true, -",
        "DRAFT, COMPLETE, true, -",
        "SCHEDULED, LAUNCH, true, -",
        "SCHEDULED, PAUSE, false, PAUSED",
        "SCHEDULED, RESUME, true, -",
        "SCHEDULED, STOP, false, STOPPED",
        "SCHEDULED, COMPLETE, true, -",
        "RUNNING, LAUNCH, true, -",
        "RUNNING, PAUSE, true, PAUSED",
        "RUNNING, RESUME, true, -",
        "RUNNING, STOP, true, STOPPED",
        "RUNNING, COMPLETE, true, COMPLETED",
        "PAUSED, LAUNCH, true, -",
        "PAUSED, PAUSE, true, -",
        "PAUSED, RESUME, true, RUNNING",
        "PAUSED, RESUME, false, SCHEDULED",
        "PAUSED, STOP, true, STOPPED",
        "PAUSED, COMPLETE, true, COMPLETED",
        "STOPPED, LAUNCH, true, -",
        "STOPPED, PAUSE, true, -",
        "STOPPED, RESUME, true, -",
        "STOPPED, STOP, true, -",
        "STOPPED, COMPLETE, true, -",
        "COMPLETED, LAUNCH, true, -",
        "COMPLETED, RESUME, true, -",
        "COMPLETED, STOP, true, -",
        "DRAFT, FAIL, true, -",
        "SCHEDULED, FAIL, false, FAILED",
        "RUNNING, FAIL, true, FAILED",
        "PAUSED, FAIL, true, FAILED",
        "STOPPED, FAIL, true, -",
        "COMPLETED, FAIL, true, -",
        "FAILED, LAUNCH, true, -",
        "FAILED, RESUME, true, -",
        "FAILED, STOP, true, -",
        "FAILED, COMPLETE, true, -",
        "FAILED, FAIL, true, -",
        "RUNNING, HALT, true, HALTED",
        "SCHEDULED, HALT, false, HALTED",
        "PAUSED, HALT, true, -",
        "DRAFT, HALT, true, -",
        "HALTED, HALT, true, -",
        "HALTED, PAUSE, true, -",
        "HALTED, RESUME, true, RUNNING",
        "HALTED, RESUME, false, SCHEDULED",
        "HALTED, STOP, true, STOPPED",
        "HALTED, COMPLETE, true, COMPLETED",
        "HALTED, FAIL, true, FAILED",
        "STOPPED, HALT, true, -"
    })
    void transitions(CampaignStatus from, Action action, boolean started, String to) {
        Optional<CampaignStatus> next = from.next(action, started);
        assertThat(next.map(Enum::name).orElse("-")).isEqualTo(to);
    }
}
