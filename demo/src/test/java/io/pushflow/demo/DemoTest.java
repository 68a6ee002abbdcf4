package io.pushflow.demo;

import io.pushflow.core.Environment;
import com.fasterxml.jackson.databind.JsonNode;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import io.pushflow.core.json.Json;
import io.pushflow.core.messaging.ChannelDeclarer;
import io.pushflow.core.messaging.Queues;
import io.pushflow.flink.rabbit.RabbitSettings;
import io.pushflow.store.ClickHouse;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The demo, small and short, against the real services and the real admin service (its built jar, started as a
 * process the way bin/pushflow demo starts it): the JSON summary must show every audience member with exactly one
 * outcome, nobody sent twice, and the best creative ahead.
 */
class DemoTest {

    static final Path ADMIN_JAR = Path.of("..", "admin-service", "target", "pushflow-admin.jar");

    @Test
    void a_small_demo_gives_every_user_one_outcome_and_puts_the_best_creative_ahead() throws Exception {
        assertThat(ADMIN_JAR).as("the admin service's jar (mvn verify packages it before this module's tests)").exists();
        String id = Long.toString(ThreadLocalRandom.current().nextLong(1L << 40), 36);
        String database = "pushflow_demo_t_" + id;
        String prefix = "tdemo" + id + ".";
        int port;
        try (var socket = new java.net.ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        try (var c = DriverManager.getConnection(jdbc(""), Environment.value("MYSQL_USER", "pushflow"), Environment.value("MYSQL_PASSWORD", "pushflow"))) {
            c.createStatement().execute("CREATE DATABASE " + database);
        }
        Path log = Files.createTempFile("demo-admin", ".log");
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", ADMIN_JAR.toString());
        pb.environment().put("ADMIN_PORT", Integer.toString(port));
        pb.environment().put("ADMIN_USERS", "marketer:marketer-pw:marketer");
        pb.environment().put("MYSQL_DATABASE", database);
        pb.environment().put("CLICKHOUSE_DATABASE", database);
        pb.environment().put("PUSHFLOW_QUEUE_PREFIX", prefix);
        pb.redirectErrorStream(true).redirectOutput(log.toFile());
        Process admin = pb.start();
        Path json = Path.of("target", "demo-test", "summary.json");
        try {
            String url = "http://127.0.0.1:" + port;
            awaitHealth(url, admin, log);
            var options = new Demo.Options(4_000, Duration.ofSeconds(40), Duration.ofSeconds(2), List.of(0.03, 0.08, 0.25), 11, url, "marketer",
                    "marketer-pw", database, prefix, 0, 0, Path.of("target", "demo-test", "report"), json, false, false);
            Demo.run(options, System.out);

            JsonNode summary = Json.MAPPER.readTree(json.toFile());
            assertThat(summary.path("audience").asLong()).isPositive();
            assertThat(summary.path("outcomes").asLong()).isEqualTo(summary.path("audience").asLong());
            assertThat(summary.path("everyUserOneOutcome").asBoolean()).isTrue();
            assertThat(summary.path("duplicates").asLong()).isZero();
            assertThat(summary.path("sent").asLong()).isPositive();
            assertThat(summary.path("bestVariant").asText()).isEqualTo("C");
            assertThat(summary.path("bestAhead").asBoolean()).as(summary.toString()).isTrue();
            assertThat(summary.path("variants")).hasSize(3);
            assertThat(Path.of("target", "demo-test", "report", "index.html")).exists();
            for (String chart : List.of("share.png", "click-rate.png", "clicks.png")) {
                assertThat(Files.size(Path.of("target", "demo-test", "report", chart))).as(chart).isGreaterThan(1_000);
            }
        } finally {
            admin.destroy();
            admin.waitFor();
            try (var c = DriverManager.getConnection(jdbc(""), Environment.value("MYSQL_USER", "pushflow"), Environment.value("MYSQL_PASSWORD", "pushflow"))) {
                c.createStatement().execute("DROP DATABASE IF EXISTS " + database);
            }
            try (ClickHouse ch = new ClickHouse(ClickHouse.Config.fromEnvironment().withDatabase(database))) {
                ch.dropDatabase();
            }
            try (Connection connection = RabbitSettings.fromEnvironment().connectionFactory().newConnection(); Channel channel = connection.createChannel()) {
                Queues queues = new Queues(prefix);
                new ChannelDeclarer(channel).removeAll(queues);
            }
        }
    }

    private static void awaitHealth(String url, Process admin, Path log) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.currentTimeMillis() + 90_000;
        while (System.currentTimeMillis() < deadline) {
            assertThat(admin.isAlive()).as("the admin service exited: %s", Files.readString(log)).isTrue();
            try {
                if (http.send(HttpRequest.newBuilder(URI.create(url + "/health")).timeout(Duration.ofSeconds(2)).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (java.io.IOException notYet) {
                // still starting
            }
            Thread.sleep(300);
        }
        throw new AssertionError("the admin service did not answer /health: " + Files.readString(log));
    }

    private static String jdbc(String database) {
        return "jdbc:mysql://" + Environment.value("MYSQL_HOST", "127.0.0.1") + ":" + Environment.value("MYSQL_PORT", "3306") + "/" + database;
    }
}
