package io.pushflow.admin.outbox;

import com.rabbitmq.client.ConnectionFactory;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Value;
import io.pushflow.core.messaging.Queues;
import jakarta.inject.Singleton;

@Factory
class RabbitFactory {

    @Singleton
    ConnectionFactory connectionFactory(
            @Value("${pushflow.rabbitmq.host}") String host,
            @Value("${pushflow.rabbitmq.port}") int port,
            @Value("${pushflow.rabbitmq.username}") String username,
            @Value("${pushflow.rabbitmq.password}") String password,
            @Value("${pushflow.rabbitmq.virtual-host}") String virtualHost) {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setHost(host);
        factory.setPort(port);
        factory.setUsername(username);
        factory.setPassword(password);
        factory.setVirtualHost(virtualHost);
        factory.setConnectionTimeout(3_000);
        factory.setHandshakeTimeout(3_000);
        // the relay reconnects itself, in its own rhythm, when a publish fails
        factory.setAutomaticRecoveryEnabled(false);
        return factory;
    }

    @Singleton
    Queues queues(@Value("${pushflow.queue-prefix:}") String prefix) {
        return new Queues(prefix);
    }
}
