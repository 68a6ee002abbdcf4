package io.pushflow.core.messaging;

import java.io.IOException;
import java.io.Serializable;
import java.util.List;
import java.util.Map;

/**
 * The RabbitMQ queues the parts share. Every queue dead-letters into {@code <name>.dead}; all declarers use
 * {@link #arguments} so their declarations agree (RabbitMQ refuses a redeclaration with other arguments).
 * A prefix (empty in production) keeps test runs apart.
 */
public record Queues(String prefix) implements Serializable {

    public static final String CAMPAIGN_COMMANDS = "campaign.commands";
    public static final String PUSH_OUTBOX = "push.outbox";
    public static final String USER_CHANGES = "user.changes";
    public static final String PUSH_EVENTS = "push.events";
    /** Notifications the provider created (the delivery job's), for the status job to poll. */
    public static final String PUSH_NOTIFICATIONS = "push.notifications";

    public static final String BANDIT_FEEDBACK = "bandit.feedback";
    /** The jobs' reports back to the admin service (a campaign completed). */
    public static final String CAMPAIGN_REPORTS = "campaign.reports";
    /**
     * User changes are published to this fanout exchange, so every part that keeps user state gets its own copy:
     * the queue {@code user.changes} (the user store) and {@link #DELIVERY_USER_CHANGES} (the delivery job).
     */
    public static final String USER_CHANGES_EXCHANGE = "user.changes";
    /**
     * Campaign commands are published to this fanout exchange: {@code campaign.commands} feeds the dispatch job,
     * {@link #DELIVERY_COMMANDS} the delivery job, {@link #STATUS_COMMANDS} the status job. The publisher declares and
     * binds them all, so none misses one.
     */
    public static final String CAMPAIGN_COMMANDS_EXCHANGE = "campaign.commands";

    public static final String DELIVERY_COMMANDS = "campaign.commands.delivery";
    public static final String STATUS_COMMANDS = "campaign.commands.status";
    public static final String DELIVERY_USER_CHANGES = "user.changes.delivery";
    public static final List<String> ALL = List.of(
            CAMPAIGN_COMMANDS,
            PUSH_OUTBOX,
            USER_CHANGES,
            PUSH_EVENTS,
            PUSH_NOTIFICATIONS,
            BANDIT_FEEDBACK,
            CAMPAIGN_REPORTS,
            DELIVERY_COMMANDS,
            STATUS_COMMANDS,
            DELIVERY_USER_CHANGES);
    /** The queues bound to each fanout exchange. */
    public static final Map<String, List<String>> SUBSCRIBERS = Map.of(
            CAMPAIGN_COMMANDS_EXCHANGE, List.of(CAMPAIGN_COMMANDS, DELIVERY_COMMANDS, STATUS_COMMANDS),
            USER_CHANGES_EXCHANGE, List.of(USER_CHANGES, DELIVERY_USER_CHANGES));

    public Queues {
        prefix = prefix == null ? "" : prefix;
    }

    public String name(String queue) {
        return prefix + queue;
    }

    public String dead(String queue) {
        return name(queue) + ".dead";
    }

    /** What declaring needs from a RabbitMQ channel, so the topology lives here without a client library. */
    public interface Declarer {
        void queue(String name, Map<String, Object> arguments) throws IOException;

        void fanout(String exchange) throws IOException;

        void bind(String queue, String exchange) throws IOException;
    }

    /** Declares a work queue with its dead-letter queue and, when it subscribes to a fanout exchange, the binding. */
    public void declare(String queue, Declarer declarer) throws IOException {
        declarer.queue(dead(queue), null);
        declarer.queue(name(queue), arguments(queue));
        for (Map.Entry<String, List<String>> e : SUBSCRIBERS.entrySet()) {
            if (e.getValue().contains(queue)) {
                declarer.fanout(name(e.getKey()));
                declarer.bind(name(queue), name(e.getKey()));
            }
        }
    }

    /** Declares a fanout exchange with every queue subscribed to it, so nothing published to it goes nowhere. */
    public void declareExchange(String exchange, Declarer declarer) throws IOException {
        for (String queue : SUBSCRIBERS.get(exchange)) {
            declare(queue, declarer);
        }
    }

    /** Declaration arguments of a work queue: rejected messages go to its dead-letter queue. */
    public Map<String, Object> arguments(String queue) {
        return Map.of("x-dead-letter-exchange", "", "x-dead-letter-routing-key", dead(queue));
    }
}
