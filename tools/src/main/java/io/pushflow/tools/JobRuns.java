package io.pushflow.tools;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Which job id ran which job, kept beside the checkpoints: a job's checkpoints lie in {@code CHECKPOINT_DIR/<job
 * id>/chk-N}, and a job id alone does not say whether it was the dispatch, delivery or status job. Every submission
 * ({@code jobs start}, {@code upgrade}, {@code resume}) appends a line {@code <time> <job id> <parallelism or ->} to
 * {@code CHECKPOINT_DIR/pushflow-runs/<job>}, so after a JobManager without HA lost its jobs, {@code jobs resume}
 * finds each job's newest run and that run's newest complete checkpoint (one with its {@code _metadata}).
 * Only local ({@code file:}) checkpoint directories are read.
 */
final class JobRuns {

    /** One submission of a job: when, its job id, and the parallelism asked for (null: the cluster's default). */
    record Run(Instant submitted, String jobId, Integer parallelism) {}

    /** The checkpoint a job resumes from: the newest complete one of its newest run. */
    record Resumable(String job, Run run, long checkpoint, Path directory) {
        String uri() {
            return directory.toUri().toString();
        }
    }

    static final String DIRECTORY = "pushflow-runs";
    private static final Pattern CHECKPOINT = Pattern.compile("chk-(\\d+)");

    private final Path checkpoints;

    /** @param checkpointDir the jobs' {@code CHECKPOINT_DIR}: a {@code file:} URI or a local path */
    JobRuns(String checkpointDir) {
        this.checkpoints = localDirectory(checkpointDir);
    }

    static Path localDirectory(String checkpointDir) {
        URI uri = URI.create(checkpointDir);
        if (uri.getScheme() == null) {
            return Path.of(checkpointDir);
        }
        if (!uri.getScheme().equals("file")) {
            throw new IllegalArgumentException(
                    "the checkpoint directory " + checkpointDir + " is not a local one (file:): bin/pushflow jobs "
                            + "reads its runs and checkpoints itself, so it knows only local directories");
        }
        return Path.of(uri);
    }

    void record(String job, String jobId, Integer parallelism) {
        Path file = file(job);
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(
                    file,
                    Instant.now() + " " + jobId + " " + (parallelism == null ? "-" : parallelism) + "\n",
                    StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot record the run of " + job + " in " + file, e);
        }
    }

    /** Every recorded run of the job, oldest first. */
    List<Run> runs(String job) {
        Path file = file(job);
        if (!Files.isRegularFile(file)) {
            return List.of();
        }
        List<Run> runs = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                String[] f = line.trim().split(" ");
                if (f.length == 3) {
                    runs.add(new Run(Instant.parse(f[0]), f[1], f[2].equals("-") ? null : Integer.valueOf(f[2])));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return runs;
    }

    /**
     * The newest complete checkpoint of the job's newest run. Never one of an older run: its state is older than what
     * the newest run did since, so resuming there could send its pushes again.
     */
    Resumable resumable(String job) {
        List<Run> runs = runs(job);
        if (runs.isEmpty()) {
            throw new IllegalStateException("no run of the " + job + " job is recorded in " + file(job)
                    + " (jobs start, upgrade and resume record "
                    + "each one): start it afresh with 'jobs start " + job + "', or from a checkpoint with 'jobs start "
                    + job
                    + " --savepoint " + checkpoints.toUri() + "<job id>/chk-N'");
        }
        Run newest = runs.get(runs.size() - 1);
        Path dir = checkpoints.resolve(newest.jobId());
        List<Path> candidates = checkpointDirectories(dir);
        Optional<Path> complete = candidates.stream()
                .filter(d -> Files.isRegularFile(d.resolve("_metadata")))
                .findFirst();
        if (complete.isEmpty()) {
            throw new IllegalStateException("the newest run of the " + job + " job (job id " + newest.jobId()
                    + ", submitted " + newest.submitted()
                    + ") has no complete checkpoint in " + dir
                    + (candidates.isEmpty()
                            ? " (no chk-N directory)"
                            : " ("
                                    + String.join(
                                            ", ",
                                            candidates.stream()
                                                    .map(d -> d.getFileName().toString())
                                                    .toList())
                                    + " without _metadata)")
                    + "; a job stopped with a savepoint keeps none: start it from its savepoint with 'jobs start " + job
                    + " --savepoint PATH'");
        }
        return new Resumable(job, newest, number(complete.get()), complete.get());
    }

    /** The job's chk-N directories, the highest N first. */
    private static List<Path> checkpointDirectories(Path jobDir) {
        if (!Files.isDirectory(jobDir)) {
            return List.of();
        }
        try (Stream<Path> children = Files.list(jobDir)) {
            return children.filter(Files::isDirectory)
                    .filter(d -> CHECKPOINT.matcher(d.getFileName().toString()).matches())
                    .sorted(Comparator.comparingLong(JobRuns::number).reversed())
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static long number(Path checkpoint) {
        Matcher m = CHECKPOINT.matcher(checkpoint.getFileName().toString());
        if (!m.matches()) {
            throw new IllegalArgumentException(checkpoint + " is no chk-N directory");
        }
        return Long.parseLong(m.group(1));
    }

    private Path file(String job) {
        return checkpoints.resolve(DIRECTORY).resolve(job);
    }
}
