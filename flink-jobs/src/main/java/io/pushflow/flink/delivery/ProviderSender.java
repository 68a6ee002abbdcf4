package io.pushflow.flink.delivery;

import io.pushflow.core.user.DeviceTokenKind;
import io.pushflow.flink.provider.ProviderFactory;
import io.pushflow.provider.ProviderException;
import io.pushflow.provider.PushProvider;
import io.pushflow.provider.SendResult;
import io.pushflow.provider.device.DeviceSender;
import io.pushflow.store.ClickHouse;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.functions.async.ResultFuture;
import org.apache.flink.streaming.api.functions.async.RichAsyncFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends requests with Flink's Async I/O: through OneSignal, or for a direct campaign to APNs or FCM. The clients
 * retry rate limits and server errors themselves (OneSignal under the same idempotency key, APNs and FCM per device,
 * never a device twice), so a slow service keeps requests in flight and the operator's bounded capacity turns that
 * into backpressure; nothing is dropped. A request the provider refuses, or that still fails after every retry,
 * reports the provider's error. A direct request goes through the {@link DirectLedger} first, so a request replayed
 * after a restart reaches no device a second time.
 */
public class ProviderSender extends RichAsyncFunction<SendRequest, SendReport> {

    public static final String UID = "provider-send";
    private static final Logger LOG = LoggerFactory.getLogger(ProviderSender.class);
    /** How long closing waits for the direct sends in flight: longer than a direct send's answer timeout (30 s by default). */
    static final long DRAIN_MILLIS = 45_000;

    private final ProviderFactory factory;
    private final DirectServices direct;
    private final ClickHouse.Config ledgerStore;
    private final int threads;
    private transient PushProvider provider;
    private transient ExecutorService pool;
    private transient DirectLedger ledger;
    private transient Map<DeviceTokenKind, DeviceSender> senders;
    /**
     * Direct requests from their ledger lookup to their answered row: what closing waits for. Guarded by {@link #gate}
     * with {@link #closing}, so no direct request starts once closing has begun, and none is interrupted half-way.
     */
    private transient int directInFlight;

    private transient boolean closing;
    private transient Object gate;

    public ProviderSender(ProviderFactory factory, DirectServices direct, ClickHouse.Config ledgerStore, int threads) {
        this.factory = factory;
        this.direct = direct;
        this.ledgerStore = ledgerStore;
        this.threads = threads;
    }

    @Override
    public void open(OpenContext context) {
        provider = factory.open();
        senders = new EnumMap<>(DeviceTokenKind.class);
        gate = new Object();
        pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "provider-send");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Lets the direct sends in flight finish (up to {@link #DRAIN_MILLIS}) before the clients close: a direct send cut
     * off half-way would leave its request handed out but unanswered in the ledger, and its users unconfirmed after the
     * restore, though the devices had it. Their answers reach the ledger even when Flink no longer takes the result.
     * OneSignal sends are cut at once: the restore sends them again under the same idempotency key.
     */
    @Override
    public void close() {
        if (pool != null) {
            // a cancelled task's thread is interrupted (more than once): wait through it, then keep the interrupt
            boolean interrupted = false;
            synchronized (gate) {
                closing = true;
                long deadline = System.nanoTime() + DRAIN_MILLIS * 1_000_000;
                for (long left = DRAIN_MILLIS;
                        directInFlight > 0 && left > 0;
                        left = (deadline - System.nanoTime()) / 1_000_000) {
                    try {
                        gate.wait(Math.max(1, left));
                    } catch (InterruptedException e) {
                        interrupted = true;
                    }
                }
                if (directInFlight > 0) {
                    LOG.warn(
                            "direct sends still in flight after {} ms are cut off: their devices are unconfirmed after the restore",
                            DRAIN_MILLIS);
                }
            }
            pool.shutdownNow();
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        synchronized (this) {
            if (senders != null) {
                senders.values().forEach(DeviceSender::close);
                senders.clear();
            }
            if (ledger != null) {
                ledger.close();
            }
        }
    }

    @Override
    public void asyncInvoke(SendRequest request, ResultFuture<SendReport> result) {
        pool.execute(() -> {
            SendReport report = new SendReport();
            report.request = request;
            long start = System.nanoTime();
            try {
                if (request.channel == null) {
                    throughOneSignal(request, report);
                } else {
                    direct(request, report);
                }
            } catch (InterruptedException e) {
                // only closing interrupts a send (or refuses a direct one): Flink's mailbox takes no result then, and
                // handing it one throws on this thread; the restore sends the request again
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                // a request that cannot be sent fails its users with the reason, never the job (a restore would meet it
                // again)
                LOG.warn("request {} of campaign {} could not be sent", request.requestId, request.campaignId, e);
                report.error = "could not send: " + e;
            }
            report.latencyMillis = (System.nanoTime() - start) / 1_000_000;
            report.atMillis = System.currentTimeMillis();
            try {
                result.complete(List.of(report));
            } catch (RejectedExecutionException closed) {
                // the task closed while this send ran: its mailbox takes no result. The restore sends the request
                // again, under the same idempotency key (OneSignal), or finds its answer in the ledger (direct)
            }
        });
    }

    private void throughOneSignal(SendRequest request, SendReport report) throws InterruptedException {
        try {
            SendResult sent = provider.send(request.message());
            report.notificationId = sent.notificationId();
            report.invalidTokens = sent.invalidSubscriptionIds().toArray(String[]::new);
            report.attempts = sent.attempts();
            report.status = 200;
            if (!sent.sent() && report.invalidTokens.length == 0) {
                if (String.join(" ", sent.errors()).contains("not subscribed")) {
                    report.invalidTokens = request.pushTokens.clone(); // OneSignal names no ids when none was reachable
                } else {
                    report.error = "OneSignal created no notification: " + String.join("; ", sent.errors());
                }
            }
        } catch (ProviderException e) {
            report.error = e.getMessage();
            report.status = e.status();
        } catch (RuntimeException e) {
            report.error = "could not send: " + e.getMessage();
        }
    }

    /** A direct request counted in for closing to wait for, unless closing has begun: then it never starts (the restore sends it). */
    private void direct(SendRequest request, SendReport report) throws InterruptedException {
        synchronized (gate) {
            if (closing) {
                throw new InterruptedException("closing: the direct request is left for the restore");
            }
            directInFlight++;
        }
        try {
            sendDirect(request, report);
        } finally {
            synchronized (gate) {
                directInFlight--;
                gate.notifyAll();
            }
        }
    }

    private void sendDirect(SendRequest request, SendReport report) throws InterruptedException {
        DeviceSender sender;
        try {
            sender = sender(request.directKind());
        } catch (Exception e) {
            report.error = request.directKind().serviceName() + ": " + e.getMessage();
            return;
        }
        DirectSend.send(request, report, sender, ledger());
    }

    private synchronized DeviceSender sender(DeviceTokenKind service) throws Exception {
        DeviceSender sender = senders.get(service);
        if (sender == null) {
            sender = openSender(service);
            senders.put(service, sender);
        }
        return sender;
    }

    /** The client of a service, opened when its first push goes out. */
    DeviceSender openSender(DeviceTokenKind service) throws Exception {
        return direct.open(service);
    }

    private synchronized DirectLedger ledger() {
        if (ledger == null) {
            ledger = new DirectLedger(ledgerStore);
        }
        return ledger;
    }
}
