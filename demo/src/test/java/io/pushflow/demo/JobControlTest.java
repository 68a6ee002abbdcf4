package io.pushflow.demo;

import com.rabbitmq.client.Connection;
import io.pushflow.cluster.LocalCluster;
import io.pushflow.core.messaging.ChannelDeclarer;
import io.pushflow.core.messaging.Queues;
import io.pushflow.flink.rabbit.RabbitSettings;
import io.pushflow.store.ClickHouse;
import io.pushflow.tools.Cli;
import io.pushflow.tools.JobControl;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.runtime.client.JobStatusMessage;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code bin/pushflow jobs} against a local cluster over Flink's REST API, with the built job jar: start dispatch and
 * delivery, list them, take a savepoint, upgrade one with another parallelism, stop the other with a savepoint.
 * The jobs run in this JVM with parent-first class loading (this test's classpath already holds their classes);
 * their settings come from system properties, so they use this test's own queues and ClickHouse database.
 */
class JobControlTest {

    static final Path JOB_JAR = Path.of("..", "flink-jobs", "target", "pushflow-jobs.jar");
    static final List<String> SETTINGS = List.of("PUSHFLOW_QUEUE_PREFIX", "CLICKHOUSE_DATABASE", "STATE_BACKEND", "CHECKPOINT_DIR",
            "CHECKPOINT_INTERVAL_MS", "SAVEPOINT_DIR");

    @Test
    void jobs_are_started_listed_savepointed_upgraded_and_stopped_over_rest() throws Exception {
        assertThat(JOB_JAR).as("the job jar (mvn verify packages flink-jobs before this module's tests)").exists();
        String id = Long.toString(ThreadLocalRandom.current().nextLong(1L << 40), 36);
        Queues queues = new Queues("tjobs" + id + ".");
        Path dir = Files.createDirectories(Path.of("target", "job-control", id)).toAbsolutePath();
        System.setProperty("PUSHFLOW_QUEUE_PREFIX", queues.prefix());
        System.setProperty("CLICKHOUSE_DATABASE", "pushflow_t_" + id);
        System.setProperty("STATE_BACKEND", "hashmap");
        System.setProperty("CHECKPOINT_DIR", dir.resolve("checkpoints").toUri().toString());
        System.setProperty("CHECKPOINT_INTERVAL_MS", "500");
        Configuration conf = new Configuration();
        conf.set(CoreOptions.CLASSLOADER_RESOLVE_ORDER, "parent-first");
        MiniCluster cluster = LocalCluster.start(0, 8, conf);
        try {
            String rest = cluster.getRestAddress().get().toString();
            String savepoints = dir.resolve("savepoints").toUri().toString();

            assertThat(jobs(rest, "start", "dispatch", "delivery")).contains("started dispatch: ", "started delivery: ");
            awaitRunning(cluster, 2);
            assertThat(jobs(rest, "list")).contains("pushflow dispatch", "pushflow delivery", "RUNNING");

            String savepoint = jobs(rest, "savepoint", "dispatch", "--dir", savepoints).trim();
            assertThat(savepoint).startsWith("file:");
            assertThat(Path.of(java.net.URI.create(savepoint))).isDirectory();

            String upgraded = jobs(rest, "upgrade", "delivery", "--parallelism", "1", "--dir", savepoints);
            assertThat(upgraded).contains("stopped delivery with savepoint file:", "started delivery: ");
            awaitRunning(cluster, 2);

            assertThat(jobs(rest, "stop", "dispatch", "--dir", savepoints).trim()).startsWith("file:");
            awaitRunning(cluster, 1);
            String list = jobs(rest, "list");
            assertThat(list.lines().filter(l -> l.contains("pushflow delivery") && l.contains("RUNNING"))).hasSize(1);
            assertThat(list.lines().filter(l -> l.contains("pushflow delivery") && l.contains("FINISHED"))).hasSize(1);
            assertThat(list.lines().filter(l -> l.contains("pushflow dispatch") && l.contains("FINISHED"))).hasSize(1);
            assertThat(list.lines().filter(l -> l.contains("pushflow dispatch") && l.contains("RUNNING"))).isEmpty();
            assertThat(jobs(rest, "upgrade", "nonsense")).contains("upgrade names the job");
        } finally {
            for (JobStatusMessage job : cluster.listJobs().get()) {
                if (!job.getJobState().isGloballyTerminalState()) {
                    cluster.cancelJob(job.getJobId()).get();
                }
            }
            cluster.close();
            try (ClickHouse ch = new ClickHouse(ClickHouse.Config.fromEnvironment())) {
                ch.dropDatabase();
            }
            try (Connection connection = RabbitSettings.fromEnvironment().connectionFactory().newConnection()) {
                new ChannelDeclarer(connection.createChannel()).removeAll(queues);
            }
            SETTINGS.forEach(System::clearProperty);
        }
    }

    /** What {@code bin/pushflow jobs ARGS} prints (its errors included). */
    private static String jobs(String rest, String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        PrintStream capture = new PrintStream(buffer, true, StandardCharsets.UTF_8);
        System.setOut(capture);
        System.setErr(capture);
        try {
            String[] all = new String[args.length + 4];
            all[0] = "--rest";
            all[1] = rest;
            all[2] = "--jar";
            all[3] = JOB_JAR.toString();
            System.arraycopy(args, 0, all, 4, args.length);
            var commandLine = Cli.commandLine(new JobControl());
            commandLine.setOut(new java.io.PrintWriter(capture, true));
            commandLine.setErr(new java.io.PrintWriter(capture, true));
            commandLine.execute(all);
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
        String text = buffer.toString(StandardCharsets.UTF_8);
        out.print(text);
        return text;
    }

    private static void awaitRunning(MiniCluster cluster, int count) throws Exception {
        long deadline = System.currentTimeMillis() + 60_000;
        while (System.currentTimeMillis() < deadline) {
            Collection<JobStatusMessage> jobs = cluster.listJobs().get();
            if (jobs.stream().filter(j -> j.getJobState() == JobStatus.RUNNING).count() == count) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("not " + count + " running jobs: " + cluster.listJobs().get());
    }
}
