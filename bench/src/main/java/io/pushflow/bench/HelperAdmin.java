package io.pushflow.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * An admin service of a benchmark's own (the built jar as a process) on its port, with its MySQL database, ClickHouse
 * database and queue prefix, and the benchmark's admin user; stopped on close, and when this JVM exits however it does.
 */
final class HelperAdmin implements AutoCloseable {

    private final BenchHost host;
    private final String what;
    private final Process process;
    private final Thread stopOnExit = new Thread(this::stop);
    final String url;

    HelperAdmin(
            BenchHost host,
            String what,
            int port,
            String mysqlDatabase,
            String clickHouseDatabase,
            String queuePrefix,
            Path log)
            throws Exception {
        this.host = host;
        this.what = what;
        try {
            host.mysqlExecute("CREATE DATABASE IF NOT EXISTS " + BenchHost.mysqlIdentifier(mysqlDatabase)
                    + " CHARACTER SET utf8mb4");
        } catch (SQLException e) {
            throw new IllegalStateException(
                    "cannot create MySQL database " + mysqlDatabase + " (the project user's grant covers "
                            + "`pushflow%`: run 'bin/pushflow services up'): " + e.getMessage(),
                    e);
        }
        host.say("starting an admin service for the " + what + " on port " + port + " (ClickHouse " + clickHouseDatabase
                + ", MySQL " + mysqlDatabase + "; log: " + log + ")");
        ProcessBuilder pb = new ProcessBuilder(
                        BenchHost.java(), "-jar", host.adminJar().toString())
                .directory(host.root.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        pb.environment()
                .putAll(Map.of(
                        "ADMIN_PORT",
                        Integer.toString(port),
                        "ADMIN_USERS",
                        BenchHost.USER + ":" + BenchHost.PASSWORD + ":admin",
                        "MYSQL_DATABASE",
                        mysqlDatabase,
                        "CLICKHOUSE_DATABASE",
                        clickHouseDatabase,
                        "PUSHFLOW_QUEUE_PREFIX",
                        queuePrefix));
        process = pb.start();
        Runtime.getRuntime().addShutdownHook(stopOnExit);
        url = "http://127.0.0.1:" + port;
        awaitHealth(log);
        host.say("admin service up (pid " + process.pid() + ", " + url + ")");
    }

    private void awaitHealth(Path log) throws Exception {
        HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + host.waitTimeout().toNanos();
        while (true) {
            if (!process.isAlive()) {
                throw new IllegalStateException(
                        "the " + what + "'s admin service exited during start (log: " + log + ")\n" + tail(log));
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the " + what + "'s admin service did not answer /health within "
                        + host.waitTimeout().toSeconds() + " s (log: " + log + ")\n" + tail(log));
            }
            try {
                if (http.send(
                                        HttpRequest.newBuilder(URI.create(url + "/health"))
                                                .timeout(Duration.ofSeconds(2))
                                                .build(),
                                        HttpResponse.BodyHandlers.discarding())
                                .statusCode()
                        == 200) {
                    return;
                }
            } catch (IOException starting) {
                // not listening yet
            }
            Thread.sleep(500);
        }
    }

    private static String tail(Path log) throws IOException {
        List<String> lines = Files.readAllLines(log);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    }

    long pid() {
        return process.pid();
    }

    private void stop() {
        if (!process.isAlive()) {
            return;
        }
        BenchHost.stop(process, Duration.ofSeconds(15));
        host.say("stopped the " + what + "'s admin service (pid " + process.pid() + ")");
    }

    @Override
    public void close() {
        stop();
        Runtime.getRuntime().removeShutdownHook(stopOnExit);
    }
}
