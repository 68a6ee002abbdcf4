package io.pushflow.flink.delivery;

/** What became of one request: the provider's notification id, the ids it called invalid, or its final error. */
public class SendReport {

    public SendRequest request;
    public String notificationId;
    public String[] invalidTokens = new String[0];
    public String error;
    public int status;
    public int attempts;
    public long latencyMillis;
    public long atMillis;

    public SendReport() {
    }
}
