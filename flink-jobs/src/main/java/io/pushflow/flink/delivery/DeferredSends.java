package io.pushflow.flink.delivery;

/**
 * Recipients of one batch whose quiet hours end at the same moment: they wait in {@link QuietHoursQueue} and go out
 * together then, as requests named by the batch and the moment.
 */
public class DeferredSends {

    public long campaignId;
    public String batchId;
    public String variant;
    public long wave;
    public long notBeforeMillis;
    public long[] userIds = new long[0];
    public String[] pushTokens = new String[0];
    public String[] locales = new String[0];
    /** Per user the service of a direct send ({@code apns}, {@code fcm}), whose token {@link #pushTokens} holds; null for OneSignal. */
    public String[] services;

    public DeferredSends() {}
}
