package io.pushflow.bench.pipeline;

import io.pushflow.bench.BenchArgs;
import io.pushflow.bench.Machine;
import io.pushflow.bench.Spread;
import io.pushflow.core.user.User;
import io.pushflow.core.user.UserGenerator;
import io.pushflow.simulator.BanditSimulator;
import io.pushflow.simulator.Scenario;
import io.pushflow.simulator.provider.ProviderSimulator;
import io.pushflow.simulator.provider.SimulatorConfig;
import io.pushflow.store.ClickHouse;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The number marketers care about ({@code bin/pushflow bench bandit}): clicks captured by BANDIT, AB_WINNER and an
 * even split, as a share of an oracle that sends every push with the best creative. The three campaigns run at
 * the same time through the whole pipeline on three disjoint, equally drawn audiences (users are dealt to apps
 * {@code bandit-0..2} by id), with the same three creatives, whose true click rates only the provider simulator
 * knows; users open and click after realistic delays scaled to the window. The oracle's clicks are each
 * campaign's delivered pushes times the best true rate. Beside the one pipeline run, the offline bandit simulator
 * replays the same policies many times with batched (delayed) feedback for the spread the single run cannot give.
 */
public final class BanditBench {

    static final double[] CLICK_RATES = {0.02, 0.03, 0.045};
    static final String[][] CREATIVES = {
        {"Wind alert", "Gusts up to 25 knots at your spot tomorrow"},
        {"Your spot, tomorrow", "Side-shore 18 knots from 10:00, sunny"},
        {"Session tomorrow?", "Perfect kiting window 10:00-14:00 at your spot - check the forecast"}
    };
    static final List<String> POLICIES = List.of("BANDIT", "AB_WINNER", "EVEN");

    private BanditBench() {}

    public static void main(String[] args) throws Exception {
        List<String> known = new ArrayList<>(Pipeline.OPTIONS);
        known.addAll(List.of("users", "window", "repetitions", "out", Pipeline.WATCH));
        Map<String, String> opts = BenchArgs.parse(
                args,
                "bench bandit [--users N (240000)] [--window ISO (PT4M)] "
                        + "[--repetitions R of the offline replay (300)] [--out FILE (bench-results/bandit.json)]; bin/pushflow passes the services' options",
                known,
                Pipeline.OPTIONS);
        long users = Long.parseLong(opts.getOrDefault("users", "240000"));
        Duration window = Duration.parse(opts.getOrDefault("window", "PT4M"));
        int repetitions = Integer.parseInt(opts.getOrDefault("repetitions", "300"));
        Path out = Path.of(opts.getOrDefault("out", "bench-results/bandit.json"));
        Map<String, Object> json;
        try (Pipeline p = new Pipeline(opts)) {
            json = run(p, users, window, repetitions);
        }
        Pipeline.writeJson(out, json);
        System.exit(0);
    }

