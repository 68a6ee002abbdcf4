package io.pushflow.bench;

import io.pushflow.cluster.ClusterSettings;
import io.pushflow.cluster.StandaloneCluster;
import io.pushflow.tools.Cli;
import io.pushflow.tools.JobControl;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The three jobs for a whole-pipeline benchmark on a Flink cluster of their own (so its memory is its own), configured
 * through its environment like a deployment: Flink's standalone cluster (a JobManager and TaskManager processes) or one
 * JVM ({@code local}); stopped on close, and when this JVM exits however it does.
 */
final class BenchCluster implements AutoCloseable {

    private final BenchHost host;
    private final String kind;
    private final StandaloneCluster standalone;
    private final PrintStream standaloneLog;
    private final Process local;
    private final Thread stopOnExit = new Thread(this::stop);
    final String restUrl;
    final List<Long> pids;

    /**
     * {@code kind} standalone or local, its REST API on {@code port}; the jobs read this benchmark's queues, ClickHouse
     * database and the provider simulator on {@code simulatorPort}, plus {@code jobSettings}.
     */
    BenchCluster(
            BenchHost host,
            String kind,
            int port,
            String queuePrefix,
            String database,
            int simulatorPort,
            Map<String, String> jobSettings)
            throws Exception {
        this.host = host;
        this.kind = kind;
        Path checkpoints = host.stateDir("bench-checkpoints");
        deleteTree(checkpoints);
        Map<String, String> env = new LinkedHashMap<>();
        env.put("FLINK_REST_PORT", Integer.toString(port));
        env.put("PUSHFLOW_QUEUE_PREFIX", queuePrefix);
        env.put("CLICKHOUSE_DATABASE", database);
        env.put("ONESIGNAL_API_URL", "http://127.0.0.1:" + simulatorPort + "/api/v1");
        env.put("ONESIGNAL_APP_ID", "pushflow-bench");
        env.put("ONESIGNAL_REST_API_KEY", "bench-key");
        env.put("CHECKPOINT_DIR", checkpoints.toUri().toString());
        env.put("STATE_BACKEND", Cli.env("STATE_BACKEND", "rocksdb"));
        env.putAll(jobSettings);
        Path log = host.stateDir("bench-flink.log");
        restUrl = "http://127.0.0.1:" + port;
        if (kind.equals("standalone")) {
            ClusterSettings defaults = ClusterSettings.fromEnvironment(host.stateDir("bench-cluster"));
            standaloneLog = new PrintStream(Files.newOutputStream(log), true);
            standalone = new StandaloneCluster(
                    defaults.withPorts(port, 0)
                            .withDirectories(env.get("CHECKPOINT_DIR"), defaults.savepointDir())
                            .withClasspath(host.clusterClasspath())
                            .withEnvironment(env),
                    standaloneLog);
            local = null;
            Runtime.getRuntime().addShutdownHook(stopOnExit);
            try {
                standalone.start(StandaloneCluster.START_TIMEOUT);
            } catch (RuntimeException e) {
                throw new IllegalStateException(
                        "the benchmark's Flink cluster did not start (log: " + log + ")\n" + Files.readString(log), e);
            }
            pids = standalone.pids();
        } else {
            standalone = null;
            standaloneLog = null;
            local = startLocal(env, log);
            Runtime.getRuntime().addShutdownHook(stopOnExit);
            pids = List.of(local.pid());
        }
        host.say("Flink " + kind + " cluster for the benchmark up (pids " + pids + ", " + restUrl + "; log: " + log
                + ")");
        int rc = Cli.execute(
                new JobControl(),
                "--rest",
                restUrl,
                "--jar",
                host.jobJar().toString(),
                "--checkpoints",
                env.get("CHECKPOINT_DIR"),
                "start",
                "--parallelism",
                "2");
        if (rc != 0) {
            throw new IllegalStateException("jobs start failed (exit " + rc + ")");
        }
    }

    /** The one-JVM cluster in the background, once its REST API answers. */
    private Process startLocal(Map<String, String> env, Path log) throws Exception {
        List<String> command = new ArrayList<>(List.of(BenchHost.java()));
        command.addAll(ClusterSettings.fromEnvironment(Cli.stateDir()).jvmOptions());
        command.add("-Xmx" + Cli.env("BENCH_FLINK_HEAP", "2g"));
        command.addAll(Arrays.stream(Cli.env("BENCH_FLINK_JAVA_OPTS", "").split("\\s+"))
                .filter(s -> !s.isEmpty())
                .toList());
        command.addAll(List.of(
                "-Dlog4j2.configurationFile=" + host.root.resolve("flink-jobs/log4j2-local.properties"),
                "-cp",
                host.clusterClasspath(),
                "io.pushflow.cluster.LocalCluster"));
        ProcessBuilder pb = new ProcessBuilder(command)
                .directory(host.root.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        pb.environment().putAll(env);
        Process p = pb.start();
        HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + host.waitTimeout().toNanos();
        while (true) {
            if (!p.isAlive()) {
                throw new IllegalStateException("the benchmark's Flink cluster exited (log: " + log + ")");
            }
            if (System.nanoTime() > deadline) {
                p.destroyForcibly();
                throw new IllegalStateException("the benchmark's Flink cluster did not answer within "
                        + host.waitTimeout().toSeconds() + " s (log: " + log + ")");
            }
            try {
                if (http.send(
                                        HttpRequest.newBuilder(URI.create(restUrl + "/overview"))
                                                .timeout(Duration.ofSeconds(2))
                                                .build(),
                                        HttpResponse.BodyHandlers.discarding())
                                .statusCode()
                        == 200) {
                    return p;
                }
            } catch (IOException starting) {
                // not listening yet
            }
            Thread.sleep(500);
        }
    }

    static void deleteTree(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (var paths = Files.walk(dir)) {
                for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }

    private void stop() {
        if (standalone != null) {
            standalone.stop(StandaloneCluster.STOP_GRACE);
            standaloneLog.close();
        } else if (local.isAlive()) {
            BenchHost.stop(local, Duration.ofSeconds(30));
        }
        host.say("stopped the benchmark's Flink " + kind + " cluster (pids " + pids + ")");
    }

    @Override
    public void close() {
        stop();
        Runtime.getRuntime().removeShutdownHook(stopOnExit);
    }
}
