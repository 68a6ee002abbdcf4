package io.pushflow.bench.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import io.pushflow.core.json.Json;
import io.pushflow.simulator.provider.ProviderSimulator;
import io.pushflow.store.ClickHouse;
import io.pushflow.tools.AdminApi;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One round of the chaos suite: a bandit campaign over the whole audience launched through the admin service, one or
 * two faults at random moments while it sends (a pause and resume by the marketer in the middle of one, when drawn),
 * then the checks from outside the jobs: the campaign COMPLETED, exactly one outcome row per member in
 * {@code push_sends} (FINAL), nobody reached twice at the provider, the statistics equal to the provider simulator's
 * ledger per variant, no job failed or restarting, no dead letter.
 */
final class ChaosRound {

    static final List<String> VARIANTS = List.of("A", "B", "C");
    private static final Duration CALL = Duration.ofSeconds(30);
    /** The send rate is measured over this much time (the shortest recovery a round can show). */
    private static final long RATE_WINDOW_MS = 4_000;

    /** One fault as it happened: its kind, when (ms after the launch), how long until repaired, what was done. */
    record Injected(ChaosFault kind, long atMs, long repairedMs, String what, String error) {}

    /** A round's outcome. {@code recoveryMs} per injected fault (see {@link #recoveryMs}). */
    record Result(
            int round,
            long seed,
            long campaign,
            List<Injected> faults,
            boolean paused,
            List<Long> recoveryMs,
            boolean passed,
            List<String> problems,
            long audience,
            long outcomeRows,
            long members,
            long missing,
            long failedOutcomes,
            long duplicates,
            int halts,
            int taskFailures,
            double seconds) {}

    private final ChaosStage stage;
    private final Pipeline pipeline;
    private final AdminApi api;
    private final long users;
    private final Duration window;
    private final long cohort;
    private final List<Long> pushes;
    private final PrintStream out;

    /** ONESIGNAL, or DIRECT: the simulator's APNs and FCM. */
    private final String provider;

    /** How long the jobs may take to be running again after the campaign before a round counts them as left failed. */
    static final long JOBS_RECOVER_MS = 120_000;

    ChaosRound(
            ChaosStage stage,
            Pipeline pipeline,
            long users,
            Duration window,
            long cohort,
            List<Long> pushes,
            PrintStream out,
            String provider) {
        this.provider = provider;
        this.stage = stage;
        this.pipeline = pipeline;
        this.api = pipeline.api;
        this.users = users;
        this.window = window;
        this.cohort = cohort;
        this.pushes = pushes;
        this.out = out;
    }

    /**
     * What a round's seed draws from the kinds allowed: one or two faults (a pause rides along with another fault,
     * never alone).
     */
    static List<ChaosFault> draw(long seed, List<ChaosFault> allowed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<ChaosFault> faults =
                allowed.stream().filter(f -> f != ChaosFault.PAUSE).toList();
        List<ChaosFault> drawn = new ArrayList<>();
        int count = random.nextInt(2) + 1;
        while (drawn.size() < count) {
            drawn.add(faults.get(random.nextInt(faults.size())));
        }
        if (allowed.contains(ChaosFault.PAUSE) && random.nextInt(allowed.size()) == 0) {
            drawn.add(ChaosFault.PAUSE);
        }
        return drawn;
    }

