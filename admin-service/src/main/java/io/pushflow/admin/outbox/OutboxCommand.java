package io.pushflow.admin.outbox;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.GeneratedValue;
import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;
import java.time.Instant;

/** A campaign command waiting for (or done with) its relay to RabbitMQ. */
@MappedEntity("command_outbox")
public record OutboxCommand(
        @Id @GeneratedValue @Nullable Long id,
        String commandId,
        long campaignId,
        String commandType,
        String payload,
        Instant createdAt,
        @Nullable Instant publishedAt,
        int attempts,
        @Nullable String lastError) {}
