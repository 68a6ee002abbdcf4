package io.pushflow.simulator;

import io.pushflow.core.bandit.ArmEvidence;
import io.pushflow.core.bandit.Policy;
import io.pushflow.core.bandit.TestThenWinner;
import io.pushflow.core.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.commons.rng.UniformRandomProvider;
import org.apache.commons.rng.simple.RandomSource;
import org.apache.commons.statistics.distribution.BetaDistribution;
import org.apache.commons.statistics.distribution.ContinuousDistribution;

/**
 * The offline bandit simulator: runs the campaign policies of {@code core} against simulated arms and reports
 * the expected regret (the sum over steps of the best current arm's rate minus the chosen arm's rate), its
 * standard error over repetitions, the average pulls per arm and the speed. Repetitions run in parallel, each
 * from its own seed, so the result does not depend on the number of threads.
 */
public final class BanditSimulator {

    /** The outcome of one repetition. */
    record Run(double regret, long[] pulls) {}

    /** The summary that is printed as the last line. */
    public record Result(double meanRegret, double stderrRegret, double[] pulls, double stepsPerSecond) {

        public String json() {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("mean_regret", meanRegret);
            out.put("stderr_regret", stderrRegret);
            out.put("pulls", pulls);
            out.put("steps_per_second", Math.round(stepsPerSecond));
            return Json.write(out);
        }
    }

    private BanditSimulator() {}

    public static Result run(Scenario scenario) {
        long started = System.nanoTime();
        List<Run> runs = IntStream.range(0, scenario.repetitions())
                .parallel()
                .mapToObj(r -> repetition(scenario, scenario.seed() * 1_000_003L + r))
                .toList();
        double seconds = (System.nanoTime() - started) / 1e9;
        double mean = runs.stream().mapToDouble(Run::regret).average().orElse(0);
        double variance = runs.size() < 2
                ? 0
                : runs.stream()
                                .mapToDouble(r -> (r.regret() - mean) * (r.regret() - mean))
                                .sum()
                        / (runs.size() - 1);
        double[] pulls = new double[scenario.k()];
        for (Run run : runs) {
            for (int i = 0; i < pulls.length; i++) {
                pulls[i] += (double) run.pulls()[i] / runs.size();
            }
        }
        return new Result(
                mean, Math.sqrt(variance / runs.size()), pulls, scenario.horizon() * (double) runs.size() / seconds);
    }

    /** Each repetition's regret, in repetition order (the same seeds as {@link #run}). */
    public static double[] regrets(Scenario scenario) {
        return IntStream.range(0, scenario.repetitions())
                .parallel()
                .mapToDouble(r ->
                        repetition(scenario, scenario.seed() * 1_000_003L + r).regret())
                .toArray();
    }

    static Run repetition(Scenario s, long seed) {
        UniformRandomProvider rng = RandomSource.XO_RO_SHI_RO_128_PP.create(seed);
        ContinuousDistribution.Sampler prior = s.arms() == null
                ? BetaDistribution.of(s.priorAlpha(), s.priorBeta()).createSampler(rng)
                : null;
        int k = s.k();
        double[] rates = s.arms() != null ? s.arms().clone() : new double[k];
        if (prior != null) {
            for (int i = 0; i < k; i++) {
                rates[i] = prior.sample();
            }
        }
        double best = max(rates);
        Policy policy = s.newPolicy();
        long[] pulls = new long[k];
        long[] trials = new long[k];
        long[] successes = new long[k];
        policy.update(evidence(trials, successes));
        double regret = 0;
        long testSteps = s.testSteps();
        for (long step = 1; step <= s.horizon(); step++) {
            if (s.churn() > 0 && rng.nextDouble() < s.churn()) {
                int replaced = rng.nextInt(k);
                rates[replaced] = prior.sample();
                trials[replaced] = 0;
                successes[replaced] = 0;
                best = max(rates);
            }
            if (policy instanceof TestThenWinner winner && step == testSteps + 1) {
                winner.endTest();
            }
            int arm = policy.choose(rng);
            pulls[arm]++;
            trials[arm]++;
            if (rng.nextDouble() < rates[arm]) {
                successes[arm]++;
            }
            regret += best - rates[arm];
            if (step % s.feedbackEvery() == 0) {
                policy.update(evidence(trials, successes));
            }
        }
        return new Run(regret, pulls);
    }

    private static List<ArmEvidence> evidence(long[] trials, long[] successes) {
        List<ArmEvidence> out = new ArrayList<>(trials.length);
        for (int i = 0; i < trials.length; i++) {
            out.add(new ArmEvidence(trials[i], successes[i]));
        }
        return out;
    }

    private static double max(double[] values) {
        double m = values[0];
        for (double v : values) {
            m = Math.max(m, v);
        }
        return m;
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 2 || !args[0].equals("--scenario")) {
            System.err.println("usage: simulate --scenario FILE.json");
            System.exit(2);
        }
        Scenario scenario;
        try {
            scenario = Scenario.parse(Files.readString(Path.of(args[1])));
        } catch (IllegalArgumentException e) {
            System.err.println("simulate: " + e.getMessage());
            System.exit(2);
            return;
        } catch (IOException e) {
            System.err.println("simulate: cannot read " + args[1] + ": " + e.getMessage());
            System.exit(2);
            return;
        }
        System.out.printf(
                "policy %s, %d arms, horizon %d, feedback every %d, churn %s, %d repetitions, seed %d%n",
                scenario.policy(),
                scenario.k(),
                scenario.horizon(),
                scenario.feedbackEvery(),
                scenario.churn(),
                scenario.repetitions(),
                scenario.seed());
        Result result = run(scenario);
        System.out.println(result.json());
    }
}