    Result run(int number, long seed, List<ChaosFault> plan) throws Exception {
        SplittableRandom random = new SplittableRandom(seed ^ 0x5DEECE66DL);
        int taskFailuresBefore = stage.jobStates().exceptions();
        Map<String, Long> deadBefore = ChaosStage.deadLetters(pipeline.rabbit, pipeline.queues);
        long started = System.nanoTime();
        String name = String.format(Locale.ROOT, "chaos round %d seed %d (%s)", number, seed, ChaosFault.labels(plan));
        long campaign = pipeline.launch(
                name,
                "windy-ios",
                cohort,
                pushes,
                Map.of("type", "BANDIT", "minShare", 0.05, "burnIn", 30),
                window,
                "EVEN",
                provider);
        long launched = System.currentTimeMillis();
        out.printf(
                Locale.ROOT,
                "round %d (seed %d): campaign %d to %,d users over %d s, faults %s%n",
                number,
                seed,
                campaign,
                users,
                window.toSeconds(),
                ChaosFault.labels(plan));

        // the provider's count of pushes every 250 ms: the send rate before and after each fault
        ConcurrentLinkedQueue<long[]> samples = new ConcurrentLinkedQueue<>();
        AtomicBoolean sampling = new AtomicBoolean(true);
        Thread sampler = new Thread(
                () -> {
                    while (sampling.get()) {
                        samples.add(
                                new long[] {System.currentTimeMillis() - launched, reached(stage.simulator, campaign)});
                        try {
                            Thread.sleep(250);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                },
                "chaos-sampler");
        sampler.setDaemon(true);
        sampler.start();

        List<Injected> injected = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        ExecutorService faults = Executors.newSingleThreadExecutor(r -> new Thread(r, "chaos-faults"));
        Future<?> faulting = faults.submit(() -> {
            inject(plan, random, launched, campaign, injected);
            return null;
        });
        int halts = 0;
        String status = "";
        long deadline = launched + window.toMillis() + Duration.ofMinutes(10).toMillis();
        try {
            faulting.get(window.toMillis() + Duration.ofMinutes(10).toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            problems.add("a fault could not be injected or repaired: " + e.getCause());
            e.getCause().printStackTrace(out);
        } finally {
            faults.shutdownNow();
        }
        while (System.currentTimeMillis() < deadline) {
            status = status(campaign);
            if (status.equals("COMPLETED") || status.equals("STOPPED") || status.equals("FAILED")) {
                break;
            }
            if (status.equals("HALTED")) {
                halts++;
                out.printf(
                        Locale.ROOT,
                        "  the campaign HALTED (%s): the marketer resumes it%n",
                        campaignJson(campaign).path("statusReason").asText("?"));
                call("resume", campaign, Duration.ofMinutes(2));
            }
            Thread.sleep(2_000);
        }
        if (!status.equals("COMPLETED")) {
            problems.add("the campaign is " + status + ", not COMPLETED, "
                    + (System.currentTimeMillis() - launched) / 1000 + " s after its launch");
        }
        Thread.sleep(2_000);
        Map<String, long[]> compared = awaitStatsMatchLedger(campaign, Duration.ofSeconds(120));
        sampling.set(false);
        sampler.join();

        try (ClickHouse ch = new ClickHouse(pipeline.clickHouse)) {
            JsonNode stats = pipeline.stats(campaign);
            long audience = stats.path("audience").asLong();
            Map<String, Object> rows = ch.select(
                            "SELECT count() AS rows, uniqExact(user_id) AS members, countIf(user_id < 1 OR user_id > "
                                    + users + ") AS strangers, countIf(outcome = 'failed') AS failed FROM "
                                    + ch.table("push_sends") + " FINAL WHERE campaign_id = " + campaign)
                    .get(0);
            long outcomeRows = Long.parseLong(rows.get("rows").toString());
            long members = Long.parseLong(rows.get("members").toString());
            long strangers = Long.parseLong(rows.get("strangers").toString());
            long failed = Long.parseLong(rows.get("failed").toString());
            long missing = users - members;
            long duplicates = stage.simulator.duplicates(campaign);
            if (audience != users) {
                problems.add("the stats' audience is " + audience + ", the cohort has " + users);
            }
            if (missing != 0 || outcomeRows != members || strangers != 0) {
                problems.add(String.format(
                        Locale.ROOT,
                        "outcome rows: %,d for %,d distinct members of %,d (%,d missing, %,d not in the cohort)",
                        outcomeRows,
                        members,
                        users,
                        missing,
                        strangers));
            }
            if (duplicates != 0) {
                problems.add(duplicates + " pushes reached a subscription this campaign had reached before");
            }
            compared.forEach((variant, v) -> {
                if (!agrees(v)) {
                    problems.add(String.format(
                            Locale.ROOT,
                            "variant %s: stats sent %d, delivered %d, clicks %d%s; the provider's ledger %d pushes, %d clicks",
                            variant,
                            v[0],
                            v[2],
                            v[3],
                            "DIRECT".equals(provider) ? ", unconfirmed " + v[5] : "",
                            v[1],
                            v[4]));
                }
            });
            // a fault late in the round (a TaskManager killed just before the end) may still be recovering: Flink
            // restarts
            // the tasks once the replacement registers, so the jobs get the time a restart takes before they are judged
            ChaosStage.JobStates jobs = stage.jobStates();
            for (long until = System.currentTimeMillis() + JOBS_RECOVER_MS;
                    !jobs.healthy() && System.currentTimeMillis() < until; ) {
                Thread.sleep(2_000);
                jobs = stage.jobStates();
            }
            if (!jobs.healthy()) {
                problems.add("jobs: newest " + jobs.newest() + ", failed or restarting " + jobs.unhealthy());
            }
            Map<String, Long> dead = ChaosStage.deadLetters(pipeline.rabbit, pipeline.queues);
            for (Map.Entry<String, Long> e : dead.entrySet()) {
                long added = e.getValue() - deadBefore.getOrDefault(e.getKey(), 0L);
                if (added > 0) {
                    problems.add(added + " new messages in " + e.getKey());
                    ChaosStage.deadLetterReasons(pipeline.rabbit, e.getKey(), 3)
                            .forEach(r -> out.println("    dead letter: " + r));
                }
            }
            List<long[]> curve = List.copyOf(samples);
            List<Long> recovery =
                    injected.stream().map(f -> recoveryMs(curve, f.atMs())).toList();
            Result result = new Result(
                    number,
                    seed,
                    campaign,
                    injected,
                    plan.contains(ChaosFault.PAUSE),
                    recovery,
                    problems.isEmpty(),
                    problems,
                    audience,
                    outcomeRows,
                    members,
                    missing,
                    failed,
                    duplicates,
                    halts,
                    Math.max(0, jobs.exceptions() - taskFailuresBefore),
                    (System.nanoTime() - started) / 1e9);
            report(result);
            return result;
        }
    }

    /** Each fault of the plan at a random moment from a quarter to half of the window, one after the other; a pause inside the first. */
    private void inject(
            List<ChaosFault> plan, SplittableRandom random, long launched, long campaign, List<Injected> injected)
            throws Exception {
        boolean pause = plan.contains(ChaosFault.PAUSE);
        List<ChaosFault> faults =
                plan.stream().filter(f -> f != ChaosFault.PAUSE).toList();
        long at = (long) (window.toMillis() * (0.25 + 0.25 * random.nextDouble()));
        for (ChaosFault fault : faults) {
            Thread.sleep(Math.max(0, launched + at - System.currentTimeMillis()));
            long from = System.currentTimeMillis();
            Thread marketer = null;
            if (pause) {
                long pauseAfter = 2_000 + random.nextInt(4_000);
                long pauseFor = 5_000 + random.nextInt(10_000);
                marketer = new Thread(() -> pauseAndResume(campaign, from, pauseAfter, pauseFor), "chaos-marketer");
                marketer.start();
                pause = false;
            }
            String what;
            String error = null;
            try {
                what = inject(fault, random);
            } catch (Exception e) {
                what = fault.label + " failed";
                error = e.toString();
                e.printStackTrace(out);
            }
            if (marketer != null) {
                marketer.join();
            }
            long repaired = System.currentTimeMillis() - from;
            out.printf(
                    Locale.ROOT,
                    "  %5.1f s: %s (%.1f s)%s%n",
                    (from - launched) / 1e3,
                    what,
                    repaired / 1e3,
                    error == null ? "" : ": " + error);
            synchronized (injected) {
                injected.add(new Injected(fault, from - launched, repaired, what, error));
            }
            if (error != null) {
                throw new IllegalStateException(what + ": " + error);
            }
            at = System.currentTimeMillis() - launched + random.nextInt(10_000);
        }
    }

    private String inject(ChaosFault fault, SplittableRandom random) throws Exception {
        Duration provider = Duration.ofSeconds(15 + random.nextInt(26));
        return switch (fault) {
            case TASKMANAGER -> stage.killTaskManager(random);
            case JOBMANAGER -> stage.killJobManager();
            case RABBITMQ -> stage.rabbitOutage(Duration.ofSeconds(10 + random.nextInt(11)));
            case CLICKHOUSE -> stage.serviceOutage("clickhouse", Duration.ofSeconds(20 + random.nextInt(41)));
            case MARIADB -> stage.serviceOutage("mysql", Duration.ofSeconds(20));
            case PROVIDER_429 -> stage.providerOutage(429, Duration.ZERO, provider);
            case PROVIDER_5XX -> stage.providerOutage(503, Duration.ZERO, provider);
            case PROVIDER_SLOW -> stage.providerOutage(null, Duration.ofSeconds(10), provider);
            case RESCALE -> stage.rescale(random);
            case PAUSE -> throw new IllegalArgumentException("a pause rides along with another fault");
        };
    }

    /**
     * The marketer pauses the campaign {@code after} ms into the fault that began at {@code faultFrom} (counted from
     * when it took effect: a service's stop takes seconds) and resumes it later; a call the admin service cannot take
     * now is made again until it can.
     */
    private void pauseAndResume(long campaign, long faultFrom, long after, long length) {
        try {
            long deadline = System.currentTimeMillis() + 120_000;
            while (stage.brokenAt() < faultFrom && System.currentTimeMillis() < deadline) {
                Thread.sleep(100);
            }
            Thread.sleep(after);
            long paused = System.currentTimeMillis();
            int tries = call("pause", campaign, Duration.ofMinutes(3));
            out.printf(
                    Locale.ROOT,
                    "  the marketer paused the campaign%s%n",
                    tries > 1 ? " (taken at the " + tries + ". try)" : "");
            Thread.sleep(Math.max(0, paused + length - System.currentTimeMillis()));
            tries = call("resume", campaign, Duration.ofMinutes(3));
            out.printf(
                    Locale.ROOT,
                    "  the marketer resumed the campaign%s%n",
                    tries > 1 ? " (taken at the " + tries + ". try)" : "");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** POST /campaigns/{id}/{action} until it is taken (200) or refused for a reason other than an outage; the tries it took. */
    private int call(String action, long campaign, Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        int tries = 0;
        while (true) {
            tries++;
            AdminApi.Reply r;
            try {
                r = api.postJson("api/v1/campaigns/" + campaign + "/" + action, Map.of(), CALL);
            } catch (RuntimeException e) {
                r = new AdminApi.Reply(-1, null, e.toString());
            }
            if (r.status() == 200 || (r.status() >= 400 && r.status() < 500 && r.status() != 429)) {
                if (r.status() != 200) {
                    out.printf(Locale.ROOT, "  %s refused: %d %s%n", action, r.status(), r.text());
                }
                return tries;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(
                        action + " not taken within " + limit.toSeconds() + " s: " + r.status() + " " + r.text());
            }
            Thread.sleep(1_000);
        }
    }

    private String status(long campaign) {
        return campaignJson(campaign).path("status").asText("UNKNOWN");
    }

    private JsonNode campaignJson(long campaign) {
        try {
            AdminApi.Reply r = api.get("api/v1/campaigns/" + campaign, CALL);
            return r.status() == 200
                    ? r.body()
                    : Json.MAPPER.createObjectNode().put("status", "UNANSWERED " + r.status());
        } catch (RuntimeException e) {
            return Json.MAPPER.createObjectNode().put("status", "UNANSWERED " + e.getMessage());
        }
    }

    /**
     * Per variant: stats sent, ledger pushes, stats delivered, stats clicks, ledger clicks; waits until they agree
     * (delivery reports and clicks arrive after the sends) or the limit passes, and returns the last look.
     */
    private Map<String, long[]> awaitStatsMatchLedger(long campaign, Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        Map<String, long[]> compared = new LinkedHashMap<>();
        while (true) {
            compared.clear();
            boolean agree = true;
            try {
                Map<String, Long> unconfirmed = unconfirmed(campaign);
                for (JsonNode v : pipeline.stats(campaign).path("variants")) {
                    String key = v.path("variant").asText();
                    ProviderSimulator.Tally t = stage.simulator.tally(campaign, key);
                    long[] numbers = {
                        v.path("sent").asLong(),
                        t == null ? 0 : t.recipients.get(),
                        v.path("delivered").asLong(),
                        v.path("clicked").asLong(),
                        t == null ? 0 : t.clicked.get(),
                        unconfirmed.getOrDefault(key, 0L)
                    };
                    compared.put(key, numbers);
                    agree &= agrees(numbers);
                }
            } catch (RuntimeException e) {
                agree = false; // the stats call failed: look again
            }
            if ((agree && !compared.isEmpty()) || System.nanoTime() > deadline) {
                return compared;
            }
            Thread.sleep(3_000);
        }
    }

    /**
     * Whether the statistics (sent, delivered, clicks) agree with the provider's ledger (pushes, clicks). Through OneSignal
     * they must be equal. A direct send has no idempotency key: a request handed out before a process died and never
     * answered is recorded failed as unconfirmed (the device may have it) and never sent again, so the ledger may hold
     * up to that many pushes more than the sent rows, never fewer (at most once).
     */
    private boolean agrees(long[] v) {
        boolean pushes = "DIRECT".equals(provider) ? v[0] <= v[1] && v[1] <= v[0] + v[5] : v[0] == v[1];
        boolean delivered = "DIRECT".equals(provider) ? v[2] == v[0] : v[2] == v[1];
        return pushes && delivered && v[3] == v[4];
    }

    /** Per variant, the users a direct send recorded failed as unconfirmed (none through OneSignal). */
    private Map<String, Long> unconfirmed(long campaign) {
        Map<String, Long> out = new LinkedHashMap<>();
        if (!"DIRECT".equals(provider)) {
            return out;
        }
        try (ClickHouse ch = new ClickHouse(pipeline.clickHouse)) {
            for (Map<String, Object> r : ch.select("SELECT variant, count() AS n FROM " + ch.table("push_sends")
                    + " FINAL WHERE campaign_id = " + campaign
                    + " AND outcome = 'failed' AND position(error, 'unconfirmed') > 0 GROUP BY variant")) {
                out.put((String) r.get("variant"), ClickHouse.longValue(r.get("n")));
            }
        }
        return out;
    }

    static long reached(ProviderSimulator simulator, long campaign) {
        long n = 0;
        for (String v : VARIANTS) {
            ProviderSimulator.Tally t = simulator.tally(campaign, v);
            n += t == null ? 0 : t.recipients.get();
        }
        return n;
    }

    /**
     * From the fault until the send rate, over {@value #RATE_WINDOW_MS} ms, is back at half of what it was in the 10 s
     * before; null when nothing was sent before the fault, or the campaign had sent everything before the rate came back.
     */
    static Long recoveryMs(List<long[]> samples, long faultAt) {
        long before = countAt(samples, faultAt);
        long from = Math.max(
                faultAt - 10_000,
                samples.stream()
                        .filter(s -> s[1] > 0)
                        .mapToLong(s -> s[0])
                        .min()
                        .orElse(faultAt));
        if (faultAt - from < 2_000) {
            return null;
        }
        double rate = (before - countAt(samples, from)) / (double) (faultAt - from);
        if (rate <= 0) {
            return null;
        }
        for (long[] s : samples) {
            if (s[0] >= faultAt + RATE_WINDOW_MS
                    && s[1] - countAt(samples, s[0] - RATE_WINDOW_MS) >= 0.5 * rate * RATE_WINDOW_MS) {
                return s[0] - faultAt;
            }
        }
        return null;
    }

    /** The count of the last sample at or before {@code t}. */
    private static long countAt(List<long[]> samples, long t) {
        long n = 0;
        for (long[] s : samples) {
            if (s[0] > t) {
                break;
            }
            n = s[1];
        }
        return n;
    }

    private void report(Result r) {
        out.printf(
                Locale.ROOT,
                "round %d (seed %d) %s in %.0f s: %,d outcome rows for %,d members (%,d missing, %,d failed), %d reached twice, %d halts, "
                        + "%d task failures in the jobs' exception history; recovery %s%n",
                r.round(),
                r.seed(),
                r.passed() ? "PASSED" : "FAILED",
                r.seconds(),
                r.outcomeRows(),
                r.members(),
                r.missing(),
                r.failedOutcomes(),
                r.duplicates(),
                r.halts(),
                r.taskFailures(),
                r.recoveryMs().stream()
                        .map(ms -> ms == null ? "-" : String.format(Locale.ROOT, "%.1f s", ms / 1e3))
                        .toList());
        r.problems().forEach(p -> out.println("  problem: " + p));
    }
}
