package io.pushflow.core.guard;

import io.pushflow.core.stats.SampleRatioMismatch;
import java.math.BigDecimal;
import java.util.Locale;
import java.util.Optional;

/** The numbers a guardrail looks at, and which guardrail (if any) they trip, with the reason a marketer reads. */
public final class GuardrailCheck {

    /**
     * A campaign's numbers as of now: the SRM tests of the users sent and of the devices the provider reached (each null
     * before there is one), pushes sent and failed in the last window, and users decided (every outcome but holdout and
     * duplicate) and among them dead tokens and unsubscribes, in the last window and before it.
     */
    public record Numbers(
            SampleRatioMismatch sentRatio,
            SampleRatioMismatch deliveredRatio,
            long recentSent,
            long recentFailed,
            long recentDecided,
            long recentInvalid,
            long earlierDecided,
            long earlierInvalid) {}

    private GuardrailCheck() {}

    /** The reason to halt, or empty when every guardrail holds. */
    public static Optional<String> tripped(Guardrails g, Numbers n) {
        if (!g.enabled()) {
            return Optional.empty();
        }
        SampleRatioMismatch srm = n.sentRatio();
        if (mismatch(g, srm)) {
            return Optional.of(String.format(
                    Locale.ROOT,
                    "sample ratio mismatch: the users sent per variant are not the planned shares "
                            + "(chi-squared %.1f, p = %.2g below %s, %d users)",
                    srm.chiSquared(),
                    srm.pValue(),
                    plain(g.srmAlpha()),
                    srm.sample()));
        }
        long attempts = n.recentSent() + n.recentFailed();
        if (attempts >= g.minAttempts()) {
            double rate = (double) n.recentFailed() / attempts;
            if (rate > g.maxFailureRate()) {
                return Optional.of(String.format(
                        Locale.ROOT,
                        "the provider failed %.0f%% of %d pushes in the last %s (the limit is %.0f%%)",
                        rate * 100,
                        attempts,
                        minutes(g),
                        g.maxFailureRate() * 100));
            }
        }
        if (n.recentDecided() >= g.minDecided() && n.earlierDecided() >= g.minDecided()) {
            double recent = (double) n.recentInvalid() / n.recentDecided();
            double before = (double) n.earlierInvalid() / n.earlierDecided();
            if (recent > Math.max(before * g.invalidJump(), before + Guardrails.MIN_JUMP)) {
                return Optional.of(String.format(
                        Locale.ROOT,
                        "dead tokens and unsubscribes jumped to %.1f%% of the users in the last %s "
                                + "from %.1f%% before (the limit is %s times)",
                        recent * 100,
                        minutes(g),
                        before * 100,
                        g.invalidJump()));
            }
        }
        SampleRatioMismatch delivered = n.deliveredRatio();
        if (mismatch(g, delivered)) {
            return Optional.of(String.format(
                    Locale.ROOT,
                    "sample ratio mismatch on delivery: the provider reached the variants' "
                            + "recipients unequally (chi-squared %.1f, p = %.2g below %s, %d devices)",
                    delivered.chiSquared(),
                    delivered.pValue(),
                    plain(g.srmAlpha()),
                    delivered.sample()));
        }
        return Optional.empty();
    }

    /** Whether an SRM test saw enough to count and its p-value is below the campaign's threshold. */
    private static boolean mismatch(Guardrails g, SampleRatioMismatch srm) {
        return srm != null && srm.sample() >= g.srmMinSample() && srm.pValue() < g.srmAlpha();
    }

    /** 0.0001, not 1.0E-4. */
    public static String plain(double value) {
        return BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
    }

    private static String minutes(Guardrails g) {
        long m = g.window().toMinutes();
        return m == 1 ? "minute" : m + " minutes";
    }
}
