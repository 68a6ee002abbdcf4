package io.pushflow.demo;

import com.fasterxml.jackson.databind.JsonNode;
import io.pushflow.cluster.ClusterSettings;
import io.pushflow.cluster.StandaloneCluster;
import io.pushflow.core.json.Json;
import io.pushflow.tools.Cli;
import io.pushflow.tools.JobControl;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The three jobs on Flink's standalone cluster, as an operator runs them: a JobManager and two TaskManager processes
 * ({@link StandaloneCluster}) and the job jar submitted through {@code bin/pushflow jobs} ({@link JobControl}). The
 * jobs read their settings from the environment the processes start with. The demo's {@link Stage} and the chaos
 * suite run their campaigns on it.
 */
public final class StandaloneJobs implements AutoCloseable {

    public static final List<String> JOBS = List.of("dispatch", "delivery", "status");
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** What a cluster is started from: the job jar and the processes' classpath (Flink's alone). */
    public record Artifacts(Path jobJar, String clusterClasspath) {

        /**
         * As a build of the project leaves them (the cluster module writes its classpath.txt), in the working directory
         * or the nearest one above it that holds them: bin/pushflow runs in the project, a module's tests in the module.
         */
        public static Artifacts find() {
            Path dir = Path.of("").toAbsolutePath();
            while (dir.getParent() != null
                    && !Files.isRegularFile(
                            dir.resolve("cluster").resolve("target").resolve("classpath.txt"))) {
                dir = dir.getParent();
            }
            return built(dir);
        }

        public static Artifacts built(Path root) {
            Path cluster = root.resolve("cluster").resolve("target");
            try {
                return new Artifacts(
                        root.resolve("flink-jobs")
                                .resolve("target")
                                .resolve("pushflow-jobs.jar")
                                .toAbsolutePath(),
                        cluster.resolve("classes").toAbsolutePath() + ":"
                                + Files.readString(cluster.resolve("classpath.txt"))
                                        .trim());
            } catch (IOException e) {
                throw new UncheckedIOException(
                        "no cluster classpath in " + cluster.toAbsolutePath() + ": build the cluster module", e);
            }
        }
    }

    private final StandaloneCluster cluster;
    private final Path jobJar;
    private final String checkpoints;
    private final PrintStream out;

    public StandaloneJobs(ClusterSettings settings, Path jobJar, PrintStream out) {
        this.cluster = new StandaloneCluster(settings, out);
        this.jobJar = jobJar;
        this.checkpoints = settings.checkpointDir();
        this.out = out;
    }

    /**
     * Two TaskManagers of three slots (the three jobs at parallelism 2), small processes (1,600 MB a TaskManager, 384
     * MB of it for RocksDB), the REST API on {@code restPort} (0: a free one), the cluster's files, the checkpoints and
     * the savepoints under {@code work}; {@code jobSettings} and the two directories in the processes' environment.
     */
    public static ClusterSettings settings(
            Path work, int restPort, String clusterClasspath, Map<String, String> jobSettings) {
        String checkpoints = work.resolve("checkpoints").toUri().toString();
        String savepoints = work.resolve("savepoints").toUri().toString();
        Map<String, String> env = new LinkedHashMap<>(jobSettings);
        env.put("CHECKPOINT_DIR", checkpoints);
        env.put("SAVEPOINT_DIR", savepoints);
        return ClusterSettings.fromEnvironment(work.resolve("cluster"))
                .withSize(2, 3)
                .withPorts(restPort, 0)
                .withMemory("1600m", "384m", "1g")
                .withDirectories(checkpoints, savepoints)
                .withClasspath(clusterClasspath)
                .withEnvironment(env);
    }

    /** The cluster and the three jobs at the parallelism given, each running with a completed checkpoint. */
    public void start(int parallelism) throws Exception {
        cluster.start(StandaloneCluster.START_TIMEOUT);
        int rc = jobs("start", "--parallelism", Integer.toString(parallelism));
        if (rc != 0) {
            throw new IllegalStateException("jobs start failed (exit " + rc + ")");
        }
        awaitJobsRunning(Duration.ofMinutes(3));
    }

    /**
     * The cluster stopped (what is left of it), started again and every job resumed from its newest checkpoint: after
     * the JobManager died, or when a job is down.
     */
    public void recover() throws Exception {
        cluster.stop(Duration.ofSeconds(15));
        cluster.start(StandaloneCluster.START_TIMEOUT);
        int rc = jobs("resume");
        if (rc != 0) {
            throw new IllegalStateException("jobs resume failed (exit " + rc + ")");
        }
        awaitJobsRunning(Duration.ofMinutes(3));
    }

    public StandaloneCluster cluster() {
        return cluster;
    }

    public String restUrl() {
        return cluster.restUrl();
    }

    /** Until every job runs with all its tasks RUNNING and a checkpoint completed since. */
    public void awaitJobsRunning(Duration limit) throws Exception {
        long deadline = System.nanoTime() + limit.toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            try {
                Map<String, Boolean> ready = new LinkedHashMap<>();
                for (JsonNode j : get("/jobs/overview").path("jobs")) {
                    if (j.path("state").asText().equals("RUNNING")) {
                        String id = j.path("jid").asText();
                        JsonNode job = get("/jobs/" + id);
                        boolean tasks = true;
                        for (JsonNode v : job.path("vertices")) {
                            tasks &= v.path("status").asText().equals("RUNNING");
                        }
                        long restoredOrStarted = Math.max(j.path("start-time").asLong(), 0);
                        JsonNode completed = get("/jobs/" + id + "/checkpoints")
                                .path("latest")
                                .path("completed");
                        ready.put(
                                j.path("name").asText(),
                                tasks && completed.path("latest_ack_timestamp").asLong() > restoredOrStarted);
                    }
                }
                last = ready.toString();
                if (JOBS.stream().allMatch(n -> Boolean.TRUE.equals(ready.get("pushflow " + n)))) {
                    return;
                }
            } catch (IOException e) {
                last = e.toString(); // the JobManager is starting
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException("the three jobs did not all run with a completed checkpoint within "
                + limit.toSeconds() + " s: " + last);
    }

    /** {@code bin/pushflow jobs ARGS} against this cluster; its exit code. */
    public int jobs(String... args) {
        List<String> all = new ArrayList<>(
                List.of("--rest", cluster.restUrl(), "--jar", jobJar.toString(), "--checkpoints", checkpoints));
        all.addAll(List.of(args));
        var commandLine = Cli.commandLine(new JobControl());
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(out, true));
        return commandLine.execute(all.toArray(String[]::new));
    }

    /** A GET of the cluster's REST API, as JSON. */
    public JsonNode get(String path) throws IOException, InterruptedException {
        HttpResponse<String> r = HTTP.send(
                HttpRequest.newBuilder(URI.create(cluster.restUrl().replaceAll("/$", "") + path))
                        .timeout(Duration.ofSeconds(10))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException("GET " + path + ": " + r.statusCode() + " " + r.body());
        }
        return Json.MAPPER.readTree(r.body());
    }

    /** The cluster's processes stopped. */
    @Override
    public void close() {
        cluster.stop(StandaloneCluster.STOP_GRACE);
    }
}
