package io.pushflow.bench.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushflow.demo.AdminProcess;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;

/**
 * The chaos suite, short: two rounds of a bandit campaign to 3,000 users on Flink's standalone cluster (a JobManager
 * and two TaskManager processes) with the admin service's built jar as a process and the provider simulator, the
 * faults chosen, not drawn: a TaskManager killed with SIGKILL (and replaced), then the provider answering 503 for a
 * while with a pause and resume by the marketer in the middle of it. Each round must pass every check of
 * the chaos suite's round: COMPLETED, one outcome row per member, nobody reached twice, the statistics equal to the
 * provider's ledger, the jobs running, no dead letter. About 4 minutes.
 */
class ChaosTest {

    private static final Path CLUSTER = Path.of("..", "cluster", "target");
    private static final Path JOB_JAR = Path.of("..", "flink-jobs", "target", "pushflow-jobs.jar");

    @Test
    void a_taskmanager_killed_and_a_provider_outage_with_a_pause_leave_everyone_exactly_one_outcome() throws Exception {
        assertThat(JOB_JAR)
                .as("the job jar (mvn verify packages flink-jobs before this module's tests)")
                .exists();
        String id = Long.toString(ThreadLocalRandom.current().nextLong(1L << 40), 36);
        Path work = Files.createDirectories(Path.of("target", "chaos", id)).toAbsolutePath();
        try (AdminProcess admin = new AdminProcess("chaos:chaos-pw:admin")) {
            Map<String, String> opts = new LinkedHashMap<>();
            opts.put("url", admin.url);
            opts.put("user", "chaos");
            opts.put("password", "chaos-pw");
            opts.put("database", admin.database);
            opts.put("queue-prefix", admin.prefix);
            opts.put("simulator-port", Integer.toString(freePort()));
            opts.put("app-id", "pushflow-chaos-test");
            opts.put("app-key", "chaos-test-key");
            opts.put(
                    "cluster-classpath",
                    CLUSTER.resolve("classes").toAbsolutePath() + ":"
                            + Files.readString(CLUSTER.resolve("classpath.txt")).trim());
            opts.put("job-jar", JOB_JAR.toAbsolutePath().toString());
            opts.put("flink-port", Integer.toString(freePort()));
            opts.put("work-dir", work.toString());
            opts.put("services", Path.of("..", "bin", "pushflow").toAbsolutePath() + " services");
            opts.put("users", "3000");
            opts.put("window", "40");
            opts.put("seed", "18");
            opts.put("plan", "taskmanager;provider-5xx+pause");
            opts.put("out", work.resolve("chaos.json").toString());

            Map<String, Object> result = ChaosBench.run(opts, System.out);

            assertThat(result.get("rounds")).isEqualTo(2);
            assertThat(result.get("duplicates"))
                    .as("pushes that reached someone twice")
                    .isEqualTo(0L);
            assertThat(result.get("missing"))
                    .as("members without an outcome row")
                    .isEqualTo(0L);
            assertThat(result.get("failedSeeds"))
                    .as("failed rounds (their logs in %s)", work)
                    .isEqualTo(List.of());
            @SuppressWarnings("unchecked")
            Map<String, Object> perKind = (Map<String, Object>) result.get("perKind");
            assertThat(perKind).containsKeys("taskmanager", "provider-5xx", "pause");
            assertThat(work.resolve("chaos.json")).exists();
        }
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
