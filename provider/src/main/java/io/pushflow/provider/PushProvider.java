package io.pushflow.provider;

/** Sends pushes: OneSignal now; FCM and APNs can follow behind the same interface. */
public interface PushProvider {

    SendResult send(PushMessage message) throws ProviderException, InterruptedException;
}
