package io.pushflow.admin.support;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import io.pushflow.core.messaging.ChannelDeclarer;
import io.pushflow.core.messaging.Queues;
import io.pushflow.store.ClickHouse;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A private MySQL database and queue prefix for one test class on the real services (addresses from the same
 * environment variables as the service), removed again by {@link #close()}.
 */
public final class TestEnvironment implements AutoCloseable {

    public static final String USERS = "admin:admin-pw:admin,marketer:marketer-pw:marketer,viewer:viewer-pw:viewer";

    private final String database;
    private final Queues queues;

    public TestEnvironment() {
        String id = Long.toString(ThreadLocalRandom.current().nextLong(1L << 40), 36);
        this.database = "pushflow_t_" + id;
        this.queues = new Queues("t" + id + ".");
        try (var c = DriverManager.getConnection(
                jdbcUrl(""), env("MYSQL_USER", "pushflow"), env("MYSQL_PASSWORD", "pushflow"))) {
            c.createStatement().execute("CREATE DATABASE " + database);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create the test database; run bin/pushflow services up first", e);
        }
    }

    public static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isEmpty() ? fallback : value;
    }

    private static String jdbcUrl(String database) {
        return "jdbc:mysql://" + env("MYSQL_HOST", "127.0.0.1") + ":" + env("MYSQL_PORT", "3306") + "/" + database
                + "?connectionTimeZone=UTC&forceConnectionTimeZoneToSession=true";
    }

    public Queues queues() {
        return queues;
    }

    public String database() {
        return database;
    }

    /** Properties for an admin-service context that uses this environment. */
    public Map<String, String> properties() {
        Map<String, String> p = new HashMap<>();
        p.put("micronaut.server.port", "-1");
        p.put("pushflow.clickhouse.database", database);
        p.put("datasources.default.url", jdbcUrl(database));
        p.put("pushflow.queue-prefix", queues.prefix());
        p.put("pushflow.auth.users", USERS);
        return p;
    }

    public java.sql.Connection jdbc() throws SQLException {
        return DriverManager.getConnection(
                jdbcUrl(database), env("MYSQL_USER", "pushflow"), env("MYSQL_PASSWORD", "pushflow"));
    }

    public static ConnectionFactory rabbit() {
        ConnectionFactory f = new ConnectionFactory();
        f.setHost(env("RABBITMQ_HOST", "127.0.0.1"));
        f.setPort(Integer.parseInt(env("RABBITMQ_PORT", "5672")));
        f.setUsername(env("RABBITMQ_USER", "guest"));
        f.setPassword(env("RABBITMQ_PASSWORD", "guest"));
        f.setVirtualHost(env("RABBITMQ_VHOST", "/"));
        return f;
    }

    /** This environment's ClickHouse database (created by the service when it starts). */
    public ClickHouse clickHouse() {
        return new ClickHouse(ClickHouse.Config.fromEnvironment().withDatabase(database));
    }

    @Override
    public void close() throws Exception {
        try (ClickHouse ch = clickHouse()) {
            ch.dropDatabase();
        }
        try (var c = DriverManager.getConnection(
                jdbcUrl(""), env("MYSQL_USER", "pushflow"), env("MYSQL_PASSWORD", "pushflow"))) {
            c.createStatement().execute("DROP DATABASE IF EXISTS " + database);
        }
        try (Connection connection = rabbit().newConnection();
                Channel channel = connection.createChannel()) {
            new ChannelDeclarer(channel).removeAll(queues);
        }
    }
}
