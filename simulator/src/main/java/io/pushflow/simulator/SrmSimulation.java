package io.pushflow.simulator;

import io.pushflow.core.bandit.ArmEvidence;
import io.pushflow.core.bandit.Policy;
import io.pushflow.core.bandit.Shares;
import io.pushflow.core.bandit.ThompsonSampling;
import io.pushflow.core.bandit.WaveAssignment;
import io.pushflow.core.guard.GuardrailCheck;
import io.pushflow.core.guard.Guardrails;
import io.pushflow.core.json.Json;
import io.pushflow.core.stats.RateInterval;
import io.pushflow.core.stats.SampleRatioMismatch;
import io.pushflow.core.stats.SentRatio;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.commons.rng.UniformRandomProvider;
import org.apache.commons.rng.simple.RandomSource;
import org.apache.commons.statistics.distribution.BinomialDistribution;

/**
 * How often the SRM guardrail fires, offline and seeded: many campaigns of {@code users} users released in waves of
 * {@code wave}, each wave split by the policy the dispatch job uses (Thompson sampling fed the clicks of the waves
 * before, or a fixed even split) and by {@link WaveAssignment#counts}, every user then skipped, failed or sent at
 * random — alike for every variant in a healthy campaign, more failures for one variant in a broken one. After every
 * wave the guardrail's own test ({@link SentRatio}, the code the admin service runs) looks at the cumulative counts;
 * a campaign alarms when any look has p below the threshold with the minimum sample. Prints the false-alarm rate of
 * healthy campaigns (with a 95% interval) and the detection rate of broken ones, and writes them as JSON.
 */
public final class SrmSimulation {

    /** One kind of campaign: its policy, and how much more often one variant's pushes fail than the others'. */
    record Kind(String name, boolean bandit, int failing, double extraFailure) {}

    record Outcome(boolean alarmed, long sentAtAlarm) {}

    private static final double[] CLICK = {0.02, 0.03, 0.045};
    private static final double SKIP = 0.03;
    private static final double FAIL = 0.01;

