package io.pushflow.core.campaign;

/** How a campaign divides its audience between variants. */
public enum SplitType {
    /** Fixed weights for the whole campaign. */
    AB_FIXED,
    /** An even split over a test share of the audience for the test duration, then the rest to the winner. */
    AB_WINNER,
    /** Thompson sampling: each wave's shares follow each variant's probability of being best. */
    BANDIT
}
