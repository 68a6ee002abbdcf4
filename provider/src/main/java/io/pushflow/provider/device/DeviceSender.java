package io.pushflow.provider.device;

import java.util.List;

/**
 * Sends one push to many devices of one service, one request per device (APNs, FCM). No service keeps an idempotency
 * key, so a call sends each distinct token at most once: a token is tried again only after the service answered that
 * it did not take it (rate limit, server error) or the request never left (no connection); a request without an
 * answer is reported {@link DeviceOutcome.Status#UNCONFIRMED}, never repeated. The caller records
 * {@link DeviceReport#accepted()} and must not send the same push to those tokens again.
 */
public interface DeviceSender extends AutoCloseable {

    /** Never throws for a device's failure: every distinct token gets an outcome. Bad input (null, blank token) is a FAILED outcome. */
    DeviceReport send(DevicePush push, List<Device> devices) throws InterruptedException;

    @Override
    void close();
}
