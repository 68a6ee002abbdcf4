package io.pushflow.simulator.provider;

import io.pushflow.core.json.Json;
import java.util.List;
import java.util.Map;

/**
 * How the provider simulator behaves: each variant's true open and click probabilities (matched by push id, by
 * campaign and variant key, or by a text the push contains; the first rule that matches wins, else
 * {@code otherwise}), when pushes are delivered, how fast users open and click, which share of ids are not
 * subscribed, how often the API answers 429 or 5xx, and whether the app reports its users' opens and clicks on
 * {@code push.events} ({@code appEvents}, default true; when false the provider's own click counts are the only
 * signal, as with an app that reports nothing). {@code appOpens} (optional) makes the users open the app by
 * themselves at a baseline rate and a push raise that by its variant's uplift (see {@link AppOpenModel}), so a
 * holdout's measured lift can be held against the truth.
 */
public record SimulatorConfig(
        long seed,
        long deliveryLatencyMillis,
        long openDelayMillis,
        long clickDelayMillis,
        double invalidShare,
        double rateLimitShare,
        double serverErrorShare,
        Engagement otherwise,
        List<Rule> variants,
        Boolean appEvents,
        AppOpens appOpens) {

    /** True probabilities per delivered push: opened, and clicked (a click is also an open). */
    public record Engagement(double open, double click) {
        public Engagement {
            if (open < 0 || open > 1 || click < 0 || click > 1) {
                throw new IllegalArgumentException(
                        "open and click are probabilities between 0 and 1, got " + open + " and " + click);
            }
        }
    }

    /**
     * App opens: within any {@code windowMillis} a user opens the app by themselves with probability {@code baseline};
     * a push of variant v raises that to {@code baseline + uplift[v]} (variants not named: no uplift).
     */
    public record AppOpens(double baseline, long windowMillis, Map<String, Double> uplift) {
        public AppOpens {
            uplift = uplift == null ? Map.of() : Map.copyOf(uplift);
            if (baseline < 0 || baseline >= 1 || windowMillis <= 0) {
                throw new IllegalArgumentException("baseline is a probability below 1 and windowMillis positive, got "
                        + baseline + " and " + windowMillis);
            }
            for (var e : uplift.entrySet()) {
                if (e.getValue() < 0 || baseline + e.getValue() > 1) {
                    throw new IllegalArgumentException("uplift of " + e.getKey()
                            + " must keep baseline + uplift within 0..1, got " + e.getValue());
                }
            }
        }

        public double uplift(String variant) {
            return variant == null ? 0 : uplift.getOrDefault(variant, 0.0);
        }
    }

    /** Matches a push by {@code push} id, or {@code campaign} and {@code variant}, or a {@code text} it contains. */
    public record Rule(Long push, Long campaign, String variant, String text, double open, double click) {
        Engagement engagement() {
            return new Engagement(open, click);
        }
    }

    public SimulatorConfig {
        appEvents = appEvents == null || appEvents;
        otherwise = otherwise == null ? new Engagement(0.10, 0.02) : otherwise;
        variants = variants == null ? List.of() : List.copyOf(variants);
        if (invalidShare < 0
                || invalidShare > 1
                || rateLimitShare < 0
                || serverErrorShare < 0
                || rateLimitShare + serverErrorShare > 1) {
            throw new IllegalArgumentException(
                    "invalidShare, rateLimitShare and serverErrorShare are shares between 0 and 1");
        }
        if (deliveryLatencyMillis < 0 || openDelayMillis < 0 || clickDelayMillis < 0) {
            throw new IllegalArgumentException("latencies and delays are milliseconds, not negative");
        }
        for (Rule r : variants) {
            r.engagement();
        }
    }

    /** Without simulated app opens. */
    public SimulatorConfig(
            long seed,
            long deliveryLatencyMillis,
            long openDelayMillis,
            long clickDelayMillis,
            double invalidShare,
            double rateLimitShare,
            double serverErrorShare,
            Engagement otherwise,
            List<Rule> variants,
            Boolean appEvents) {
        this(
                seed,
                deliveryLatencyMillis,
                openDelayMillis,
                clickDelayMillis,
                invalidShare,
                rateLimitShare,
                serverErrorShare,
                otherwise,
                variants,
                appEvents,
                null);
    }

    /** With the app reporting its users' opens and clicks. */
    public SimulatorConfig(
            long seed,
            long deliveryLatencyMillis,
            long openDelayMillis,
            long clickDelayMillis,
            double invalidShare,
            double rateLimitShare,
            double serverErrorShare,
            Engagement otherwise,
            List<Rule> variants) {
        this(
                seed,
                deliveryLatencyMillis,
                openDelayMillis,
                clickDelayMillis,
                invalidShare,
                rateLimitShare,
                serverErrorShare,
                otherwise,
                variants,
                true);
    }

    /** The same, with the app's reports on {@code push.events} switched on or off. */
    public SimulatorConfig withAppEvents(boolean on) {
        return new SimulatorConfig(
                seed,
                deliveryLatencyMillis,
                openDelayMillis,
                clickDelayMillis,
                invalidShare,
                rateLimitShare,
                serverErrorShare,
                otherwise,
                variants,
                on,
                appOpens);
    }

    /** The same, with the users opening the app as {@code opens} says. */
    public SimulatorConfig withAppOpens(AppOpens opens) {
        return new SimulatorConfig(
                seed,
                deliveryLatencyMillis,
                openDelayMillis,
                clickDelayMillis,
                invalidShare,
                rateLimitShare,
                serverErrorShare,
                otherwise,
                variants,
                appEvents,
                opens);
    }

    public static SimulatorConfig defaults() {
        return new SimulatorConfig(1, 1_000, 3_000, 2_000, 0.0, 0.0, 0.0, null, List.of());
    }

    public static SimulatorConfig parse(String json) {
        return Json.read(json, SimulatorConfig.class);
    }

    /** The engagement of a push: by push id, campaign and variant, or text, else {@code otherwise}. */
    public Engagement engagement(long pushId, long campaignId, String variant, String text) {
        for (Rule r : variants) {
            boolean byPush = r.push() != null && r.push() == pushId;
            boolean byVariant = r.variant() != null
                    && r.variant().equals(variant)
                    && (r.campaign() == null || r.campaign() == campaignId);
            boolean byText = r.text() != null && text != null && text.contains(r.text());
            if (byPush || byVariant || byText) {
                return r.engagement();
            }
        }
        return otherwise;
    }
}
