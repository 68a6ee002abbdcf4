package io.pushflow.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.rabbitmq.client.Connection;
import io.pushflow.cluster.ClusterSettings;
import io.pushflow.cluster.StandaloneCluster;
import io.pushflow.core.json.Json;
import io.pushflow.core.messaging.ChannelDeclarer;
import io.pushflow.core.messaging.Queues;
import io.pushflow.flink.rabbit.RabbitSettings;
import io.pushflow.store.ClickHouse;
import io.pushflow.tools.Cli;
import io.pushflow.tools.JobControl;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * {@code bin/pushflow jobs} against Flink's standalone session cluster (a JobManager and two TaskManager processes,
 * started through {@link StandaloneCluster}) over its REST API, with the built job jar: start dispatch and delivery,
 * list them, take a savepoint, upgrade one with another parallelism, stop the other with a savepoint; then kill the
 * JobManager with SIGKILL (kill -9), which without HA loses every job, restart the cluster and resume the jobs from
 * their newest retained checkpoints. The jobs read this test's queues and ClickHouse database from the environment
 * the cluster's processes are started with.
 */
class JobControlTest {

    static final Path JOB_JAR = Path.of("..", "flink-jobs", "target", "pushflow-jobs.jar");
    static final Path CLUSTER = Path.of("..", "cluster", "target");
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void jobs_are_started_savepointed_upgraded_stopped_and_resumed_after_the_jobmanager_is_killed() throws Exception {
        assertThat(JOB_JAR)
                .as("the job jar (mvn verify packages flink-jobs before this module's tests)")
                .exists();
        assertThat(CLUSTER.resolve("classpath.txt"))
                .as("the cluster's classpath (the cluster module writes it)")
                .exists();
        String id = Long.toString(ThreadLocalRandom.current().nextLong(1L << 40), 36);
        Queues queues = new Queues("tjobs" + id + ".");
        String database = "pushflow_t_" + id;
        Path dir = Files.createDirectories(Path.of("target", "job-control", id)).toAbsolutePath();
        String checkpoints = dir.resolve("checkpoints").toUri().toString();
        String savepoints = dir.resolve("savepoints").toUri().toString();
        ClusterSettings settings = ClusterSettings.fromEnvironment(dir.resolve("cluster"))
                .withSize(2, 2)
                .withPorts(0, 0)
                .withDirectories(checkpoints, savepoints)
                .withClasspath(CLUSTER.resolve("classes").toAbsolutePath() + ":"
                        + Files.readString(CLUSTER.resolve("classpath.txt")).trim())
                .withEnvironment(Map.of(
                        "PUSHFLOW_QUEUE_PREFIX",
                        queues.prefix(),
                        "CLICKHOUSE_DATABASE",
                        database,
                        "STATE_BACKEND",
                        "hashmap",
                        "CHECKPOINT_DIR",
                        checkpoints,
                        "CHECKPOINT_INTERVAL_MS",
                        "500",
                        "SAVEPOINT_DIR",
                        savepoints));
        StandaloneCluster cluster = new StandaloneCluster(settings, System.out);
        // the processes outlive this JVM unless stopped: also when the run is interrupted
        Thread stopOnExit = new Thread(() -> cluster.stop(Duration.ofSeconds(10)));
        Runtime.getRuntime().addShutdownHook(stopOnExit);
        try {
            String rest = cluster.start(StandaloneCluster.START_TIMEOUT);
            assertThat(cluster.status().rest().orElseThrow().taskManagers()).isEqualTo(2);

            assertThat(jobs(rest, checkpoints, "start", "dispatch", "delivery", "--parallelism", "2"))
                    .contains("started dispatch: ", "started delivery: ");
            awaitRunning(rest, 2);
            assertThat(jobs(rest, checkpoints, "list")).contains("pushflow dispatch", "pushflow delivery", "RUNNING");

            String savepoint = jobs(rest, checkpoints, "savepoint", "dispatch", "--dir", savepoints)
                    .trim();
            assertThat(savepoint).startsWith("file:");
            assertThat(Path.of(URI.create(savepoint))).isDirectory();

            String upgraded = jobs(rest, checkpoints, "upgrade", "delivery", "--parallelism", "1", "--dir", savepoints);
            assertThat(upgraded).contains("stopped delivery with savepoint file:", "started delivery: ");
            awaitRunning(rest, 2);

            assertThat(jobs(rest, checkpoints, "stop", "dispatch", "--dir", savepoints)
                            .trim())
                    .startsWith("file:");
            awaitRunning(rest, 1);
            String list = jobs(rest, checkpoints, "list");
            assertThat(list.lines().filter(l -> l.contains("pushflow delivery") && l.contains("RUNNING")))
                    .hasSize(1);
            assertThat(list.lines().filter(l -> l.contains("pushflow delivery") && l.contains("FINISHED")))
                    .hasSize(1);
            assertThat(list.lines().filter(l -> l.contains("pushflow dispatch") && l.contains("FINISHED")))
                    .hasSize(1);
            assertThat(list.lines().filter(l -> l.contains("pushflow dispatch") && l.contains("RUNNING")))
                    .isEmpty();
            assertThat(jobs(rest, checkpoints, "upgrade", "nonsense")).contains("upgrade names the job");

            // dispatch again, so the cluster runs a job started by start and one started by upgrade when its JobManager
            // dies
            assertThat(jobs(rest, checkpoints, "start", "dispatch", "--parallelism", "2"))
                    .contains("started dispatch: ");
            Map<String, String> before = awaitRunning(rest, 2);
            assertThat(jobs(rest, checkpoints, "resume", "dispatch"))
                    .contains("dispatch runs already (" + before.get("pushflow dispatch") + ")");

            long jobManager = cluster.jobManagerPid().orElseThrow();
            ProcessHandle.of(jobManager).orElseThrow().destroyForcibly(); // SIGKILL: kill -9
            awaitGone(jobManager);
            cluster.stop(StandaloneCluster.STOP_GRACE); // the TaskManagers, which outlive their JobManager
            Map<String, Path> expected = new LinkedHashMap<>();
            for (Map.Entry<String, String> job : before.entrySet()) {
                expected.put(
                        job.getKey(), newestComplete(dir.resolve("checkpoints").resolve(job.getValue())));
            }

            rest = cluster.start(StandaloneCluster.START_TIMEOUT);
            assertThat(jobs(rest, checkpoints, "list").lines().filter(l -> l.contains("pushflow")))
                    .as("a JobManager without HA starts with no jobs")
                    .isEmpty();
            assertThat(jobs(rest, checkpoints, "resume"))
                    .as("status never ran: nothing is resumed")
                    .contains("nothing resumed", "no run of the status job is recorded");
            assertThat(jobs(rest, checkpoints, "list").lines().filter(l -> l.contains("pushflow")))
                    .isEmpty();

            String resumed = jobs(rest, checkpoints, "resume", "dispatch", "delivery");
            assertThat(resumed).contains("resumed dispatch: ", "resumed delivery: ", "parallelism 2", "parallelism 1");
            Map<String, String> after = awaitRunning(rest, 2);
            for (Map.Entry<String, String> job : after.entrySet()) {
                JsonNode restored = get(rest, "/jobs/" + job.getValue() + "/checkpoints")
                        .path("latest")
                        .path("restored");
                assertThat(Path.of(URI.create(
                                restored.path("external_path").asText().replaceFirst("^file:/+", "file:///"))))
                        .as(job.getKey() + " restored from its newest run's newest complete checkpoint")
                        .isEqualTo(expected.get(job.getKey()));
            }
            assertThat(get(rest, "/jobs/" + after.get("pushflow delivery"))
                            .path("vertices")
                            .findValuesAsText("parallelism"))
                    .as("delivery resumed with the parallelism of its upgrade")
                    .contains("1")
                    .doesNotContain("2");
        } finally {
            cluster.stop(StandaloneCluster.STOP_GRACE);
            Runtime.getRuntime().removeShutdownHook(stopOnExit);
            try (ClickHouse ch =
                    new ClickHouse(ClickHouse.Config.fromEnvironment().withDatabase(database))) {
                ch.dropDatabase();
            }
            try (Connection connection =
                    RabbitSettings.fromEnvironment().connectionFactory().newConnection()) {
                new ChannelDeclarer(connection.createChannel()).removeAll(queues);
            }
        }
    }

