package io.pushflow.admin.outbox;

import io.micronaut.scheduling.annotation.Scheduled;
import io.pushflow.admin.BackgroundRounds;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Relays stored commands to RabbitMQ in the order they were written. A failed publish stops the round
 * (later commands must not overtake it) and backs off; the command stays pending, so a broker outage
 * delays commands and loses none. Consumers drop redeliveries by command id.
 */
@Singleton
public class CommandRelay {

    private static final Logger LOG = LoggerFactory.getLogger(CommandRelay.class);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(10);

    private final OutboxRepository outbox;
    private final CommandPublisher publisher;
    private final Clock clock;
    private final BackgroundRounds rounds;
    private int failures;
    private boolean stopped;
    private Instant nextAttempt = Instant.EPOCH;

    CommandRelay(OutboxRepository outbox, CommandPublisher publisher, Clock clock, BackgroundRounds rounds) {
        this.outbox = outbox;
        this.publisher = publisher;
        this.clock = clock;
        this.rounds = rounds;
    }

    @Scheduled(fixedDelay = "${pushflow.outbox.poll-interval:200ms}", initialDelay = "1s")
    public void relay() {
        rounds.run(this::relayNow);
    }

    private synchronized void relayNow() {
        if (stopped || clock.instant().isBefore(nextAttempt)) {
            return;
        }
        List<OutboxCommand> pending;
        try {
            pending = outbox.findTop100ByPublishedAtIsNullOrderById();
        } catch (RuntimeException e) {
            nextAttempt = clock.instant().plus(MAX_BACKOFF);
            LOG.warn("Cannot read the command outbox: {}; retrying in {}", e.getMessage(), MAX_BACKOFF);
            return;
        }
        for (OutboxCommand command : pending) {
            try {
                publisher.publish(command);
            } catch (Exception e) {
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
                failed(command, e);
                return;
            }
            outbox.updatePublishedAt(command.id(), clock.instant());
            if (failures > 0) {
                LOG.info("RabbitMQ reachable again after {} failed attempts; relaying pending commands", failures);
                failures = 0;
            }
        }
    }

    private void failed(OutboxCommand command, Exception e) {
        failures++;
        String reason = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
        outbox.updateAttemptsAndLastError(
                command.id(), command.attempts() + 1, reason.length() > 1000 ? reason.substring(0, 1000) : reason);
        long backoffMillis = Math.min(MAX_BACKOFF.toMillis(), 250L << Math.min(failures, 6));
        nextAttempt = clock.instant().plusMillis(backoffMillis);
        if (failures == 1 || failures % 20 == 0) {
            LOG.warn(
                    "Cannot publish command {} ({} attempts so far): {}; retrying in {} ms, nothing is lost",
                    command.commandId(),
                    command.attempts() + 1,
                    reason,
                    backoffMillis);
        }
    }

    @PreDestroy
    synchronized void stop() {
        stopped = true;
    }

    /** How many commands wait for the broker. */
    public long pending() {
        return outbox.countByPublishedAtIsNull();
    }
}
