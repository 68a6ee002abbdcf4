package io.pushflow.tools;

import io.pushflow.core.user.UserGenerator;
import io.pushflow.store.UserRows;
import io.pushflow.store.UserStore;
import java.io.PrintWriter;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Loads generated users straight into ClickHouse {@code users}: id ranges of {@code batchSize} users are generated
 * and encoded as JSONEachRow on {@code encoders} threads, and inserted one at a time, in id order, while the next
 * ones are being encoded.
 */
public final class UserLoad {

    /** How far the load is, after each insert. */
    public interface Progress {
        void inserted(long users, long total, double seconds);

        /** A line on {@code out} at most every two seconds, and at the end. */
        static Progress printing(PrintWriter out) {
            double[] lastPrinted = {0};
            return (users, total, seconds) -> {
                if (users == total || seconds - lastPrinted[0] >= 2) {
                    lastPrinted[0] = seconds;
                    out.printf(
                            Locale.ROOT,
                            "  %,d / %,d users (%.0f%%) in %.1f s, %,.0f users/s%n",
                            users,
                            total,
                            100.0 * users / total,
                            seconds,
                            users / seconds);
                }
            };
        }
    }

    /** What a load did: users, wall time, and the time spent waiting on ClickHouse inserts. */
    public record Report(long users, int batches, double seconds, double insertSeconds) {
        public double usersPerSecond() {
            return users / seconds;
        }
    }

    private record Batch(long users, Future<byte[]> rows) {}

    private final UserStore store;
    private final int batchSize;
    private final int encoders;

    public UserLoad(UserStore store, int batchSize, int encoders) {
        if (batchSize < 1 || encoders < 1) {
            throw new IllegalArgumentException(
                    "batchSize and encoders must be positive: " + batchSize + ", " + encoders);
        }
        this.store = store;
        this.batchSize = batchSize;
        this.encoders = encoders;
    }

    public Report load(UserGenerator generator, long firstId, long count, Progress progress) {
        ExecutorService pool = Executors.newFixedThreadPool(encoders, r -> {
            Thread t = new Thread(r, "user-encoder");
            t.setDaemon(true);
            return t;
        });
        Deque<Batch> ahead = new ArrayDeque<>();
        long started = System.nanoTime();
        long insertNanos = 0;
        long next = firstId;
        long end = Math.addExact(firstId, count);
        long done = 0;
        int batches = 0;
        try {
            while (next < end || !ahead.isEmpty()) {
                // one batch more than there are encoders: while one is inserted, every encoder has work
                while (next < end && ahead.size() <= encoders) {
                    long from = next;
                    long size = Math.min(batchSize, end - from);
                    ahead.add(new Batch(
                            size, pool.submit(() -> UserRows.jsonEachRow(generator.users(from, size)::iterator))));
                    next += size;
                }
                Batch batch = ahead.poll();
                byte[] rows = batch.rows().get();
                long insertStarted = System.nanoTime();
                store.insertEncoded(rows);
                insertNanos += System.nanoTime() - insertStarted;
                done += batch.users();
                batches++;
                progress.inserted(done, count, (System.nanoTime() - started) / 1e9);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("generating users failed: " + e.getCause(), e.getCause());
        } finally {
            pool.shutdownNow();
        }
        return new Report(done, batches, (System.nanoTime() - started) / 1e9, insertNanos / 1e9);
    }
}
