package io.pushflow.tools;

import com.fasterxml.jackson.databind.JsonNode;
import io.pushflow.core.json.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code bin/pushflow jobs}: the three jobs on a Flink cluster through its REST API ({@code FLINK_REST}): start
 * them from the job jar (optionally from a savepoint), list them with their last checkpoint, take a savepoint,
 * stop with a savepoint, upgrade (stop with a savepoint, then start the jar again from it), and resume them from
 * their retained checkpoints after a restart of the cluster. Every submission is recorded by job name beside the
 * checkpoints ({@link JobRuns}), which is how {@code resume} finds them.
 */
@Command(
        name = "jobs",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description =
                "Start, list, savepoint, stop, upgrade and resume the pushflow jobs on a Flink cluster (FLINK_REST).",
        footer = {
            "",
            "bin/pushflow jobs migrate SAVEPOINT NEW-DIR rewrites a savepoint of an earlier version whose stored types"
                    + " changed (the migrations module); start the job from NEW-DIR."
        },
        subcommands = {
            JobControl.Start.class,
            JobControl.ListJobs.class,
            JobControl.Savepoint.class,
            JobControl.Stop.class,
            JobControl.Upgrade.class,
            JobControl.Resume.class
        })
public final class JobControl implements Runnable {

    static final List<String> JOBS = List.of("dispatch", "delivery", "status");
    private static final Duration CALL = Duration.ofSeconds(60);

    @Option(
            names = "--rest",
            paramLabel = "URL",
            description = "the cluster's REST address (default: ${DEFAULT-VALUE})")
    String rest = Cli.env("FLINK_REST", "http://localhost:8081");

    @Option(names = "--jar", paramLabel = "FILE", description = "the job jar (default: ${DEFAULT-VALUE})")
    Path jar = Path.of(Cli.env("PUSHFLOW_JOB_JAR", "flink-jobs/target/pushflow-jobs.jar"));

    @Option(
            names = "--checkpoints",
            paramLabel = "URI",
            description = "the jobs' CHECKPOINT_DIR, where their runs are recorded (default: ${DEFAULT-VALUE})")
    String checkpoints = Cli.env("CHECKPOINT_DIR", "file:///tmp/pushflow/checkpoints");

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public static void main(String[] args) {
        Cli.main(new JobControl(), args);
    }

    @Override
    public void run() {
        System.out.println("name a command: start, list, savepoint, stop, upgrade, resume, migrate (--help)");
    }

    @Command(
            name = "start",
            mixinStandardHelpOptions = true,
            description = "Upload the job jar and run jobs (all three by default).")
    static final class Start implements Callable<Integer> {
        @CommandLine.ParentCommand
        JobControl parent;

        @Parameters(arity = "0..*", paramLabel = "JOB", description = "dispatch, delivery, status (default: all)")
        List<String> jobs = JOBS;

        @Option(names = "--savepoint", paramLabel = "PATH", description = "start from this savepoint (one job only)")
        String savepoint;

        @Option(names = "--allow-non-restored-state", description = "skip savepoint state that no operator claims")
        boolean allowNonRestored;

        @Option(
                names = "--parallelism",
                paramLabel = "N",
                description = "the jobs' parallelism (default: the cluster's)")
        Integer parallelism;

        @Override
        public Integer call() throws Exception {
            if (savepoint != null && jobs.size() != 1) {
                throw new IllegalArgumentException("--savepoint restores one job: name it");
            }
            String jarId = parent.upload();
            for (String job : jobs) {
                String id = parent.submit(jarId, job, savepoint, allowNonRestored, parallelism);
                System.out.println("started " + job + ": " + id + (savepoint == null ? "" : " from " + savepoint));
            }
            return 0;
        }
    }

    @Command(
            name = "list",
            mixinStandardHelpOptions = true,
            description = "The cluster's jobs with their state and last checkpoint.")
    static final class ListJobs implements Callable<Integer> {
        @CommandLine.ParentCommand
        JobControl parent;

