package io.pushflow.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which checkpoint {@code jobs resume} starts a job from, over checkpoint directories laid out as Flink leaves them. */
class JobRunsTest {

    @TempDir
    Path checkpoints;

    @Test
    void the_newest_complete_checkpoint_of_the_newest_run_by_number_not_by_name() throws IOException {
        JobRuns runs = new JobRuns(checkpoints.toUri().toString());
        runs.record("delivery", "aaaa0000000000000000000000000001", 2);
        complete("aaaa0000000000000000000000000001", 3);
        complete("aaaa0000000000000000000000000001", 10);
        incomplete("aaaa0000000000000000000000000001", 11); // in progress when the JobManager died
        Files.createDirectories(
                checkpoints.resolve("aaaa0000000000000000000000000001").resolve("shared"));
        Files.createDirectories(
                checkpoints.resolve("aaaa0000000000000000000000000001").resolve("taskowned"));

        JobRuns.Resumable r = runs.resumable("delivery");

        assertThat(r.checkpoint()).isEqualTo(10);
        assertThat(r.directory())
                .isEqualTo(
                        checkpoints.resolve("aaaa0000000000000000000000000001").resolve("chk-10"));
        assertThat(r.uri()).startsWith("file:/").endsWith("/aaaa0000000000000000000000000001/chk-10/");
        assertThat(r.run().parallelism()).isEqualTo(2);
        assertThat(r.job()).isEqualTo("delivery");
    }

    @Test
    void of_several_runs_the_newest_recorded_one_even_when_an_older_one_has_higher_checkpoint_numbers()
            throws IOException {
        JobRuns runs = new JobRuns(checkpoints.toUri().toString());
        runs.record("dispatch", "0ld00000000000000000000000000000", null);
        complete("0ld00000000000000000000000000000", 57);
        runs.record("dispatch", "5ee00000000000000000000000000000", 2); // an upgrade
        complete("5ee00000000000000000000000000000", 4);
        runs.record("status", "57a00000000000000000000000000000", 1); // another job's newer run
        complete("57a00000000000000000000000000000", 9);

        JobRuns.Resumable r = runs.resumable("dispatch");

        assertThat(r.run().jobId()).isEqualTo("5ee00000000000000000000000000000");
        assertThat(r.checkpoint()).isEqualTo(4);
        assertThat(runs.runs("dispatch"))
                .extracting(JobRuns.Run::jobId)
                .containsExactly("0ld00000000000000000000000000000", "5ee00000000000000000000000000000");
        assertThat(runs.runs("dispatch").get(0).parallelism()).isNull();
    }

    @Test
    void a_newest_run_without_a_complete_checkpoint_is_an_error_naming_it_never_an_older_runs_checkpoint()
            throws IOException {
        JobRuns runs = new JobRuns(checkpoints.toString()); // a plain path is a local directory too
        runs.record("delivery", "0ld00000000000000000000000000000", 2);
        complete("0ld00000000000000000000000000000", 20);
        runs.record("delivery", "5ee00000000000000000000000000000", 2);
        incomplete("5ee00000000000000000000000000000", 1);

        assertThatThrownBy(() -> runs.resumable("delivery"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("newest run of the delivery job (job id 5ee00000000000000000000000000000")
                .hasMessageContaining("no complete checkpoint")
                .hasMessageContaining("chk-1 without _metadata")
                .hasMessageContaining("jobs start delivery --savepoint");

        runs.record(
                "delivery", "new00000000000000000000000000000", 2); // started, then lost before its first checkpoint
        assertThatThrownBy(() -> runs.resumable("delivery"))
                .hasMessageContaining("job id new00000000000000000000000000000")
                .hasMessageContaining("no chk-N directory");
    }

    @Test
    void no_recorded_run_at_all_says_how_to_start_the_job() {
        JobRuns runs = new JobRuns(checkpoints.toUri().toString());

        assertThatThrownBy(() -> runs.resumable("status"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no run of the status job is recorded in "
                        + checkpoints.resolve("pushflow-runs").resolve("status"))
                .hasMessageContaining("jobs start status");
        assertThat(runs.runs("status")).isEmpty();
    }

    @Test
    void only_local_checkpoint_directories_are_read() {
        assertThatThrownBy(() -> new JobRuns("s3://bucket/checkpoints"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("s3://bucket/checkpoints is not a local one");
    }

    private void complete(String jobId, int n) throws IOException {
        Path dir = Files.createDirectories(checkpoints.resolve(jobId).resolve("chk-" + n));
        Files.write(dir.resolve("_metadata"), new byte[] {1, 2, 3});
    }

    private void incomplete(String jobId, int n) throws IOException {
        Files.createDirectories(checkpoints.resolve(jobId).resolve("chk-" + n));
    }
}
