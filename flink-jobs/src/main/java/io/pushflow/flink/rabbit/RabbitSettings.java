package io.pushflow.flink.rabbit;

import com.rabbitmq.client.ConnectionFactory;
import org.apache.flink.streaming.connectors.rabbitmq.common.RMQConnectionConfig;

import java.io.Serializable;

/** Where RabbitMQ is (the same environment variables as every other part). */
public record RabbitSettings(String host, int port, String user, String password, String virtualHost) implements Serializable {

    public static RabbitSettings fromEnvironment() {
        return new RabbitSettings(env("RABBITMQ_HOST", "127.0.0.1"), Integer.parseInt(env("RABBITMQ_PORT", "5672")),
                env("RABBITMQ_USER", "guest"), env("RABBITMQ_PASSWORD", "guest"), env("RABBITMQ_VHOST", "/"));
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isEmpty() ? fallback : value;
    }

    public ConnectionFactory connectionFactory() {
        ConnectionFactory f = new ConnectionFactory();
        f.setHost(host);
        f.setPort(port);
        f.setUsername(user);
        f.setPassword(password);
        f.setVirtualHost(virtualHost);
        f.setConnectionTimeout(5_000);
        return f;
    }

    /** The connector's form; {@code prefetch} bounds the throughput of a source acknowledging on checkpoints. */
    public RMQConnectionConfig sourceConfig(int prefetch) {
        return new RMQConnectionConfig.Builder().setHost(host).setPort(port).setUserName(user).setPassword(password)
                .setVirtualHost(virtualHost).setPrefetchCount(prefetch).setConnectionTimeout(5_000).build();
    }
}
