package io.pushflow.bench.jobs;

import io.pushflow.core.delivery.Suppression;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Measures the delivery job's suppression state at 18 million users with a fifth suppressed: heap and serialized
 * size of the bitmap, beside a HashSet of boxed ids (the shape it replaces), and lookups per second.
 * Usage: bin/pushflow bench suppression [users] [share]
 */
public final class SuppressionSize {

    private SuppressionSize() {}

    public static void main(String[] args) {
        long users = args.length > 0 ? Long.parseLong(args[0]) : 18_000_000;
        double share = args.length > 1 ? Double.parseDouble(args[1]) : 0.2;
        long before = usedHeap();
        Suppression bitmap = new Suppression();
        SplittableRandom random = new SplittableRandom(1);
        for (long user = 1; user <= users; user++) {
            if (random.nextDouble() < share) {
                bitmap.suppress(user);
            }
        }
        bitmap.compact();
        long bitmapHeap = usedHeap() - before;
        long lookups = 0;
        long started = System.nanoTime();
        for (long user = 1; user <= users; user++) {
            lookups += bitmap.isSuppressed(user) ? 1 : 0;
        }
        double lookupSeconds = (System.nanoTime() - started) / 1e9;

        before = usedHeap();
        Set<Long> boxed = new HashSet<>();
        random = new SplittableRandom(1);
        for (long user = 1; user <= users; user++) {
            if (random.nextDouble() < share) {
                boxed.add(user);
            }
        }
        long setHeap = usedHeap() - before;
        System.out.printf("%,d users, %,d suppressed (%.0f%%)%n", users, bitmap.size(), share * 100);
        System.out.printf(
                "bitmap:          %,d bytes on the heap, %,d bytes serialized%n", bitmapHeap, bitmap.serializedBytes());
        System.out.printf("HashSet<Long>:   %,d bytes on the heap (%d entries)%n", setHeap, boxed.size());
        System.out.printf("ratio:           %.0fx smaller%n", (double) setHeap / Math.max(1, bitmapHeap));
        System.out.printf("lookups:         %,.0f per second (%d hits)%n", users / lookupSeconds, lookups);
    }

    private static long usedHeap() {
        for (int i = 0; i < 4; i++) {
            System.gc();
        }
        Runtime r = Runtime.getRuntime();
        return r.totalMemory() - r.freeMemory();
    }
}
