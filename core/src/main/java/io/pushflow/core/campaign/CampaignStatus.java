package io.pushflow.core.campaign;

import java.util.Optional;

/**
 * Where a campaign is in its life. DRAFT → SCHEDULED/RUNNING → PAUSED ⇄ RUNNING → STOPPED, or COMPLETED
 * when the jobs report the end, or FAILED when they report it cannot go on (its audience cannot be read).
 * HALTED is a pause a guardrail made (the numbers went wrong): like PAUSED for the jobs, resumed or stopped only by a
 * person. STOPPED, COMPLETED and FAILED are final.
 */
public enum CampaignStatus {
    DRAFT,
    SCHEDULED,
    RUNNING,
    PAUSED,
    STOPPED,
    COMPLETED,
    FAILED,
    HALTED;

    /** What a lifecycle action asks for. */
    public enum Action {
        LAUNCH,
        PAUSE,
        RESUME,
        STOP,
        COMPLETE,
        FAIL,
        HALT
    }

    /**
     * The status after {@code action}, or empty when it is not allowed from here.
     * {@code started} says whether the start time has come (launch and resume go to SCHEDULED before it).
     */
    public Optional<CampaignStatus> next(Action action, boolean started) {
        CampaignStatus live = started ? RUNNING : SCHEDULED;
        CampaignStatus next = switch (action) {
            case LAUNCH -> this == DRAFT ? live : null;
            case PAUSE -> this == RUNNING || this == SCHEDULED ? PAUSED : null;
            case RESUME -> this == PAUSED || this == HALTED ? live : null;
            case STOP -> isLive() ? STOPPED : null;
            case COMPLETE -> this == RUNNING || this == PAUSED || this == HALTED ? COMPLETED : null;
            case FAIL -> isLive() ? FAILED : null;
            case HALT -> this == RUNNING || this == SCHEDULED ? HALTED : null;
        };
        return Optional.ofNullable(next);
    }

    /** Launched and not yet finished: the jobs hold state for it. */
    public boolean isLive() {
        return this == SCHEDULED || this == RUNNING || this == PAUSED || this == HALTED;
    }

    /** Sending nothing until a person resumes it: paused by a marketer or halted by a guardrail. */
    public boolean isPaused() {
        return this == PAUSED || this == HALTED;
    }

    public boolean isFinal() {
        return this == STOPPED || this == COMPLETED || this == FAILED;
    }
}
