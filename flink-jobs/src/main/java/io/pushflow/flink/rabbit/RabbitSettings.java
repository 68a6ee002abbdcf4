package io.pushflow.flink.rabbit;

import com.rabbitmq.client.ConnectionFactory;
import io.pushflow.flink.JobSetting;
import java.io.Serializable;
import org.apache.flink.streaming.connectors.rabbitmq.common.RMQConnectionConfig;

/** Where RabbitMQ is (the same environment variables as every other part). */
public record RabbitSettings(String host, int port, String user, String password, String virtualHost)
        implements Serializable {

    public static RabbitSettings fromEnvironment() {
        return new RabbitSettings(
                JobSetting.RABBITMQ_HOST.value(),
                JobSetting.RABBITMQ_PORT.intValue(),
                JobSetting.RABBITMQ_USER.value(),
                JobSetting.RABBITMQ_PASSWORD.value(),
                JobSetting.RABBITMQ_VHOST.value());
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

    /** Everything but the password. */
    @Override
    public String toString() {
        return "RabbitSettings[host=" + host + ", port=" + port + ", user=" + user + ", virtualHost=" + virtualHost
                + "]";
    }

    /**
     * The connector's form; {@code prefetch} bounds the throughput of a source acknowledging on checkpoints. The
     * delivery timeout is how long the source waits for a message before it looks whether it should stop: the
     * connector's 30 s made every stop-with-savepoint take 30 s.
     */
    public RMQConnectionConfig sourceConfig(int prefetch) {
        return new RMQConnectionConfig.Builder()
                .setHost(host)
                .setPort(port)
                .setUserName(user)
                .setPassword(password)
                .setVirtualHost(virtualHost)
                .setPrefetchCount(prefetch)
                .setConnectionTimeout(5_000)
                .setDeliveryTimeout(500)
                .build();
    }
}
