package io.pushflow.cluster;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * {@code bin/pushflow cluster start|status|stop|add-taskmanager}: Flink's own standalone session cluster, one JobManager
 * process ({@link #JOB_MANAGER}) and N TaskManager processes ({@link #TASK_MANAGER}), each a JVM of its own started as
 * Flink's {@code start-cluster.sh} starts them: {@code --configDir} with a {@code config.yaml}, the memory options and
 * dynamic properties Flink's {@code BashJavaUtils} computes from it ({@link ProcessMemory}), a log4j file per process,
 * pid files; all in the state directory. The processes run on after this program exits (or the JVM that called this
 * API); {@link #stop} ends them. The jobs read their settings from the processes' environment, which they inherit.
 */
public final class StandaloneCluster {

    public static final String JOB_MANAGER = "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint";
    public static final String TASK_MANAGER = "org.apache.flink.runtime.taskexecutor.TaskManagerRunner";
    public static final Duration START_TIMEOUT = Duration.ofSeconds(180);
    public static final Duration STOP_GRACE = Duration.ofSeconds(30);
    /** The environment variables the jobs read (docs/operations.md, Configuration), by prefix. */
    private static final List<String> JOB_SETTINGS = List.of(
            "RABBITMQ_",
            "CLICKHOUSE_",
            "PUSHFLOW_",
            "ONESIGNAL_",
            "DISPATCH_",
            "DELIVERY_",
            "STATUS_",
            "FEEDBACK_",
            "CHECKPOINT_",
            "STATE_BACKEND",
            "SAVEPOINT_DIR");

    /** One process of the cluster as its pid file and the system see it. */
    public record ProcessState(String name, Optional<Long> pid, boolean alive, Path log) {}

    /** The processes and what the JobManager's REST API says (empty when it does not answer). */
    public record Status(String restUrl, List<ProcessState> processes, Optional<ClusterRest.Overview> rest) {}

    private final ClusterSettings settings;
    private final ClusterConfig config;
    private final FlinkProcess jobManager;
    private final PrintStream out;

    public StandaloneCluster(ClusterSettings settings, PrintStream out) {
        this.settings = settings;
        this.config = new ClusterConfig(settings.stateDir());
        this.jobManager = new FlinkProcess("jobmanager", settings.stateDir(), config);
        this.out = out;
    }

    /**
     * Writes the configuration and starts the JobManager and the TaskManagers in the background; returns once the
     * REST API counts every TaskManager registered (or throws, with the failing process's log, after stopping what
     * it started). Refuses while a process of this state directory still runs.
     */
    public String start(Duration timeout) {
        List<FlinkProcess> running =
                processes().stream().filter(FlinkProcess::alive).toList();
        if (!running.isEmpty()) {
            throw new IllegalStateException("a cluster runs from " + settings.stateDir() + " already ("
                    + describe(running) + "): stop it first (bin/pushflow cluster stop)");
        }
        processes().forEach(FlinkProcess::forget);
        int rest = port(settings.restPort(), "REST API (FLINK_REST_PORT)");
        int rpc = port(settings.rpcPort(), "JobManager RPC (FLINK_RPC_PORT)");
        config.write(ClusterConfig.of(settings, rest, rpc));
        long began = System.nanoTime();
        List<FlinkProcess> launched = new ArrayList<>();
        ProcessMemory tm;
        try {
            ProcessMemory jm = ProcessMemory.jobManager(config.dir);
            List<String> args = new ArrayList<>(jm.arguments());
            args.addAll(List.of("--configDir", config.dir.toString(), "--executionMode", "cluster"));
            jobManager.start(jvmOptions(jm), settings.classpath(), JOB_MANAGER, args, settings.environment());
            launched.add(jobManager);
            tm = ProcessMemory.taskManager(config.dir);
            List<String> ids = new ArrayList<>();
            for (int i = 1; i <= settings.taskManagers(); i++) {
                FlinkProcess p = taskManager(i);
                ids.add(launchTaskManager(p, tm));
                launched.add(p);
            }
            await(
                    timeout,
                    launched,
                    o -> o.taskManagerIds().containsAll(ids),
                    settings.taskManagers() + " TaskManagers registered");
        } catch (RuntimeException e) {
            terminate(launched, Duration.ofSeconds(10));
            launched.forEach(FlinkProcess::forget);
            throw e;
        }
        String url = config.restUrl();
        out.printf(
                Locale.ROOT,
                "Flink standalone cluster up in %.1f s: JobManager (pid %d) and %d TaskManagers of %d slots (pids %s)%n",
                (System.nanoTime() - began) / 1e9,
                jobManager.pid().orElseThrow(),
                settings.taskManagers(),
                settings.slots(),
                String.join(
                        ", ",
                        launched.subList(1, launched.size()).stream()
                                .map(p -> p.pid().orElseThrow().toString())
                                .toList()));
        out.printf(
                Locale.ROOT,
                "  each TaskManager (Flink's BashJavaUtils from %s): process %s, heap %s (task %s), managed %s, network %s, "
                        + "metaspace %s, %s CPU cores%n",
                config.dir.resolve(ClusterConfig.FILE),
                settings.taskManagerMemory(),
                jvmHeap(tm),
                size(tm.property("taskmanager.memory.task.heap.size")),
                size(tm.property("taskmanager.memory.managed.size")),
                size(tm.property("taskmanager.memory.network.max")),
                size(tm.property("taskmanager.memory.jvm-metaspace.size")),
                tm.property("taskmanager.cpu.cores"));
        out.println("  dashboard and REST API: " + url);
        out.println("  logs in " + settings.stateDir().toAbsolutePath().resolve("log") + ", pid files in "
                + settings.stateDir().toAbsolutePath());
        printJobSettings();
        return url;
    }

    /**
     * Starts one more TaskManager with the cluster's configuration (a supervisor replacing one that died): it takes
     * the lowest number whose process is not running; returns its name once the JobManager has registered it.
     */
    public String addTaskManager(Duration timeout) {
        if (!jobManager.alive()) {
            throw new IllegalStateException("no JobManager runs from " + settings.stateDir()
                    + ": start the cluster first (bin/pushflow cluster start)");
        }
        int n = 1;
        while (taskManager(n).alive()) {
            n++;
        }
        FlinkProcess p = taskManager(n);
        boolean replaces = p.pid().isPresent();
        long began = System.nanoTime();
        String id = launchTaskManager(p, ProcessMemory.taskManager(config.dir));
        try {
            await(timeout, List.of(p), o -> o.taskManagerIds().contains(id), p.name + " registered");
        } catch (RuntimeException e) {
            terminate(List.of(p), Duration.ofSeconds(10));
            throw e;
        }
        out.printf(
                Locale.ROOT,
                "%s (pid %d%s) registered in %.1f s%n",
                p.name,
                p.pid().orElseThrow(),
                replaces ? ", in place of the one that had stopped" : "",
                (System.nanoTime() - began) / 1e9);
        printJobSettings();
        return p.name;
    }

    public Status status() {
        List<ProcessState> states = processes().stream()
                .map(p -> new ProcessState(p.name, p.pid(), p.alive(), p.log.toAbsolutePath()))
                .toList();
        String url = config.exists() ? config.restUrl() : "";
        return new Status(url, states, jobManager.alive() ? new ClusterRest(url).overview() : Optional.empty());
    }

    public void printStatus() {
        Status s = status();
        if (s.processes().isEmpty()) {
            out.println("no process of a cluster runs from "
                    + settings.stateDir().toAbsolutePath() + " (bin/pushflow cluster start)");
            return;
        }
        out.println("Flink standalone cluster in " + settings.stateDir().toAbsolutePath());
        for (ProcessState p : s.processes()) {
            out.printf(
                    Locale.ROOT,
                    "  %-15s pid %-8s %-12s log %s%n",
                    p.name(),
                    p.pid().map(String::valueOf).orElse("-"),
                    p.alive() ? "running" : "not running",
                    p.log());
        }
        out.println(s.rest()
                .map(o -> String.format(
                        Locale.ROOT,
                        "  REST API at %s: %d TaskManagers registered, %d slots (%d free), %d jobs running",
                        s.restUrl(),
                        o.taskManagers(),
                        o.slotsTotal(),
                        o.slotsAvailable(),
                        o.jobsRunning()))
                .orElse("  REST API at " + s.restUrl() + ": no answer"));
    }

    /** TERM to every running process, KILL to those still running after {@code grace}; says which. */
    public void stop(Duration grace) {
        List<FlinkProcess> all = processes();
        List<FlinkProcess> running = all.stream().filter(FlinkProcess::alive).toList();
        if (running.isEmpty()) {
            out.println("no process of the cluster in " + settings.stateDir().toAbsolutePath() + " runs");
        } else {
            long began = System.nanoTime();
            out.println("stopping " + describe(running) + " (TERM)");
            List<FlinkProcess> killed = terminate(running, grace);
            if (!killed.isEmpty()) {
                out.println(
                        "killed (KILL) " + describe(killed) + ": still running " + grace.toSeconds() + " s after TERM");
            }
            out.printf(
                    Locale.ROOT, "stopped %d processes in %.1f s%n", running.size(), (System.nanoTime() - began) / 1e9);
        }
        all.forEach(FlinkProcess::forget);
    }

    public String restUrl() {
        return config.restUrl();
    }

    /** The JobManager's pid while it runs. */
    public Optional<Long> jobManagerPid() {
        return jobManager.handle().map(ProcessHandle::pid);
    }

    /** The pids of the running processes, JobManager first. */
    public List<Long> pids() {
        return processes().stream()
                .flatMap(p -> p.handle().stream())
                .map(ProcessHandle::pid)
                .toList();
    }

    private String launchTaskManager(FlinkProcess p, ProcessMemory memory) {
        String id = p.name + "-"
                + HexFormat.of()
                        .toHexDigits(ThreadLocalRandom.current().nextInt())
                        .substring(0, 6);
        List<String> args = new ArrayList<>(List.of("--configDir", config.dir.toString()));
        args.addAll(memory.arguments());
        args.addAll(List.of("-D", "taskmanager.resource-id=" + id));
        p.start(jvmOptions(memory), settings.classpath(), TASK_MANAGER, args, settings.environment());
        return id;
    }

    /** The computed memory options, then what Flink's config.sh adds to every JVM, then the --add-opens list. */
    private List<String> jvmOptions(ProcessMemory memory) {
        List<String> options = new ArrayList<>(memory.jvmOptions());
        options.add("-XX:+IgnoreUnrecognizedVMOptions");
        options.addAll(settings.jvmOptions());
        return options;
    }

    private void await(
            Duration timeout, List<FlinkProcess> watched, Predicate<ClusterRest.Overview> ready, String what) {
        ClusterRest rest = new ClusterRest(config.restUrl());
        long deadline = System.nanoTime() + timeout.toNanos();
        Optional<ClusterRest.Overview> last = Optional.empty();
        while (System.nanoTime() < deadline) {
            for (FlinkProcess p : watched) {
                if (!p.started()) {
                    throw new IllegalStateException("the " + p.name + " exited while starting:\n" + p.tail(40));
                }
            }
            last = rest.overview();
            if (last.isPresent() && ready.test(last.get())) {
                return;
            }
            sleep(500);
        }
        throw new IllegalStateException("not " + what + " within " + timeout.toSeconds() + " s (REST at "
                + config.restUrl() + ": " + last.map(Object::toString).orElse("no answer") + ")\n"
                + watched.get(watched.size() - 1).tail(40));
    }

    /** TERM, wait at most {@code grace}, then KILL; returns the processes that needed KILL. */
    private static List<FlinkProcess> terminate(List<FlinkProcess> processes, Duration grace) {
        Map<FlinkProcess, ProcessHandle> handles = new LinkedHashMap<>();
        processes.forEach(p -> p.handle().ifPresent(h -> handles.put(p, h)));
        handles.values().forEach(ProcessHandle::destroy);
        long deadline = System.nanoTime() + grace.toNanos();
        while (handles.values().stream().anyMatch(ProcessHandle::isAlive) && System.nanoTime() < deadline) {
            sleep(100);
        }
        List<FlinkProcess> killed = handles.entrySet().stream()
                .filter(e -> e.getValue().isAlive())
                .map(Map.Entry::getKey)
                .toList();
        killed.forEach(p -> handles.get(p).destroyForcibly());
        long killDeadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (killed.stream().anyMatch(p -> handles.get(p).isAlive()) && System.nanoTime() < killDeadline) {
            sleep(100);
        }
        return killed;
    }

    /** The JobManager first, then the TaskManagers that have a pid file, by number. */
    private List<FlinkProcess> processes() {
        List<FlinkProcess> all = new ArrayList<>();
        if (jobManager.pid().isPresent()) {
            all.add(jobManager);
        }
        try (Stream<Path> files =
                Files.exists(settings.stateDir()) ? Files.list(settings.stateDir()) : Stream.empty()) {
            files.map(f -> f.getFileName().toString())
                    .filter(f -> f.matches("taskmanager-\\d+\\.pid"))
                    .map(f -> Integer.parseInt(f.substring("taskmanager-".length(), f.length() - ".pid".length())))
                    .sorted(Comparator.naturalOrder())
                    .forEach(i -> all.add(taskManager(i)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return all;
    }

    private FlinkProcess taskManager(int n) {
        return new FlinkProcess("taskmanager-" + n, settings.stateDir(), config);
    }

    private void printJobSettings() {
        Map<String, String> env = new TreeMap<>(System.getenv());
        env.putAll(settings.environment());
        out.println(
                "  the jobs read their settings from these processes' environment (unset ones at their defaults, docs/operations.md \"Configuration\"):");
        env.forEach((name, value) -> {
            if (JOB_SETTINGS.stream().anyMatch(name::startsWith)) {
                boolean secret = name.contains("PASSWORD") || name.contains("KEY");
                out.println("    " + name + "=" + (secret ? (value.isEmpty() ? "" : "(set, not shown)") : value));
            }
        });
    }

    private static String describe(List<FlinkProcess> processes) {
        return String.join(
                ", ",
                processes.stream()
                        .map(p ->
                                p.name + " pid " + p.pid().map(String::valueOf).orElse("?"))
                        .toList());
    }

    /** {@code wanted}, checked free on the loopback address, or any free port for 0. */
    private static int port(int wanted, String what) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), wanted));
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("port " + wanted + " for the " + what + " is taken: choose another", e);
        }
    }

    private static String jvmHeap(ProcessMemory memory) {
        return memory.jvmOptions().stream()
                .filter(o -> o.startsWith("-Xmx"))
                .map(o -> size(o.substring(4)))
                .findFirst()
                .orElse("?");
    }

    private static String size(String bytes) {
        return String.format(Locale.ROOT, "%.0f MB", Long.parseLong(bytes.replaceAll("b$", "")) / 1048576.0);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    public static void main(String[] args) {
        System.exit(ClusterCommand.run(args, System.out, System.err));
    }
}
