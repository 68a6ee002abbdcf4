package io.pushflow.bench.provider;

import io.pushflow.provider.OneSignalClient;
import io.pushflow.provider.OneSignalFake;
import io.pushflow.provider.PushMessage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/** The raw part beneath the delivery job and the senders: the OneSignal client alone against its fake. */
public final class RawOneSignal {

    private RawOneSignal() {}

    /** Pushes a second: {@code pushes} ids in requests of {@code size} from {@code threads} threads. */
    public static double rate(String app, String key, int size, int pushes, int threads) throws Exception {
        try (OneSignalFake fake = new OneSignalFake(app, key)) {
            fake.keepBodies(false);
            OneSignalClient client = new OneSignalClient(
                    fake.baseUrl(), app, key, Duration.ofSeconds(10), 3, d -> Thread.sleep(d.toMillis()));
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            AtomicLong next = new AtomicLong();
            long start = System.nanoTime();
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                done.add(pool.submit(() -> {
                    for (long i; (i = next.getAndIncrement()) * size < pushes; ) {
                        List<String> ids = new ArrayList<>(size);
                        for (int k = 0; k < size; k++) {
                            ids.add("raw-" + i + "-" + k);
                        }
                        client.send(new PushMessage(
                                PushMessage.idempotencyKey("raw-" + i, "en"),
                                ids,
                                Map.of("en", "Wind"),
                                Map.of("en", "25 knots"),
                                Map.of("pushflow_campaign", 1),
                                null,
                                null));
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
            pool.shutdown();
            return pushes / ((System.nanoTime() - start) / 1e9);
        }
    }
}
