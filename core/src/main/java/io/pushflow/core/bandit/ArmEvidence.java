package io.pushflow.core.bandit;

/**
 * What is known of one variant: {@code trials} (deliveries whose outcome is settled, possibly fractional when
 * recent deliveries count in part) and {@code successes} (clicks or opens, by the campaign's metric).
 */
public record ArmEvidence(double trials, long successes) {

    public static final ArmEvidence NONE = new ArmEvidence(0, 0);

    public ArmEvidence {
        if (trials < 0 || successes < 0) {
            throw new IllegalArgumentException("trials and successes are never negative: " + trials + ", " + successes);
        }
    }

    /** Failures for a Beta posterior; never below zero even when clicks outrun the settled deliveries. */
    public double failures() {
        return Math.max(0, trials - successes);
    }

    public ArmEvidence plus(double moreTrials, long moreSuccesses) {
        return new ArmEvidence(trials + moreTrials, successes + moreSuccesses);
    }
}
