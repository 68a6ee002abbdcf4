package io.pushflow.bench;

import io.pushflow.tools.AdminServiceProcess;
import io.pushflow.tools.Cli;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The machine the benchmarks run on, as {@code bin/pushflow} leaves it to them: the project's root (the working
 * directory, where bench-results/ lands), its state directory, the services' settings in the environment, the built
 * jars, free ports, the local services' processes, and programs of this classpath started as JVMs of their own.
 */
final class BenchHost {

    static final String USER = "bench";
    static final String PASSWORD = "bench-pw";

    final Path root = Path.of("").toAbsolutePath();

    final PrintStream out = System.out;

    Path adminJar() {
        return root.resolve("admin-service/target/pushflow-admin.jar");
    }

    Path jobJar() {
        return root.resolve("flink-jobs/target/pushflow-jobs.jar");
    }

    /** The standalone cluster's processes' classpath: Flink alone, as the cluster module writes it. */
    String clusterClasspath() {
        Path target = root.resolve("cluster/target");
        try {
            return target.resolve("classes") + ":"
                    + Files.readString(target.resolve("classpath.txt")).trim();
        } catch (IOException e) {
            throw new UncheckedIOException("no " + target.resolve("classpath.txt") + ": build the cluster module", e);
        }
    }

    Duration waitTimeout() {
        return Duration.ofSeconds(Long.parseLong(Cli.env("PUSHFLOW_WAIT_TIMEOUT", "60")));
    }

    Path stateDir(String name) throws IOException {
        return Files.createDirectories(Cli.stateDir()).resolve(name);
    }

    /** The first port from {@code from} on that nothing listens on locally. */
    int freePort(int from) {
        return AdminServiceProcess.freePort(from);
    }

    /** {@code bin/pushflow services up}: the services reachable, the databases and the schema made. */
    void servicesUp() throws IOException, InterruptedException {
        int rc = new ProcessBuilder(root.resolve("bin/pushflow").toString(), "services", "up")
                .inheritIO()
                .start()
                .waitFor();
        if (rc != 0) {
            throw new IllegalStateException("bin/pushflow services up failed (exit " + rc + ", messages above)");
        }
    }

    /**
     * A program of this classpath in a JVM of its own (a benchmark may call System.exit, and its memory stays its own),
     * with this JVM's options, in the project root, its output here; its exit code.
     */
    int runJava(String mainClass, List<String> args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(java()));
        command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass));
        command.addAll(args);
        Process p =
                new ProcessBuilder(command).directory(root.toFile()).inheritIO().start();
        try {
            return p.waitFor();
        } finally {
            p.destroy();
        }
    }

    /** Asks the process to stop, and kills it when it has not within {@code grace}. */
    static void stop(Process process, Duration grace) {
        process.destroy();
        try {
            if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** As {@code pgrep -o -x}: the oldest process whose name is one of these. */
    static Optional<Long> oldestProcess(String... names) {
        List<String> wanted = Arrays.asList(names);
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            return procs.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit))
                    .filter(p -> wanted.contains(read(p.resolve("comm"))))
                    .map(p -> ProcessHandle.of(Long.parseLong(p.getFileName().toString())))
                    .flatMap(Optional::stream)
                    .min(Comparator.comparing(h -> h.info().startInstant().orElse(Instant.MAX)))
                    .map(ProcessHandle::pid);
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file).trim();
        } catch (IOException gone) {
            return "";
        }
    }

    /** The local server's process of a service (the pid `services up` wrote, else by name), when the service is local. */
    Optional<Long> localService(String host, String pidFile, String... names) {
        if (!List.of("127.0.0.1", "localhost", "::1", "[::1]").contains(host)) {
            return Optional.empty();
        }
        Optional<Long> started = Optional.of(Cli.stateDir().resolve(pidFile))
                .filter(Files::isRegularFile)
                .map(BenchHost::read)
                .filter(s -> !s.isEmpty())
                .map(Long::parseLong)
                .filter(pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
        return started.isPresent() ? started : oldestProcess(names);
    }

    Optional<Long> clickHouse() {
        return localService(
                URI.create(Cli.env("CLICKHOUSE_URL", "http://127.0.0.1:8123")).getHost(),
                "clickhouse.pid",
                "clickhouse-serv");
    }

    Optional<Long> mysql() {
        return localService(Cli.env("MYSQL_HOST", "127.0.0.1"), "mariadb.pid", "mariadbd", "mysqld");
    }

    static Optional<Long> rabbitMq() {
        return oldestProcess("beam.smp");
    }

    /** name=pid of the processes besides Flink whose CPU a benchmark reports, those that run here. */
    Map<String, Long> watched(long admin, boolean mysql, boolean rabbitMq) {
        Map<String, Long> watch = new LinkedHashMap<>();
        watch.put("admin", admin);
        clickHouse().ifPresent(pid -> watch.put("clickhouse", pid));
        if (mysql) {
            mysql().ifPresent(pid -> watch.put("mysql", pid));
        }
        if (rabbitMq) {
            rabbitMq().ifPresent(pid -> watch.put("rabbitmq", pid));
        }
        return watch;
    }

    /** A statement on the MySQL server as the project's user (its grant covers the databases named pushflow%). */
    void mysqlExecute(String sql) throws SQLException {
        try (Connection c = AdminServiceProcess.mysql()) {
            c.createStatement().execute(sql);
        }
    }

    static String mysqlIdentifier(String name) {
        return AdminServiceProcess.mysqlIdentifier(name);
    }

    void say(String line) {
        out.println(line);
    }
}
