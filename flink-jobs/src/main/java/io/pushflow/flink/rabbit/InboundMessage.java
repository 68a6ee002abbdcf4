package io.pushflow.flink.rabbit;

/**
 * What every job's inbound events have in common: with {@code error} set, the message could not be read and
 * goes to its queue's dead-letter queue with the reason instead of into the job.
 */
public abstract class InboundMessage {

    public String error;
    public String raw;
    public String queue;
    public String messageId;

    public boolean readable() {
        return error == null;
    }

    /** Marks this event as an unreadable message of {@code queue}. */
    protected void unreadable(String fromQueue, String id, String text, String reason) {
        this.queue = fromQueue;
        this.messageId = id;
        this.raw = text;
        this.error = reason;
    }

    /** The message for the dead-letter queue, with the reason in {@link ConfirmingRabbitSink#ERROR_HEADER}. */
    public AmqpMessage deadLetter() {
        AmqpMessage dead = AmqpMessage.of(queue + ".dead", messageId, "DEAD", raw);
        dead.error = error;
        return dead;
    }
}
