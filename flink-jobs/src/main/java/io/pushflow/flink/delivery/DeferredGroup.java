package io.pushflow.flink.delivery;

/** Recipients whose quiet hours end at the same moment. */
public class DeferredGroup {

    public Recipient[] recipients = new Recipient[0];

    public DeferredGroup() {
    }
}
