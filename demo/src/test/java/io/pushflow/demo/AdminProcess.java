package io.pushflow.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import io.pushflow.core.messaging.ChannelDeclarer;
import io.pushflow.core.messaging.Queues;
import io.pushflow.flink.rabbit.RabbitSettings;
import io.pushflow.store.ClickHouse;
import io.pushflow.tools.AdminServiceProcess;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The admin service's built jar started as a process (the way bin/pushflow starts it) with a database, ClickHouse
 * database and queue prefix of its own, all removed on close.
 */
public final class AdminProcess implements AutoCloseable {

    static final Path ADMIN_JAR = Path.of("..", "admin-service", "target", "pushflow-admin.jar");

    public final String database;
    public final String prefix;
    public final String url;
    private final AdminServiceProcess process;

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
        process = AdminServiceProcess.start(
                new AdminServiceProcess.Spec(
                        ADMIN_JAR, port, users, database, database, prefix, Files.createTempFile("demo-admin", ".log")),
                Duration.ofSeconds(90));
        url = process.url;
    }

    /** Stops the service, then drops its databases and queues. */
    @Override
    public void close() throws Exception {
        process.close();
        try (var c = AdminServiceProcess.mysql()) {
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
