package io.pushflow.core.guard;

import java.time.Duration;

/**
 * When a running campaign halts itself (a pause only a person lifts), each threshold per campaign with a default:
 * <ul>
 *   <li>sample ratio mismatch: the users actually sent per variant against the planner's intended shares, p below
 *       {@code srmAlpha} once at least {@code srmMinSample} users were sent;</li>
 *   <li>the provider failing: failed / (sent + failed) over the last {@code window} above {@code maxFailureRate}, once
 *       at least {@code minAttempts} pushes were attempted in it;</li>
 *   <li>dead tokens and unsubscribes jumping: their share of the users decided in the last {@code window} above
 *       {@code invalidJump} times the campaign's own share before it (and at least 5 points above it), once at least
 *       {@code minDecided} users were decided in each.</li>
 * </ul>
 */
public record Guardrails(
        boolean enabled,
        double srmAlpha,
        long srmMinSample,
        double maxFailureRate,
        long minAttempts,
        Duration window,
        double invalidJump,
        long minDecided) {

    public static final Guardrails DEFAULTS =
            new Guardrails(true, 0.0001, 1_000, 0.2, 200, Duration.ofMinutes(5), 3.0, 200);
    /** A jump must also add this much to the share, so a campaign with almost no dead tokens is not halted by a handful. */
    public static final double MIN_JUMP = 0.05;

    public Guardrails {
        if (!(srmAlpha > 0 && srmAlpha < 0.5)) {
            throw new IllegalArgumentException("srmAlpha: a p-value threshold above 0 and below 0.5, got " + srmAlpha);
        }
        if (!(maxFailureRate > 0 && maxFailureRate <= 1)) {
            throw new IllegalArgumentException("maxFailureRate: a share above 0 and at most 1, got " + maxFailureRate);
        }
        if (!(invalidJump >= 1 && invalidJump <= 100)) {
            throw new IllegalArgumentException("invalidJump: a factor from 1 to 100, got " + invalidJump);
        }
        if (srmMinSample < 100 || srmMinSample > 1_000_000_000) {
            throw new IllegalArgumentException("srmMinSample: from 100 to 1000000000 users, got " + srmMinSample);
        }
        if (minAttempts < 10 || minAttempts > 1_000_000_000) {
            throw new IllegalArgumentException("minAttempts: from 10 to 1000000000 pushes, got " + minAttempts);
        }
        if (minDecided < 10 || minDecided > 1_000_000_000) {
            throw new IllegalArgumentException("minDecided: from 10 to 1000000000 users, got " + minDecided);
        }
        if (window == null
                || window.compareTo(Duration.ofMinutes(1)) < 0
                || window.compareTo(Duration.ofHours(6)) > 0) {
            throw new IllegalArgumentException("window: from PT1M to PT6H, got " + window);
        }
    }
}