    /** What {@code bin/pushflow jobs ARGS} prints (its errors included). */
    private static String jobs(String rest, String checkpoints, String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        PrintStream capture = new PrintStream(buffer, true, StandardCharsets.UTF_8);
        System.setOut(capture);
        System.setErr(capture);
        try {
            List<String> all =
                    new ArrayList<>(List.of("--rest", rest, "--jar", JOB_JAR.toString(), "--checkpoints", checkpoints));
            all.addAll(List.of(args));
            var commandLine = Cli.commandLine(new JobControl());
            commandLine.setOut(new PrintWriter(capture, true));
            commandLine.setErr(new PrintWriter(capture, true));
            commandLine.execute(all.toArray(String[]::new));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
        String text = buffer.toString(StandardCharsets.UTF_8);
        out.print(text);
        return text;
    }

    /**
     * Waits until exactly {@code count} jobs run and each has completed a checkpoint (so every task of it runs);
     * their ids by name.
     */
    private static Map<String, String> awaitRunning(String rest, int count) {
        AtomicReference<Map<String, String>> found = new AtomicReference<>();
        await().atMost(Duration.ofSeconds(180))
                .pollDelay(Duration.ZERO)
                .pollInterval(Duration.ofMillis(250))
                .untilAsserted(() -> {
                    JsonNode jobs = get(rest, "/jobs/overview").path("jobs");
                    Map<String, String> running = new LinkedHashMap<>();
                    boolean checkpointed = true;
                    for (JsonNode j : jobs) {
                        if (j.path("state").asText().equals("RUNNING")) {
                            running.put(j.path("name").asText(), j.path("jid").asText());
                            checkpointed &= get(rest, "/jobs/" + j.path("jid").asText() + "/checkpoints")
                                            .path("counts")
                                            .path("completed")
                                            .asInt()
                                    > 0;
                        }
                    }
                    assertThat(running).as("running jobs: %s", jobs).hasSize(count);
                    assertThat(checkpointed)
                            .as("each running job has completed a checkpoint: %s", jobs)
                            .isTrue();
                    found.set(running);
                });
        return found.get();
    }

    private static void awaitGone(long pid) {
        await("the JobManager (pid " + pid + ") gone after SIGKILL")
                .atMost(Duration.ofSeconds(30))
                .pollDelay(Duration.ZERO)
                .pollInterval(Duration.ofMillis(100))
                .until(() -> !ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
    }

    /** The job's chk-N directory with the highest N that has its _metadata (what a resume must pick). */
    private static Path newestComplete(Path jobDir) throws IOException {
        try (Stream<Path> children = Files.list(jobDir)) {
            return children.filter(d -> d.getFileName().toString().matches("chk-\\d+")
                            && Files.isRegularFile(d.resolve("_metadata")))
                    .max(Comparator.comparingLong(
                            d -> Long.parseLong(d.getFileName().toString().substring(4))))
                    .orElseThrow(() -> new AssertionError("no complete checkpoint in " + jobDir));
        }
    }

    private static JsonNode get(String rest, String path) throws IOException, InterruptedException {
        HttpResponse<String> r = HTTP.send(
                HttpRequest.newBuilder(URI.create(rest + path))
                        .timeout(Duration.ofSeconds(10))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as("GET " + path + ": " + r.body()).isEqualTo(200);
        return Json.MAPPER.readTree(r.body());
    }
}