    private SrmSimulation() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> a = new LinkedHashMap<>(Map.of(
                "--runs",
                "1000",
                "--users",
                "100000",
                "--wave",
                "1000",
                "--alpha",
                GuardrailCheck.plain(Guardrails.DEFAULTS.srmAlpha()),
                "--min-sample",
                Long.toString(Guardrails.DEFAULTS.srmMinSample()),
                "--seed",
                "1",
                "--out",
                "bench-results/srm.json"));
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--help") || !a.containsKey(args[i]) || i + 1 >= args.length) {
                System.out.println(
                        "usage: SrmSimulation [--runs 1000] [--users 100000] [--wave 1000] [--alpha 0.0001] [--min-sample 1000] "
                                + "[--seed 1] [--out bench-results/srm.json]");
                if (!args[i].equals("--help")) {
                    throw new IllegalArgumentException("unknown or incomplete option: " + args[i]);
                }
                return;
            }
            a.put(args[i], args[++i]);
        }
        int runs = Integer.parseInt(a.get("--runs"));
        int users = Integer.parseInt(a.get("--users"));
        int wave = Integer.parseInt(a.get("--wave"));
        double alpha = Double.parseDouble(a.get("--alpha"));
        long minSample = Long.parseLong(a.get("--min-sample"));
        long seed = Long.parseLong(a.get("--seed"));
        List<Kind> kinds = List.of(
                new Kind("healthy bandit", true, 0, 0),
                new Kind("healthy even split", false, 0, 0),
                new Kind("even split, B fails 2 points more", false, 1, 0.02),
                new Kind("even split, B fails 5 points more", false, 1, 0.05),
                new Kind("bandit, best (C) fails 5 points more", true, 2, 0.05),
                new Kind("bandit, B fails 5 points more", true, 1, 0.05),
                new Kind("bandit, B fails 20 points more", true, 1, 0.20));
        System.out.printf(
                Locale.ROOT,
                "SRM guardrail over %,d seeded campaigns per kind: %,d users in waves of %,d (%d looks each), "
                        + "3 variants, %.0f%% skipped and %.0f%% failed alike, p < %s with at least %,d users sent%n",
                runs,
                users,
                wave,
                (users + wave - 1) / wave,
                SKIP * 100,
                FAIL * 100,
                alpha,
                minSample);
        List<Map<String, Object>> results = new ArrayList<>();
        long started = System.nanoTime();
        for (Kind kind : kinds) {
            List<Outcome> outcomes = IntStream.range(0, runs)
                    .parallel()
                    .mapToObj(r -> campaign(kind, users, wave, alpha, minSample, seed * 1_000_003L + r))
                    .toList();
            long alarms = outcomes.stream().filter(Outcome::alarmed).count();
            RateInterval rate = RateInterval.of(alarms, runs, 0.95);
            long[] at = outcomes.stream()
                    .filter(Outcome::alarmed)
                    .mapToLong(Outcome::sentAtAlarm)
                    .sorted()
                    .toArray();
            Long median = at.length == 0 ? null : at[at.length / 2];
            System.out.printf(
                    Locale.ROOT,
                    "  %-36s alarmed in %4d of %d campaigns: %6.2f%% (95%% credible: %.2f%%-%.2f%%)%s%n",
                    kind.name(),
                    alarms,
                    runs,
                    rate.rate() * 100,
                    rate.low() * 100,
                    rate.high() * 100,
                    median == null ? "" : String.format(Locale.ROOT, ", median %,d users sent at the alarm", median));
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("kind", kind.name());
            row.put("failingVariant", kind.extraFailure() == 0 ? null : String.valueOf((char) ('A' + kind.failing())));
            row.put("extraFailure", kind.extraFailure());
            row.put("campaigns", runs);
            row.put("alarmed", alarms);
            row.put("rate", rate.rate());
            row.put("low", rate.low());
            row.put("high", rate.high());
            row.put("medianSentAtAlarm", median);
            results.add(row);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("scenario", "srm");
        out.put("runs", runs);
        out.put("users", users);
        out.put("wave", wave);
        out.put("alpha", alpha);
        out.put("minSample", minSample);
        out.put("seed", seed);
        out.put("seconds", (System.nanoTime() - started) / 1e9);
        out.put("kinds", results);
        Path file = Path.of(a.get("--out"));
        if (file.getParent() != null) {
            Files.createDirectories(file.getParent());
        }
        Files.writeString(file, Json.write(out));
        System.out.println("-> " + file);
    }

    /** One campaign, looked at after every wave. */
    static Outcome campaign(Kind kind, int users, int wave, double alpha, long minSample, long seed) {
        UniformRandomProvider rng = RandomSource.XO_RO_SHI_RO_128_PP.create(seed);
        int k = CLICK.length;
        Policy policy = kind.bandit() ? new ThompsonSampling(1, 1, 0.05, 100, 1_000) : null;
        double[] trials = new double[k];
        long[] clicks = new long[k];
        SentRatio ratio = new SentRatio(k);
        for (int released = 0; released < users; released += wave) {
            int n = Math.min(wave, users - released);
            double[] shares = policy == null ? Shares.even(k) : shares(policy, trials, clicks, rng);
            int[] counts = WaveAssignment.counts(n, shares);
            long[] assigned = new long[k];
            long[] sent = new long[k];
            for (int v = 0; v < k; v++) {
                assigned[v] = counts[v];
                double fail = FAIL + (v == kind.failing() ? kind.extraFailure() : 0);
                int reached = binomial(rng, counts[v], 1 - SKIP);
                sent[v] = binomial(rng, reached, 1 - fail);
                trials[v] += sent[v];
                clicks[v] += binomial(rng, (int) sent[v], CLICK[v]);
            }
            ratio.addWave(assigned, assigned, sent);
            SampleRatioMismatch test = ratio.test(alpha);
            if (test != null && test.sample() >= minSample && test.pValue() < alpha) {
                return new Outcome(true, test.sample());
            }
        }
        return new Outcome(false, 0);
    }

    private static double[] shares(Policy policy, double[] trials, long[] clicks, UniformRandomProvider rng) {
        List<ArmEvidence> evidence = new ArrayList<>();
        for (int v = 0; v < trials.length; v++) {
            evidence.add(new ArmEvidence(trials[v], clicks[v]));
        }
        policy.update(evidence);
        return policy.shares(rng);
    }

    private static int binomial(UniformRandomProvider rng, int n, double p) {
        return n == 0 ? 0 : BinomialDistribution.of(n, p).createSampler(rng).sample();
    }
}
