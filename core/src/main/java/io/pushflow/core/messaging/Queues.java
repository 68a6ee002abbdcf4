package io.pushflow.core.messaging;

import java.util.List;
import java.util.Map;

/**
 * The RabbitMQ queues the parts share. Every queue dead-letters into {@code <name>.dead}; all declarers use
 * {@link #arguments} so their declarations agree (RabbitMQ refuses a redeclaration with other arguments).
 * A prefix (empty in production) keeps test runs apart.
 */
public record Queues(String prefix) implements java.io.Serializable {

    public static final String CAMPAIGN_COMMANDS = "campaign.commands";
    public static final String PUSH_OUTBOX = "push.outbox";
    public static final String USER_CHANGES = "user.changes";
    public static final String PUSH_EVENTS = "push.events";
    public static final String BANDIT_FEEDBACK = "bandit.feedback";
    /** The jobs' reports back to the admin service (a campaign completed). */
    public static final String CAMPAIGN_REPORTS = "campaign.reports";
    public static final List<String> ALL = List.of(CAMPAIGN_COMMANDS, PUSH_OUTBOX, USER_CHANGES, PUSH_EVENTS, BANDIT_FEEDBACK, CAMPAIGN_REPORTS);
    /**
     * User changes are published to this fanout exchange, so every part that keeps user state gets its own copy:
     * the queue {@code user.changes} (the user store) now, the delivery job's queue later.
     */
    public static final String USER_CHANGES_EXCHANGE = "user.changes";

    public Queues {
        prefix = prefix == null ? "" : prefix;
    }

    public String name(String queue) {
        return prefix + queue;
    }

    public String dead(String queue) {
        return name(queue) + ".dead";
    }

    /** Declaration arguments of a work queue: rejected messages go to its dead-letter queue. */
    public Map<String, Object> arguments(String queue) {
        return Map.of("x-dead-letter-exchange", "", "x-dead-letter-routing-key", dead(queue));
    }
}