        @Override
        public Integer call() throws Exception {
            System.out.printf("%-34s %-20s %-10s %-10s %s%n", "id", "name", "state", "duration", "last checkpoint");
            for (JsonNode j : parent.get("/jobs/overview").path("jobs")) {
                JsonNode last = parent.get("/jobs/" + j.path("jid").asText() + "/checkpoints")
                        .path("latest")
                        .path("completed");
                String checkpoint = last.isMissingNode() || last.isNull()
                        ? "-"
                        : "#" + last.path("id").asText() + " at "
                                + Instant.ofEpochMilli(
                                        last.path("latest_ack_timestamp").asLong()) + " "
                                + last.path("external_path").asText("");
                System.out.printf(
                        "%-34s %-20s %-10s %-10s %s%n",
                        j.path("jid").asText(),
                        j.path("name").asText(),
                        j.path("state").asText(),
                        Duration.ofMillis(j.path("duration").asLong()).toSeconds() + "s",
                        checkpoint);
            }
            return 0;
        }
    }

    @Command(
            name = "savepoint",
            mixinStandardHelpOptions = true,
            description = "Take a savepoint of a running job; prints where it is.")
    static final class Savepoint implements Callable<Integer> {
        @CommandLine.ParentCommand
        JobControl parent;

        @Parameters(paramLabel = "JOB", description = "a job id, or dispatch, delivery, status")
        String job;

        @CommandLine.Mixin
        SavepointDir savepoints;

        @Override
        public Integer call() throws Exception {
            String id = parent.jobId(job);
            System.out.println(parent.await(
                    id,
                    parent.post(
                            "/jobs/" + id + "/savepoints",
                            Map.of("target-directory", savepoints.dir, "cancel-job", false))));
            return 0;
        }
    }

    @Command(
            name = "stop",
            mixinStandardHelpOptions = true,
            description = "Stop a job with a savepoint; prints where it is.")
    static final class Stop implements Callable<Integer> {
        @CommandLine.ParentCommand
        JobControl parent;

        @Parameters(paramLabel = "JOB", description = "a job id, or dispatch, delivery, status")
        String job;

        @CommandLine.Mixin
        SavepointDir savepoints;

        @Override
        public Integer call() throws Exception {
            System.out.println(parent.stop(parent.jobId(job), savepoints.dir));
            return 0;
        }
    }

    @Command(
            name = "upgrade",
            mixinStandardHelpOptions = true,
            description = "Stop a job with a savepoint and start the (new) job jar from it.")
    static final class Upgrade implements Callable<Integer> {
        @CommandLine.ParentCommand
        JobControl parent;

        @Parameters(paramLabel = "JOB", description = "dispatch, delivery or status")
        String job;

        @CommandLine.Mixin
        SavepointDir savepoints;

        @Option(
                names = "--allow-non-restored-state",
                description = "skip savepoint state that no operator of the new version claims")
        boolean allowNonRestored;

        @Option(names = "--parallelism", paramLabel = "N", description = "the new version's parallelism")
        Integer parallelism;

        @Override
        public Integer call() throws Exception {
            if (!JOBS.contains(job)) {
                throw new IllegalArgumentException("upgrade names the job: dispatch, delivery or status");
            }
            String savepoint = parent.stop(parent.jobId(job), savepoints.dir);
            System.out.println("stopped " + job + " with savepoint " + savepoint);
            String id = parent.submit(parent.upload(), job, savepoint, allowNonRestored, parallelism);
            System.out.println("started " + job + ": " + id + " from " + savepoint);
            return 0;
        }
    }

    @Command(
            name = "resume",
            mixinStandardHelpOptions = true,
            description = {
                "Start jobs again from the newest complete checkpoint of their newest run (all three by default).",
                "Without JobManager HA a JobManager that stops loses its jobs: after the cluster is back, this brings them back.",
                "A job that runs already is left alone; nothing starts while any named job has no checkpoint to resume from."
            })
    static final class Resume implements Callable<Integer> {
        @CommandLine.ParentCommand
        JobControl parent;

