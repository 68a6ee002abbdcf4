package io.pushflow.tools;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The admin service's built jar as a process of its own, with its port, users, MySQL and ClickHouse databases and
 * queue prefix: what the demo, the benchmarks, the chaos suite and the process tests run beside them. Its MySQL
 * database is made when missing (the project user's grant covers {@code pushflow%}); it counts as started once
 * {@code /health} answers 200, and its log's last lines travel with the error when it exits or does not answer first.
 */
public final class AdminServiceProcess implements AutoCloseable {

    /** Where and how it runs. */
    public record Spec(
            Path jar,
            int port,
            String users,
            String mysqlDatabase,
            String clickHouseDatabase,
            String queuePrefix,
            Path log) {}

    public final String url;
    private final Process process;

    private AdminServiceProcess(Process process, String url) {
        this.process = process;
        this.url = url;
    }

    /** Starts it and waits up to {@code wait} for {@code /health}; a service that does not come up is stopped again. */
    public static AdminServiceProcess start(Spec spec, Duration wait) throws Exception {
        if (!Files.isRegularFile(spec.jar())) {
            throw new IllegalStateException("no admin service jar at " + spec.jar() + " (build it first)");
        }
        try (Connection c = mysql()) {
            c.createStatement()
                    .execute("CREATE DATABASE IF NOT EXISTS " + mysqlIdentifier(spec.mysqlDatabase())
                            + " CHARACTER SET utf8mb4");
        } catch (SQLException e) {
            throw new IllegalStateException(
                    "cannot create MySQL database " + spec.mysqlDatabase() + " (the project user's grant covers "
                            + "`pushflow%`: run 'bin/pushflow services up'): " + e.getMessage(),
                    e);
        }
        ProcessBuilder pb = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-jar",
                        spec.jar().toString())
                .redirectErrorStream(true)
                .redirectOutput(spec.log().toFile());
        pb.environment()
                .putAll(Map.of(
                        "ADMIN_PORT", Integer.toString(spec.port()),
                        "ADMIN_USERS", spec.users(),
                        "MYSQL_DATABASE", spec.mysqlDatabase(),
                        "CLICKHOUSE_DATABASE", spec.clickHouseDatabase(),
                        "PUSHFLOW_QUEUE_PREFIX", spec.queuePrefix()));
        AdminServiceProcess admin = new AdminServiceProcess(pb.start(), "http://127.0.0.1:" + spec.port());
        try {
            admin.awaitHealth(spec.log(), wait);
        } catch (Exception | Error e) {
            admin.close();
            throw e;
        }
        return admin;
    }

    private void awaitHealth(Path log, Duration wait) throws Exception {
        HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            if (!process.isAlive()) {
                throw new IllegalStateException(
                        "the admin service exited during start (log: " + log + ")\n" + tail(log));
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the admin service did not answer /health within " + wait.toSeconds()
                        + " s (log: " + log + ")\n" + tail(log));
            }
            try {
                HttpRequest health = HttpRequest.newBuilder(URI.create(url + "/health"))
                        .timeout(Duration.ofSeconds(2))
                        .build();
                if (http.send(health, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException starting) {
                // not listening yet
            }
            Thread.sleep(300);
        }
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Stops it: a TERM, then a KILL after 15 s. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The first port from {@code from} on that nothing listens on locally. */
    public static int freePort(int from) {
        for (int port = from; port < from + 100; port++) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 500);
            } catch (IOException nothingListens) {
                return port;
            }
        }
        throw new IllegalStateException("no free port in " + from + ".." + (from + 99));
    }

    /** The project user's connection to MySQL, no database chosen (MYSQL_HOST, _PORT, _USER, _PASSWORD). */
    public static Connection mysql() throws SQLException {
        String url = "jdbc:mysql://" + Cli.env("MYSQL_HOST", "127.0.0.1") + ":" + Cli.env("MYSQL_PORT", "3306") + "/";
        return DriverManager.getConnection(
                url, Cli.env("MYSQL_USER", "pushflow"), Cli.env("MYSQL_PASSWORD", "pushflow"));
    }

    public static String mysqlIdentifier(String name) {
        return "`" + name.replace("`", "``") + "`";
    }

    private static String tail(Path log) throws IOException {
        List<String> lines = Files.readAllLines(log);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    }
}
