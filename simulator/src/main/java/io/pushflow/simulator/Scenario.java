package io.pushflow.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import io.pushflow.core.bandit.EpsilonGreedy;
import io.pushflow.core.bandit.FixedSplit;
import io.pushflow.core.bandit.Policy;
import io.pushflow.core.bandit.TestThenWinner;
import io.pushflow.core.bandit.ThompsonSampling;
import io.pushflow.core.bandit.Ucb1;
import io.pushflow.core.json.Json;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * One offline bandit experiment: the arms (given rates, or k draws from a Beta prior), churn, horizon, how
 * often feedback reaches the policy, the policy and its parameters, repetitions and seed. Unknown keys and bad
 * values are refused with the key named.
 */
public record Scenario(
        double[] arms,
        int k,
        double priorAlpha,
        double priorBeta,
        double churn,
        long horizon,
        long feedbackEvery,
        String policy,
        JsonNode policyParams,
        int repetitions,
        long seed) {

    private static final Set<String> KEYS = Set.of(
            "arms",
            "k",
            "arm_prior",
            "churn",
            "horizon",
            "feedback_every",
            "policy",
            "policy_params",
            "repetitions",
            "seed");
    static final Set<String> POLICIES = Set.of("thompson", "ucb1", "epsilon_greedy", "ab_fixed", "ab_winner");

    /** A scenario from JSON; every mistake is an IllegalArgumentException naming the key. */
    public static Scenario parse(String json) {
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(json);
        } catch (Exception e) {
            throw new IllegalArgumentException("the scenario is not JSON: " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("the scenario is a JSON object");
        }
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!KEYS.contains(key)) {
                throw new IllegalArgumentException("unknown key '" + key + "'; keys: " + KEYS);
            }
        }
        double[] arms = null;
        int k;
        double alpha = 1;
        double beta = 1;
        if (root.has("arms")) {
            JsonNode list = root.get("arms");
            if (!list.isArray() || list.size() < 2) {
                throw new IllegalArgumentException("arms: a list of at least two reward rates");
            }
            arms = new double[list.size()];
            for (int i = 0; i < arms.length; i++) {
                arms[i] = probability(list.get(i), "arms[" + i + "]");
            }
            k = arms.length;
            if (root.has("k") || root.has("arm_prior")) {
                throw new IllegalArgumentException("give either arms or k with arm_prior, not both");
            }
        } else {
            if (!root.has("k") || !root.has("arm_prior")) {
                throw new IllegalArgumentException("give arms (true rates), or k with arm_prior {\"beta\": [a, b]}");
            }
            k = positiveInt(root.get("k"), "k");
            if (k < 2) {
                throw new IllegalArgumentException("k: at least 2 arms");
            }
            JsonNode prior = root.get("arm_prior").get("beta");
            if (prior == null
                    || !prior.isArray()
                    || prior.size() != 2
                    || prior.get(0).asDouble() <= 0
                    || prior.get(1).asDouble() <= 0) {
                throw new IllegalArgumentException("arm_prior: {\"beta\": [a, b]} with a, b > 0");
            }
            alpha = prior.get(0).asDouble();
            beta = prior.get(1).asDouble();
        }
        double churn = root.has("churn") ? probability(root.get("churn"), "churn") : 0;
        if (churn > 0 && arms != null) {
            throw new IllegalArgumentException(
                    "churn replaces arms with draws from arm_prior: give k and arm_prior instead of arms");
        }
        JsonNode policyNode = root.get("policy");
        JsonNode params = root.has("policy_params") ? root.get("policy_params") : Json.MAPPER.createObjectNode();
        String policy = "thompson";
        if (policyNode != null && policyNode.isObject()) {
            policy = policyNode.path("name").asText();
            params = policyNode;
        } else if (policyNode != null) {
            policy = policyNode.asText();
        }
        if (!POLICIES.contains(policy)) {
            throw new IllegalArgumentException(
                    "policy: one of " + POLICIES + ", as a name or {\"name\": ..., parameters}");
        }
        Scenario s = new Scenario(
                arms,
                k,
                alpha,
                beta,
                churn,
                root.has("horizon") ? positiveLong(root.get("horizon"), "horizon") : 1_000_000,
                root.has("feedback_every") ? positiveLong(root.get("feedback_every"), "feedback_every") : 1,
                policy,
                params,
                root.has("repetitions") ? positiveInt(root.get("repetitions"), "repetitions") : 20,
                root.has("seed") ? root.get("seed").asLong() : 1);
        s.newPolicy();
        return s;
    }

    /**
     * A fresh policy with only the parameters the scenario gives (policy_params): thompson {prior: [a, b],
     * min_share, burn_in}; epsilon_greedy {epsilon} (default 0.1); ab_fixed {weights} (default even);
     * ab_winner {test_steps} (default 10% of the horizon).
     */
    public Policy newPolicy() {
        JsonNode p = policyParams;
        return switch (policy) {
            case "thompson" ->
                new ThompsonSampling(
                        p.has("prior") ? p.get("prior").get(0).asDouble() : 1,
                        p.has("prior") ? p.get("prior").get(1).asDouble() : 1,
                        p.has("min_share") ? p.get("min_share").asDouble() : 0,
                        p.has("burn_in") ? p.get("burn_in").asLong() : 0,
                        ThompsonSampling.DEFAULT_DRAWS);
            case "ucb1" -> new Ucb1();
            case "epsilon_greedy" ->
                new EpsilonGreedy(p.has("epsilon") ? p.get("epsilon").asDouble() : 0.1);
            case "ab_fixed" -> new FixedSplit(weights(p));
            case "ab_winner" -> new TestThenWinner();
            default -> throw new IllegalArgumentException("policy: one of " + POLICIES);
        };
    }

    /** ab_winner: the steps of even testing before the winner takes everything. */
    public long testSteps() {
        return policyParams.has("test_steps") ? policyParams.get("test_steps").asLong() : horizon / 10;
    }

    private double[] weights(JsonNode p) {
        if (!p.has("weights")) {
            double[] even = new double[k];
            Arrays.fill(even, 1);
            return even;
        }
        List<Double> w = new ArrayList<>();
        p.get("weights").forEach(n -> w.add(n.asDouble()));
        if (w.size() != k) {
            throw new IllegalArgumentException("policy_params.weights: one weight per arm (" + k + ")");
        }
        return w.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private static double probability(JsonNode n, String key) {
        if (n == null || !n.isNumber() || n.asDouble() < 0 || n.asDouble() > 1) {
            throw new IllegalArgumentException(key + ": a number from 0 to 1");
        }
        return n.asDouble();
    }

    private static int positiveInt(JsonNode n, String key) {
        if (n == null || !n.canConvertToInt() || n.asInt() <= 0) {
            throw new IllegalArgumentException(key + ": a positive whole number");
        }
        return n.asInt();
    }

    private static long positiveLong(JsonNode n, String key) {
        if (n == null || !n.canConvertToLong() || n.asLong() <= 0) {
            throw new IllegalArgumentException(key + ": a positive whole number");
        }
        return n.asLong();
    }
}
