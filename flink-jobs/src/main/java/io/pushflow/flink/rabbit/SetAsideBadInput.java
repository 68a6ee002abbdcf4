package io.pushflow.flink.rabbit;

import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/** Passes readable events on and sends the others to their queue's dead-letter queue, with the reason. */
public final class SetAsideBadInput<T extends InboundMessage> extends ProcessFunction<T, T> {

    public static final OutputTag<AmqpMessage> DEAD_LETTERS = new OutputTag<>("dead-letters") {};

    @Override
    public void processElement(T event, Context ctx, Collector<T> out) {
        if (event.readable()) {
            out.collect(event);
        } else {
            ctx.output(DEAD_LETTERS, event.deadLetter());
        }
    }
}