        @Parameters(arity = "0..*", paramLabel = "JOB", description = "dispatch, delivery, status (default: all)")
        List<String> jobs = JOBS;

        @Option(
                names = "--allow-non-restored-state",
                description = "skip checkpoint state that no operator of the current jar claims")
        boolean allowNonRestored;

        @Option(
                names = "--parallelism",
                paramLabel = "N",
                description = "the jobs' parallelism (default: what their last run was started with)")
        Integer parallelism;

        @Override
        public Integer call() throws Exception {
            for (String job : jobs) {
                if (!JOBS.contains(job)) {
                    throw new IllegalArgumentException("unknown job '" + job + "': dispatch, delivery or status");
                }
            }
            JobRuns runs = new JobRuns(parent.checkpoints);
            Map<String, String> active = parent.activeJobs();
            List<JobRuns.Resumable> resume = new ArrayList<>();
            List<String> problems = new ArrayList<>();
            for (String job : jobs) {
                if (active.containsKey(job)) {
                    System.out.println(job + " runs already (" + active.get(job) + "): not resumed");
                    continue;
                }
                try {
                    resume.add(runs.resumable(job));
                } catch (IllegalStateException e) {
                    problems.add(e.getMessage());
                }
            }
            if (!problems.isEmpty()) {
                throw new IllegalStateException("nothing resumed: " + String.join("; ", problems));
            }
            if (resume.isEmpty()) {
                return 0;
            }
            String jarId = parent.upload();
            for (JobRuns.Resumable r : resume) {
                Integer p = parallelism != null ? parallelism : r.run().parallelism();
                String id = parent.submit(jarId, r.job(), r.uri(), allowNonRestored, p);
                System.out.println("resumed " + r.job() + ": " + id + " from checkpoint " + r.checkpoint() + " of job "
                        + r.run().jobId() + " (submitted " + r.run().submitted() + ") at " + r.uri()
                        + (p == null ? "" : ", parallelism " + p));
            }
            return 0;
        }
    }

    /** Where savepoints go, for every command that takes one. */
    static final class SavepointDir {
        @Option(names = "--dir", paramLabel = "URI", description = "where savepoints go (default: ${DEFAULT-VALUE})")
        String dir = Cli.env("SAVEPOINT_DIR", "file:///tmp/pushflow/savepoints");
    }

    /** Runs the job from the uploaded jar and records the run beside the checkpoints; its job id. */
    String submit(String jarId, String job, String savepoint, boolean allowNonRestored, Integer parallelism)
            throws IOException, InterruptedException {
        String id = runJar(jarId, job, savepoint, allowNonRestored, parallelism);
        try {
            new JobRuns(checkpoints).record(job, id, parallelism);
        } catch (IllegalArgumentException e) {
            System.err.println("warning: the run of " + job + " is not recorded, so jobs resume will not know it: "
                    + e.getMessage());
        }
        return id;
    }

    /** The jobs on the cluster that have not ended, by name (dispatch, delivery, status): their ids. */
    Map<String, String> activeJobs() throws IOException, InterruptedException {
        Map<String, String> active = new LinkedHashMap<>();
        for (JsonNode j : get("/jobs/overview").path("jobs")) {
            String name = j.path("name").asText();
            String state = j.path("state").asText();
            if (name.startsWith("pushflow ")
                    && !List.of("FINISHED", "CANCELED", "FAILED").contains(state)) {
                active.put(name.substring("pushflow ".length()), j.path("jid").asText());
            }
        }
        return active;
    }

    String stop(String id, String dir) throws IOException, InterruptedException {
        return await(id, post("/jobs/" + id + "/stop", Map.of("targetDirectory", dir, "drain", false)));
    }

