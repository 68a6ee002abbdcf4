package io.pushflow.flink.delivery;

/** How far the gate has decided one outbox batch: a batch is sent when every one of its users has a verdict. */
public class BatchProgress {

    public int expected;
    public int decided;
    public int recipients;

    public BatchProgress() {
    }
}
