package io.pushflow.flink.delivery;

import io.pushflow.provider.ProviderException;
import io.pushflow.provider.PushProvider;
import io.pushflow.provider.SendResult;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.functions.async.ResultFuture;
import org.apache.flink.streaming.api.functions.async.RichAsyncFunction;

import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Sends requests through the provider with Flink's Async I/O: the provider client retries rate limits and
 * server errors itself (same idempotency key), so a slow provider keeps requests in flight and the operator's
 * bounded capacity turns that into backpressure; nothing is dropped. A request the provider refuses, or that
 * still fails after every retry, reports the provider's error.
 */
public class ProviderSender extends RichAsyncFunction<SendRequest, SendReport> {

    public static final String UID = "provider-send";

    private final ProviderFactory factory;
    private final int threads;
    private transient PushProvider provider;
    private transient ExecutorService pool;

    public ProviderSender(ProviderFactory factory, int threads) {
        this.factory = factory;
        this.threads = threads;
    }

    @Override
    public void open(OpenContext context) {
        provider = factory.open();
        pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "provider-send");
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public void close() {
        if (pool != null) {
            pool.shutdownNow();
        }
    }

    @Override
    public void asyncInvoke(SendRequest request, ResultFuture<SendReport> result) {
        pool.execute(() -> {
            SendReport report = new SendReport();
            report.request = request;
            long start = System.nanoTime();
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
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                result.completeExceptionally(e);
                return;
            } catch (RuntimeException e) {
                report.error = "could not send: " + e.getMessage();
            }
            report.latencyMillis = (System.nanoTime() - start) / 1_000_000;
            report.atMillis = System.currentTimeMillis();
            result.complete(List.of(report));
        });
    }
}