    static Map<String, Object> run(Pipeline p, long users, Duration window, int repetitions) throws Exception {
        Machine machine;
        try (ClickHouse ch = new ClickHouse(p.clickHouse)) {
            machine = Machine.describe(ch);
        }
        System.out.printf(
                Locale.ROOT,
                "bandit benchmark: %s side by side on %,d users (a third each), window %s, true click rates %s%n  on %s%n",
                POLICIES,
                users,
                window,
                Arrays.toString(CLICK_RATES),
                machine);
        UserGenerator generator = new UserGenerator(29, Instant.now());
        p.loadUsers(
                users,
                from -> generator
                        .users(from, (int) Math.min(100_000, users - from + 1))
                        .map(u -> new User(
                                u.userId(),
                                "bandit-" + u.userId() % POLICIES.size(),
                                u.platform(),
                                u.pushToken(),
                                u.deviceToken(),
                                u.deviceTokenKind(),
                                u.tokenValid(),
                                u.subscribed(),
                                u.isPro(),
                                u.country(),
                                u.locale(),
                                u.timezone(),
                                u.appVersion(),
                                u.sports(),
                                u.lastActiveAt(),
                                u.installedAt(),
                                u.version()))
                        .toList());
        p.emptyQueues();

        List<SimulatorConfig.Rule> rules = new ArrayList<>();
        for (int i = 0; i < CREATIVES.length; i++) {
            rules.add(new SimulatorConfig.Rule(
                    null, null, null, CREATIVES[i][1], Math.min(1, 3 * CLICK_RATES[i] + 0.05), CLICK_RATES[i]));
        }
        // delays scaled to the window as minutes are to a two-hour campaign: delivery 1 s, open ~6 s, click ~4 s after
        SimulatorConfig config = new SimulatorConfig(7, 1_000, 6_000, 4_000, 0.01, 0, 0, null, rules);
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("scenario", "bandit");
        json.put("machine", machine);
        json.put("users", users);
        json.put("window", window.toString());
        json.put("trueClickRates", CLICK_RATES);
        double best = CLICK_RATES[CLICK_RATES.length - 1];
        try (ProviderSimulator simulator = new ProviderSimulator(
                config,
                p.appId,
                p.appKey,
                new InetSocketAddress("127.0.0.1", p.simulatorPort),
                p.rabbit.connectionFactory(),
                p.queues)) {
            String tag = Long.toString(System.currentTimeMillis(), 36);
            List<Long> pushes = new ArrayList<>();
            for (String[] c : CREATIVES) {
                pushes.add(p.createPush(c[0] + " " + tag, c[0], c[1]));
            }
            Map<String, Long> campaigns = new LinkedHashMap<>();
            for (int i = 0; i < POLICIES.size(); i++) {
                String policy = POLICIES.get(i);
                long cohort = p.createCohort(
                        "bandit audience " + i + " " + tag,
                        Map.of("all", List.of(Map.of("field", "app", "op", "eq", "value", "bandit-" + i))));
                Map<String, Object> split = switch (policy) {
                    case "BANDIT" -> Map.of("type", "BANDIT", "minShare", 0.05, "burnIn", 100);
                    case "AB_WINNER" ->
                        Map.of(
                                "type",
                                "AB_WINNER",
                                "testShare",
                                0.3,
                                "testDuration",
                                window.dividedBy(3).toString());
                    default -> Map.of("type", "AB_FIXED");
                };
                campaigns.put(
                        policy, p.launch(policy + " " + tag, "bandit-" + i, cohort, pushes, split, window, "EVEN"));
            }
            long start = System.nanoTime();
            waitUntilOut(p, campaigns, window.plusMinutes(5));
            System.out.printf(
                    Locale.ROOT,
                    "  every audience out after %.0f s; waiting 40 s for the last opens and clicks%n",
                    (System.nanoTime() - start) / 1e9);
            Thread.sleep(40_000);
            Map<String, Object> results = new LinkedHashMap<>();
            System.out.printf(
                    Locale.ROOT,
                    "%n%-10s %10s %10s %12s %14s %16s   %s%n",
                    "policy",
                    "delivered",
                    "clicks",
                    "oracle",
                    "clicks/oracle",
                    "expected/oracle",
                    "share of pushes per creative (A, B, C)");
            for (Map.Entry<String, Long> e : campaigns.entrySet()) {
                long delivered = 0;
                long clicks = 0;
                double expected = 0;
                long[] perVariant = new long[CREATIVES.length];
                for (int v = 0; v < CREATIVES.length; v++) {
                    ProviderSimulator.Tally t = simulator.tally(e.getValue(), String.valueOf((char) ('A' + v)));
                    if (t != null) {
                        long reached = t.recipients.get() - t.invalid.get();
                        perVariant[v] = reached;
                        delivered += reached;
                        clicks += t.clicked.get();
                        expected += reached * t.trueClick;
                    }
                }
                double oracle = delivered * best;
                StringBuilder shares = new StringBuilder();
                for (long n : perVariant) {
                    shares.append(String.format(Locale.ROOT, "%5.1f%%", 100.0 * n / Math.max(1, delivered)));
                }
                System.out.printf(
                        Locale.ROOT,
                        "%-10s %,10d %,10d %,12.0f %13.1f%% %15.1f%%   %s%n",
                        e.getKey(),
                        delivered,
                        clicks,
                        oracle,
                        100 * clicks / oracle,
                        100 * expected / oracle,
                        shares);
                Map<String, Object> r = new LinkedHashMap<>();
                r.put("campaign", e.getValue());
                r.put("delivered", delivered);
                r.put("clicks", clicks);
                r.put("oracleClicks", oracle);
                r.put("clicksShareOfOracle", clicks / oracle);
                r.put("expectedShareOfOracle", expected / oracle);
                r.put("deliveredPerCreative", perVariant);
                results.put(e.getKey(), r);
            }
            json.put("pipeline", results);
            json.put("reachedTwice", simulator.ledger().get("duplicates"));
            long perCampaign = ((Number) ((Map<?, ?>) results.get("EVEN")).get("delivered")).longValue();
            json.put("offline", offline(perCampaign, window, repetitions));
        }
        return json;
    }

