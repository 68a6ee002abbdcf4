package io.pushflow.flink.dispatch;

import io.pushflow.core.filter.FilterChain;
import io.pushflow.core.user.UserColumns;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * The planner's reads of ClickHouse, on a thread of its own, so the planner's task thread never waits on ClickHouse
 * (checkpoints and commands pass meanwhile, and a server that is away makes reads fail here, not the task): one-off
 * reads (a campaign's count, an EVEN wave's page) and the pages of ASAP campaigns read back to back, at most
 * {@value #DEPTH} ahead of the planner. A page is handed out only for exactly the read the planner asks for (after
 * the same cursor, as many users); anything else starts the reading over from the planner's state. What was read
 * ahead is no state: after a restore the pages are read again.
 */
final class AudienceReadAhead implements AutoCloseable {

    static final int DEPTH = 2;

    /** A page read for the wave after {@code after}, of at most {@code size} users. */
    record Page(long after, int size, UserColumns users) {}

    private final AudienceSource audience;
    /** Null: read in the caller's thread (an in-memory audience, in tests). */
    private final ExecutorService thread;

    private final Map<Long, Reading> readings = new HashMap<>();
    private final Map<Long, OneOff> oneOffs = new HashMap<>();

    /** A read asked for once: {@code what} names it, so asking again for the same finds it. */
    private record OneOff(String what, CompletableFuture<Object> answer) {}

    AudienceReadAhead(AudienceSource audience) {
        this.audience = audience;
        this.thread = audience.remote()
                ? Executors.newSingleThreadExecutor(r -> {
                    Thread t = new Thread(r, "audience-read-ahead");
                    t.setDaemon(true);
                    return t;
                })
                : null;
    }

    /**
     * The page for the wave of {@code campaign} after {@code cursor} with {@code size} users, or null while it is
     * still being read. {@code remaining} (users left by the launch-time estimate) and {@code cap} (the largest wave)
     * let the reading go on past it the way the planner will ask. A read that failed throws here, in the planner's
     * thread, which decides what the failure means.
     */
    UserColumns take(
            CampaignControl campaign, FilterChain chain, Instant asOf, long cursor, int size, long remaining, int cap) {
        Reading r = readings.get(campaign.campaignId);
        if (r != null && r.failed != null) {
            forget(campaign.campaignId);
            throw r.failed;
        }
        if (r == null || r.campaignVersion != campaign.campaignVersion) {
            r = start(campaign, chain, asOf, cursor, remaining, cap);
        }
        Page next = r.pages.peekFirst();
        if (next == null) {
            return null;
        }
        if (next.after() != cursor || next.size() != size) {
            start(campaign, chain, asOf, cursor, remaining, cap);
            return null;
        }
        r.pages.pollFirst();
        r.resume();
        return next.users();
    }

    /**
     * The answer to the one-off read {@code what} of {@code campaignId}, or null while it runs. The first call starts
     * it; a failed read throws here, in the planner's thread, which decides what the failure means.
     */
    @SuppressWarnings("unchecked")
    <T> T once(long campaignId, String what, Supplier<T> read) {
        OneOff running = oneOffs.get(campaignId);
        if (running == null || !running.what().equals(what)) {
            CompletableFuture<Object> answer = new CompletableFuture<>();
            running = new OneOff(what, answer);
            oneOffs.put(campaignId, running);
            Runnable reading = () -> {
                try {
                    answer.complete(read.get());
                } catch (RuntimeException e) {
                    answer.completeExceptionally(e);
                }
            };
            if (thread == null) {
                reading.run();
            } else {
                thread.execute(reading);
            }
        }
        if (!running.answer().isDone()) {
            return null;
        }
        oneOffs.remove(campaignId);
        try {
            return (T) running.answer().join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }

    /** Stops reading for a campaign (paused, stopped, done). */
    void forget(long campaignId) {
        oneOffs.remove(campaignId);
        Reading r = readings.remove(campaignId);
        if (r != null) {
            r.cancelled = true;
        }
    }

    private Reading start(
            CampaignControl campaign, FilterChain chain, Instant asOf, long cursor, long remaining, int cap) {
        forget(campaign.campaignId);
        Reading r = new Reading(campaign.campaignVersion, chain, asOf, cursor, remaining, cap);
        readings.put(campaign.campaignId, r);
        r.resume();
        return r;
    }

    @Override
    public void close() {
        readings.values().forEach(r -> r.cancelled = true);
        oneOffs.clear();
        if (thread != null) {
            thread.shutdownNow();
        }
    }

    /** One campaign version's audience, read page after page; the reading thread owns the cursor. */
    private final class Reading {
        final long campaignVersion;
        final FilterChain chain;
        final Instant asOf;
        final int cap;
        final ConcurrentLinkedDeque<Page> pages = new ConcurrentLinkedDeque<>();
        final AtomicBoolean running = new AtomicBoolean();
        volatile boolean cancelled;
        volatile RuntimeException failed;
        long cursor;
        long remaining;
        volatile boolean ended;

        Reading(long campaignVersion, FilterChain chain, Instant asOf, long cursor, long remaining, int cap) {
            this.campaignVersion = campaignVersion;
            this.chain = chain;
            this.asOf = asOf;
            this.cursor = cursor;
            this.remaining = remaining;
            this.cap = cap;
        }

        /** Reads on until {@value #DEPTH} pages wait (or the audience ends), unless a read is running already. */
        void resume() {
            if (ended || pages.size() >= DEPTH || !running.compareAndSet(false, true)) {
                return;
            }
            if (thread == null) {
                readPages();
            } else {
                thread.execute(this::readPages);
            }
        }

        private void readPages() {
            try {
                while (!cancelled && !ended && pages.size() < DEPTH) {
                    int size = (int) (remaining > 0 ? Math.min(cap, remaining) : cap);
                    UserColumns users = audience.page(chain, asOf, cursor, size);
                    pages.addLast(new Page(cursor, size, users));
                    if (users.size() == 0) {
                        ended = true;
                    } else {
                        cursor = users.userIds[users.size() - 1];
                        remaining -= users.size();
                    }
                }
            } catch (RuntimeException e) {
                failed = e; // handed to the planner at its next take
            } finally {
                running.set(false);
            }
        }
    }
}
