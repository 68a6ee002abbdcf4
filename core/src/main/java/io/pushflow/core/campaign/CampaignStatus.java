package io.pushflow.core.campaign;

import java.util.Optional;

/**
 * Where a campaign is in its life. DRAFT → SCHEDULED/RUNNING → PAUSED ⇄ RUNNING → STOPPED, or COMPLETED
 * when the jobs report the end, or FAILED when they report it cannot go on (its audience cannot be read).
 * STOPPED, COMPLETED and FAILED are final.
 */
public enum CampaignStatus {
    DRAFT, SCHEDULED, RUNNING, PAUSED, STOPPED, COMPLETED, FAILED;

    /** What a lifecycle action asks for. */
    public enum Action { LAUNCH, PAUSE, RESUME, STOP, COMPLETE, FAIL }

    /**
     * The status after {@code action}, or empty when it is not allowed from here.
     * {@code started} says whether the start time has come (launch and resume go to SCHEDULED before it).
     */
    public Optional<CampaignStatus> next(Action action, boolean started) {
        CampaignStatus live = started ? RUNNING : SCHEDULED;
        CampaignStatus next = switch (action) {
            case LAUNCH -> this == DRAFT ? live : null;
            case PAUSE -> this == RUNNING || this == SCHEDULED ? PAUSED : null;
            case RESUME -> this == PAUSED ? live : null;
            case STOP -> this == SCHEDULED || this == RUNNING || this == PAUSED ? STOPPED : null;
            case COMPLETE -> this == RUNNING || this == PAUSED ? COMPLETED : null;
            case FAIL -> isLive() ? FAILED : null;
        };
        return Optional.ofNullable(next);
    }

    /** Launched and not yet finished: the jobs hold state for it. */
    public boolean isLive() {
        return this == SCHEDULED || this == RUNNING || this == PAUSED;
    }

    public boolean isFinal() {
        return this == STOPPED || this == COMPLETED || this == FAILED;
    }
}