    /** Waits until every campaign has one outcome row per audience member and has ended. */
    private static void waitUntilOut(Pipeline p, Map<String, Long> campaigns, Duration limit)
            throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            boolean all = true;
            for (long id : campaigns.values()) {
                var stats = p.stats(id);
                String status = p.campaignStatus(id);
                all &= status.equals("COMPLETED")
                        && stats.path("outcomes").asLong()
                                >= stats.path("audience").asLong();
            }
            if (all) {
                return;
            }
            Thread.sleep(2_000);
        }
        throw new IllegalStateException("the campaigns did not complete within " + limit);
    }

    /**
     * The same policies replayed offline {@code repetitions} times on {@code pushes} pushes each, feedback arriving
     * in batches (one per feedback interval's worth of pushes, about what the delays hold back): the share of the
     * oracle's clicks with its spread.
     */
    private static Map<String, Object> offline(long pushes, Duration window, int repetitions) {
        long feedbackEvery = Math.max(1, pushes * 10 / window.toSeconds()); // ~10 s of pushes between evidence updates
        Map<String, Object> out = new LinkedHashMap<>();
        System.out.printf(
                Locale.ROOT,
                "%noffline replay: %,d pushes per campaign, feedback every %,d pushes, %d repetitions%n",
                pushes,
                feedbackEvery,
                repetitions);
        for (String policy : POLICIES) {
            String name = switch (policy) {
                case "BANDIT" -> "thompson";
                case "AB_WINNER" -> "ab_winner";
                default -> "ab_fixed";
            };
            String params = switch (policy) {
                case "BANDIT" -> ", \"policy_params\": {\"min_share\": 0.05, \"burn_in\": 100}";
                case "AB_WINNER" -> ", \"policy_params\": {\"test_steps\": " + Math.round(0.3 * pushes) + "}";
                default -> "";
            };
            Scenario scenario = Scenario.parse(String.format(
                    Locale.ROOT,
                    "{\"arms\": [%s, %s, %s], \"horizon\": %d, \"feedback_every\": %d, "
                            + "\"policy\": \"%s\"%s, \"repetitions\": %d, \"seed\": 11}",
                    CLICK_RATES[0],
                    CLICK_RATES[1],
                    CLICK_RATES[2],
                    pushes,
                    feedbackEvery,
                    name,
                    params,
                    repetitions));
            List<Double> shares = new ArrayList<>();
            for (double regret : BanditSimulator.regrets(scenario)) {
                shares.add(1 - regret / (pushes * CLICK_RATES[CLICK_RATES.length - 1]));
            }
            Spread s = Spread.of(shares);
            System.out.printf(
                    Locale.ROOT,
                    "  %-10s expected clicks / oracle: median %.1f%% (p10..p90 %.1f%%..%.1f%%, min %.1f%%)%n",
                    policy,
                    100 * s.p50(),
                    100 * percentile(shares, 0.10),
                    100 * s.p90(),
                    100 * s.min());
            out.put(policy, s);
        }
        return out;
    }

    private static double percentile(List<Double> values, double p) {
        double[] sorted =
                values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return sorted[Math.max(0, (int) Math.ceil(p * sorted.length) - 1)];
    }
}
