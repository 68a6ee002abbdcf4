package io.pushflow.bench.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.rabbitmq.client.AlreadyClosedException;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import io.pushflow.cluster.ClusterSettings;
import io.pushflow.cluster.StandaloneCluster;
import io.pushflow.core.messaging.Queues;
import io.pushflow.demo.StandaloneJobs;
import io.pushflow.flink.rabbit.ConfirmingRabbitSink;
import io.pushflow.flink.rabbit.RabbitSettings;
import io.pushflow.simulator.provider.ProviderSimulator;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * What the chaos suite runs and breaks, as an operator runs it: Flink's standalone cluster (a JobManager and two
 * TaskManager processes) with the three jobs submitted through {@code bin/pushflow jobs} ({@link StandaloneJobs}), the
 * provider simulator, and the shared services, stopped and started through their own tools ({@code rabbitmqctl}) or
 * {@code bin/pushflow services stop|start}. Each fault returns once it is over and repaired as a supervisor or an
 * operator would repair it.
 */
final class ChaosStage implements AutoCloseable {

    static final List<String> JOBS = StandaloneJobs.JOBS;

    private final StandaloneJobs cluster;
    private final String savepoints;
    private final List<String> services;
    private final PrintStream out;
    final ProviderSimulator simulator;
    /** Each job's parallelism now (a rescale flips it between 1 and 2). */
    private final Map<String, Integer> parallelism = new LinkedHashMap<>();

    ChaosStage(
            ClusterSettings settings,
            Path jobJar,
            List<String> services,
            ProviderSimulator simulator,
            PrintStream out) {
        this.cluster = new StandaloneJobs(settings, jobJar, out);
        this.savepoints = settings.savepointDir();
        this.services = services;
        this.simulator = simulator;
        this.out = out;
        JOBS.forEach(j -> parallelism.put(j, 2));
    }

    private volatile long brokenAt;

    /** From now on the fault is in effect (a service's stop command has returned, a process is dead). */
    private void broken() {
        brokenAt = System.currentTimeMillis();
    }

    /** When the last fault took effect (epoch ms; 0 before any). */
    long brokenAt() {
        return brokenAt;
    }

    /** The cluster and the three jobs at parallelism 2, each running with a completed checkpoint. */
    void start() throws Exception {
        cluster.start(2);
    }

    String restUrl() {
        return cluster.restUrl();
    }

    List<Long> pids() {
        return cluster.cluster().pids();
    }

    /** kill -9 of one TaskManager; after a supervisor's 5 s a replacement registers. */
    String killTaskManager(SplittableRandom random) throws Exception {
        long jobManager = cluster.cluster().jobManagerPid().orElseThrow();
        List<Long> taskManagers =
                cluster.cluster().pids().stream().filter(p -> p != jobManager).toList();
        long victim = taskManagers.get(random.nextInt(taskManagers.size()));
        kill(victim);
        broken();
        Thread.sleep(5_000);
        String replacement = cluster.cluster().addTaskManager(StandaloneCluster.START_TIMEOUT);
        return "killed TaskManager pid " + victim + ", " + replacement + " in its place";
    }

    /** kill -9 of the JobManager, the TaskManagers stopped, the cluster started again and the jobs resumed from their checkpoints. */
    String killJobManager() throws Exception {
        long victim = cluster.cluster().jobManagerPid().orElseThrow();
        kill(victim);
        broken();
        recover();
        return "killed the JobManager pid " + victim + ", cluster restarted, jobs resumed";
    }

    /**
     * The cluster stopped (what is left of it), started again and every job resumed from its newest checkpoint: after
     * the JobManager died, or a round that left a job down.
     */
    void recover() throws Exception {
        cluster.recover();
    }

    /** Stop-with-savepoint of one job and its start from that savepoint at the other parallelism. */
    String rescale(SplittableRandom random) throws Exception {
        String job = JOBS.get(random.nextInt(JOBS.size()));
        int to = parallelism.get(job) == 2 ? 1 : 2;
        broken();
        int rc = cluster.jobs("upgrade", job, "--parallelism", Integer.toString(to), "--dir", savepoints);
        if (rc != 0) {
            throw new IllegalStateException("jobs upgrade " + job + " failed (exit " + rc + ")");
        }
        parallelism.put(job, to);
        cluster.awaitJobsRunning(Duration.ofMinutes(3));
        return job + " stopped with a savepoint and started from it at parallelism " + to;
    }

    /** The provider answers every call with {@code status} (or {@code latency} late) for the time given. */
    String providerOutage(Integer status, Duration latency, Duration length) throws InterruptedException {
        simulator.outage(status, latency);
        broken();
        try {
            Thread.sleep(length.toMillis());
        } finally {
            simulator.endOutage();
        }
        return "provider " + (status == null ? "answering " + latency.toSeconds() + " s late" : "answering " + status)
                + " for " + length.toSeconds() + " s";
    }

    String rabbitOutage(Duration length) throws Exception {
        run(List.of("rabbitmqctl", "stop_app"));
        broken();
        try {
            Thread.sleep(length.toMillis());
        } finally {
            run(List.of("rabbitmqctl", "start_app"));
        }
        return "RabbitMQ stopped (stop_app) for " + length.toSeconds() + " s";
    }

