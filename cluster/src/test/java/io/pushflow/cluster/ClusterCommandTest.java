package io.pushflow.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line, and the commands that need no running cluster. */
class ClusterCommandTest {

    @TempDir
    Path dir;

    private record Outcome(int exitCode, String out, String err) {}

    private Outcome run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = ClusterCommand.run(
                args,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Outcome(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void help_and_bad_arguments() {
        assertThat(run("--help").exitCode()).isZero();
        assertThat(run("--help").out())
                .contains("start [--taskmanagers N] [--slots S]", "add-taskmanager", "FLINK_TM_MEMORY");
        assertThat(run().exitCode()).isEqualTo(2);
        assertThat(run("--state-dir", dir.toString()).err()).contains("name a command first");

        Outcome zero = run("start", "--taskmanagers", "0", "--state-dir", dir.toString());
        assertThat(zero.exitCode()).isEqualTo(2);
        assertThat(zero.err()).contains("--taskmanagers must be at least 1");
        assertThat(run("start", "--slots", "many", "--state-dir", dir.toString())
                        .err())
                .contains("--slots takes a number, not 'many'");
        assertThat(run("start", "--slots").err()).contains("--slots needs a value");
        assertThat(run("status").err()).contains("--state-dir is missing");
        assertThat(run("status", "--slots", "2", "--state-dir", dir.toString()).err())
                .contains("apply to start only");
        assertThat(run("restart", "--state-dir", dir.toString()).err()).contains("unknown command restart");
    }

    @Test
    void without_a_cluster_status_and_stop_say_so_and_add_taskmanager_fails() throws Exception {
        Files.writeString(dir.resolve("taskmanager-1.pid"), "999999999\n"); // left by a cluster long gone

        Outcome status = run("status", "--state-dir", dir.toString());
        assertThat(status.exitCode()).isZero();
        assertThat(status.out()).contains("taskmanager-1", "not running");

        Outcome stop = run("stop", "--state-dir", dir.toString());
        assertThat(stop.exitCode()).isZero();
        assertThat(stop.out()).contains("no process of the cluster in " + dir.toAbsolutePath() + " runs");
        assertThat(dir.resolve("taskmanager-1.pid")).doesNotExist();

        Outcome add = run("add-taskmanager", "--state-dir", dir.toString());
        assertThat(add.exitCode()).isEqualTo(1);
        assertThat(add.err()).contains("no JobManager runs from", "bin/pushflow cluster start");
    }
}
