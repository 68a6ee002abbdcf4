package io.pushflow.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import io.pushflow.core.Environment;
import io.pushflow.core.messaging.ChannelDeclarer;
import io.pushflow.core.messaging.Queues;
import io.pushflow.flink.rabbit.RabbitSettings;
import io.pushflow.store.ClickHouse;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import org.awaitility.core.ConditionTimeoutException;

/**
 * The admin service's built jar started as a process (the way bin/pushflow starts it) with a database, ClickHouse
 * database and queue prefix of its own, all removed on close.
 */
public final class AdminProcess implements AutoCloseable {

    static final Path ADMIN_JAR = Path.of("..", "admin-service", "target", "pushflow-admin.jar");

    public final String database;
    public final String prefix;
    public final String url;
    private final Process process;

    public AdminProcess(String users) throws Exception {
        assertThat(ADMIN_JAR)
                .as("the admin service's jar (mvn verify packages it before this module's tests)")
                .exists();
        String id = Long.toString(ThreadLocalRandom.current().nextLong(1L << 40), 36);
        database = "pushflow_demo_t_" + id;
        prefix = "tdemo" + id + ".";
        int port;
        try (var socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        try (var c = mysql()) {
            c.createStatement().execute("CREATE DATABASE " + database);
        }
        Path log = Files.createTempFile("demo-admin", ".log");
        ProcessBuilder pb = new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", ADMIN_JAR.toString());
        pb.environment().put("ADMIN_PORT", Integer.toString(port));
        pb.environment().put("ADMIN_USERS", users);
        pb.environment().put("MYSQL_DATABASE", database);
        pb.environment().put("CLICKHOUSE_DATABASE", database);
        pb.environment().put("PUSHFLOW_QUEUE_PREFIX", prefix);
        pb.redirectErrorStream(true).redirectOutput(log.toFile());
        process = pb.start();
        url = "http://127.0.0.1:" + port;
        try {
            awaitHealth(log);
        } catch (Exception | Error e) {
            close();
            throw e;
        }
    }

    private void awaitHealth(Path log) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        try {
            await().atMost(Duration.ofSeconds(90))
                    .pollDelay(Duration.ZERO)
                    .pollInterval(Duration.ofMillis(300))
                    .failFast(() -> assertThat(process.isAlive())
                            .as("the admin service exited: %s", Files.readString(log))
                            .isTrue())
                    .until(() -> {
                        try {
                            return http.send(
                                                    HttpRequest.newBuilder(URI.create(url + "/health"))
                                                            .timeout(Duration.ofSeconds(2))
                                                            .build(),
                                                    HttpResponse.BodyHandlers.discarding())
                                            .statusCode()
                                    == 200;
                        } catch (IOException notYet) {
                            return false; // still starting
                        }
                    });
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("the admin service did not answer /health: " + Files.readString(log), e);
        }
    }

    private static java.sql.Connection mysql() throws SQLException {
        return DriverManager.getConnection(
                "jdbc:mysql://" + Environment.value("MYSQL_HOST", "127.0.0.1") + ":"
                        + Environment.value("MYSQL_PORT", "3306") + "/",
                Environment.value("MYSQL_USER", "pushflow"),
                Environment.value("MYSQL_PASSWORD", "pushflow"));
    }

    /** Stops the service, then drops its databases and queues. */
    @Override
    public void close() throws Exception {
        process.destroy();
        process.waitFor();
        try (var c = mysql()) {
            c.createStatement().execute("DROP DATABASE IF EXISTS " + database);
        }
        try (ClickHouse ch = new ClickHouse(ClickHouse.Config.fromEnvironment().withDatabase(database))) {
            ch.dropDatabase();
        }
        try (Connection connection =
                        RabbitSettings.fromEnvironment().connectionFactory().newConnection();
                Channel channel = connection.createChannel()) {
            new ChannelDeclarer(channel).removeAll(new Queues(prefix));
        }
    }
}