    /** A running job by id, or the running job called {@code pushflow <name>}. */
    String jobId(String job) throws IOException, InterruptedException {
        if (!JOBS.contains(job)) {
            return job;
        }
        List<String> running = new ArrayList<>();
        for (JsonNode j : get("/jobs/overview").path("jobs")) {
            if (j.path("name").asText().equals("pushflow " + job)
                    && j.path("state").asText().equals("RUNNING")) {
                running.add(j.path("jid").asText());
            }
        }
        if (running.size() != 1) {
            throw new IllegalStateException(
                    running.size() + " running jobs are called 'pushflow " + job + "': name one by id (jobs list)");
        }
        return running.get(0);
    }

    /** Polls a savepoint operation until it completes; its location. */
    String await(String job, JsonNode trigger) throws IOException, InterruptedException {
        String request = trigger.path("request-id").asText();
        long deadline = System.currentTimeMillis() + 600_000;
        while (System.currentTimeMillis() < deadline) {
            JsonNode s = get("/jobs/" + job + "/savepoints/" + request);
            if (s.path("status").path("id").asText().equals("COMPLETED")) {
                JsonNode op = s.path("operation");
                if (op.has("failure-cause")) {
                    throw new IllegalStateException("the savepoint failed: "
                            + op.path("failure-cause")
                                    .path("stack-trace")
                                    .asText()
                                    .lines()
                                    .findFirst()
                                    .orElse(""));
                }
                return op.path("location").asText();
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException("the savepoint of " + job + " did not complete in 10 minutes");
    }

    String upload() throws IOException, InterruptedException {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("no job jar at " + jar.toAbsolutePath()
                    + ": build it (mvn -pl flink-jobs -am package -DskipTests)");
        }
        String boundary = "pushflow-" + UUID.randomUUID();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"jarfile\"; filename=\""
                        + jar.getFileName() + "\"\r\nContent-Type: application/x-java-archive\r\n\r\n")
                .getBytes(StandardCharsets.UTF_8));
        body.write(Files.readAllBytes(jar));
        body.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        JsonNode answer = send(HttpRequest.newBuilder(uri("/jars/upload"))
                .timeout(CALL)
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())));
        String file = answer.path("filename").asText();
        return file.substring(file.lastIndexOf('/') + 1);
    }

    String runJar(String jarId, String job, String savepoint, boolean allowNonRestored, Integer parallelism)
            throws IOException, InterruptedException {
        if (!JOBS.contains(job)) {
            throw new IllegalArgumentException("unknown job '" + job + "': dispatch, delivery or status");
        }
        Map<String, Object> run = new LinkedHashMap<>();
        run.put("entryClass", "io.pushflow.flink.Jobs");
        run.put("programArgsList", List.of(job));
        if (savepoint != null) {
            run.put("savepointPath", savepoint);
            run.put("allowNonRestoredState", allowNonRestored);
        }
        if (parallelism != null) {
            run.put("parallelism", parallelism);
        }
        return post("/jars/" + jarId + "/run", run).path("jobid").asText();
    }

    JsonNode get(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(uri(path)).timeout(CALL).GET());
    }

    JsonNode post(String path, Object body) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(uri(path))
                .timeout(CALL)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(Json.write(body))));
    }

    private JsonNode send(HttpRequest.Builder request) throws IOException, InterruptedException {
        HttpResponse<String> r;
        try {
            r = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (ConnectException e) {
            throw new IllegalStateException(
                    "no Flink cluster answers at " + rest + " (start one: bin/pushflow cluster; or set FLINK_REST)", e);
        }
        if (r.statusCode() / 100 != 2) {
            throw new IllegalStateException("Flink answered " + r.statusCode() + " to "
                    + request.build().uri().getPath() + ": " + r.body());
        }
        return Json.MAPPER.readTree(r.body());
    }

    private URI uri(String path) {
        return URI.create(rest.replaceAll("/$", "") + path);
    }
}