    /** {@code bin/pushflow services stop SERVICE}, the time given, {@code services start SERVICE}. */
    String serviceOutage(String service, Duration length) throws Exception {
        run(withServices("stop", service));
        broken();
        try {
            Thread.sleep(length.toMillis());
        } finally {
            run(withServices("start", service));
        }
        return service + " stopped for " + length.toSeconds() + " s";
    }

    /** The services a fault may have left stopped are started (idempotent: a running one is left alone). */
    void restoreServices() {
        simulator.endOutage();
        List<List<String>> commands = List.of(
                List.of("rabbitmqctl", "start_app"),
                withServices("start", "mysql"),
                withServices("start", "clickhouse"));
        for (List<String> command : commands) {
            try {
                run(command);
            } catch (Exception e) {
                out.println("chaos: could not make sure a service runs (" + String.join(" ", command) + "): "
                        + e.getMessage());
            }
        }
    }

    private List<String> withServices(String... args) {
        List<String> all = new ArrayList<>(services);
        all.addAll(List.of(args));
        return all;
    }

    /** The newest job of each name and its state; the states of any job of the three names that failed or restarts. */
    record JobStates(Map<String, String> newest, List<String> unhealthy, int exceptions) {
        boolean healthy() {
            return unhealthy.isEmpty() && JOBS.stream().allMatch(j -> "RUNNING".equals(newest.get("pushflow " + j)));
        }
    }

    /**
     * The jobs as Flink's REST API shows them, and how many failures each running job's exception history holds
     * (task failures and restarts, which {@code numRestarts} does not always count).
     */
    JobStates jobStates() throws IOException, InterruptedException {
        Map<String, String> newest = new LinkedHashMap<>();
        Map<String, Long> started = new LinkedHashMap<>();
        List<String> unhealthy = new ArrayList<>();
        int exceptions = 0;
        for (JsonNode j : cluster.get("/jobs/overview").path("jobs")) {
            String name = j.path("name").asText();
            String state = j.path("state").asText();
            if (List.of("FAILED", "FAILING", "RESTARTING").contains(state)) {
                unhealthy.add(name + " " + j.path("jid").asText() + " " + state);
            }
            if (j.path("start-time").asLong() > started.getOrDefault(name, -1L)) {
                started.put(name, j.path("start-time").asLong());
                newest.put(name, state);
            }
            if (state.equals("RUNNING")) {
                exceptions += cluster.get("/jobs/" + j.path("jid").asText() + "/exceptions?maxExceptions=1000")
                        .path("exceptionHistory")
                        .path("entries")
                        .size();
            }
        }
        return new JobStates(newest, unhealthy, exceptions);
    }

    /** Messages waiting in each dead-letter queue of the prefix (a queue that does not exist holds none). */
    static Map<String, Long> deadLetters(RabbitSettings rabbit, Queues queues) throws Exception {
        Map<String, Long> out = new LinkedHashMap<>();
        try (Connection connection = rabbit.connectionFactory().newConnection("pushflow-chaos")) {
            for (String q : Queues.ALL) {
                try (Channel channel = connection.createChannel()) {
                    out.put(
                            queues.dead(q),
                            channel.queueDeclarePassive(queues.dead(q)).getMessageCount() + 0L);
                } catch (IOException missing) {
                    out.put(queues.dead(q), 0L);
                } catch (AlreadyClosedException closed) {
                    out.put(queues.dead(q), 0L);
                }
            }
        }
        return out;
    }

    /** The reasons of the first {@code n} messages of a dead-letter queue (left in it), with the start of each body. */
    static List<String> deadLetterReasons(RabbitSettings rabbit, String queue, int n) throws Exception {
        List<String> reasons = new ArrayList<>();
        try (Connection connection = rabbit.connectionFactory().newConnection("pushflow-chaos");
                Channel channel = connection.createChannel()) {
            for (int i = 0; i < n; i++) {
                GetResponse m = channel.basicGet(queue, false); // not acknowledged: back in the queue on close
                if (m == null) {
                    break;
                }
                Object reason = m.getProps().getHeaders() == null
                        ? null
                        : m.getProps().getHeaders().get(ConfirmingRabbitSink.ERROR_HEADER);
                String body = new String(m.getBody(), StandardCharsets.UTF_8);
                reasons.add(reason + " | " + body.substring(0, Math.min(300, body.length())));
            }
        }
        return reasons;
    }

    /** Runs a command to its end (its output in a file: a daemon it starts may keep a pipe open for ever). */
    private void run(List<String> command) throws Exception {
        Path log = Files.createTempFile("pushflow-chaos-command", ".log");
        try {
            Process p = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            if (!p.waitFor(180, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " did not finish within 180 s");
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed (exit " + p.exitValue() + "): "
                        + Files.readString(log).trim());
            }
        } finally {
            Files.deleteIfExists(log);
        }
    }

    private static void kill(long pid) throws InterruptedException {
        Optional<ProcessHandle> handle = ProcessHandle.of(pid);
        handle.ifPresent(ProcessHandle::destroyForcibly); // SIGKILL: kill -9
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("pid " + pid + " still runs 30 s after SIGKILL");
            }
            Thread.sleep(50);
        }
    }

    /** The cluster's processes stopped (the simulator is the caller's). */
    @Override
    public void close() {
        cluster.close();
    }
}
