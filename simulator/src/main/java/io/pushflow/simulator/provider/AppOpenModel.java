package io.pushflow.simulator.provider;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * When simulated users open the app, seeded and the same on every run. By themselves a user opens it as a Poisson
 * process whose rate makes P(at least one open within any window) equal the baseline b; a push of a variant with
 * uplift u adds one more open within the window after it arrives with probability u / (1 - b), so a pushed user opens
 * the app within the window with probability exactly b + u: the true lift of that variant over a holdout is u.
 */
public final class AppOpenModel {

    private final long seed;
    private final SimulatorConfig.AppOpens config;
    private final double perMilli;

    public AppOpenModel(long seed, SimulatorConfig.AppOpens config) {
        this.seed = seed;
        this.config = config;
        this.perMilli = -Math.log1p(-config.baseline()) / config.windowMillis();
    }

    public SimulatorConfig.AppOpens config() {
        return config;
    }

    /** The true lift of a push of {@code variant}: how much more likely its users open the app within the window. */
    public double trueLift(String variant) {
        return config.uplift(variant);
    }

    /**
     * The true lift when opens are counted over {@code measured} from the wave, a window that also holds the push's
     * delay from the wave to the device and the model's whole window after it: the push's extra open always counts,
     * but so do more of the users' own, so the lift is u (1 - b)^(measured / window - 1), u at the model's own window.
     */
    public double trueLift(String variant, Duration measured) {
        double ratio = (double) measured.toMillis() / config.windowMillis();
        if (ratio < 1) {
            throw new IllegalArgumentException(
                    "the measured window must hold the model's window of " + config.windowMillis() + " ms");
        }
        return config.uplift(variant) * Math.pow(1 - config.baseline(), ratio - 1);
    }

    /** The opens {@code subscriptionId} makes by itself in [from, until), in order. */
    public List<Instant> organic(String subscriptionId, Instant from, Instant until) {
        List<Instant> opens = new ArrayList<>();
        if (perMilli == 0) {
            return opens;
        }
        SplittableRandom random = new SplittableRandom(mix(seed, subscriptionId.hashCode(), from.toEpochMilli()));
        long end = until.toEpochMilli();
        for (double t = from.toEpochMilli() + gap(random); t < end; t += gap(random)) {
            opens.add(Instant.ofEpochMilli((long) t));
        }
        return opens;
    }

    /** The open a push of {@code variant} causes when it reaches {@code subscriptionId} at {@code arrived}, if any. */
    public Optional<Instant> pushed(long campaignId, String variant, String subscriptionId, Instant arrived) {
        double extra = config.uplift(variant) / (1 - config.baseline());
        SplittableRandom random =
                new SplittableRandom(mix(seed ^ campaignId, subscriptionId.hashCode(), variant.hashCode()));
        if (random.nextDouble() >= extra) {
            return Optional.empty();
        }
        return Optional.of(arrived.plusMillis((long) (random.nextDouble() * config.windowMillis())));
    }

    private double gap(SplittableRandom random) {
        return -Math.log(1 - random.nextDouble()) / perMilli;
    }

    private static long mix(long a, long b, long c) {
        return new SplittableRandom(a * 0x9E3779B97F4A7C15L + b).split().nextLong() ^ c * 0xBF58476D1CE4E5B9L;
    }
}
