package io.pushflow.admin;

import io.micronaut.context.event.ApplicationEventListener;
import io.micronaut.context.event.ShutdownEvent;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The scheduled rounds (campaign starter, command relay, guardrails, key and campaign refreshes) run through here, so
 * that on shutdown none is half-way through a query when the connection pools close: the shutdown event (published
 * before any bean is destroyed) lets the running rounds finish and lets no new one start.
 */
@Singleton
public final class BackgroundRounds implements ApplicationEventListener<ShutdownEvent> {

    private static final Logger LOG = LoggerFactory.getLogger(BackgroundRounds.class);
    private static final long FINISH_SECONDS = 20;

    private final ReentrantReadWriteLock running = new ReentrantReadWriteLock();
    private volatile boolean stopping;

    /** Runs {@code round} unless the service is shutting down. */
    public void run(Runnable round) {
        if (stopping) {
            return;
        }
        running.readLock().lock();
        try {
            if (!stopping) {
                round.run();
            }
        } finally {
            running.readLock().unlock();
        }
    }

    public boolean stopping() {
        return stopping;
    }

    @Override
    public void onApplicationEvent(ShutdownEvent event) {
        stopping = true;
        try {
            if (running.writeLock().tryLock(FINISH_SECONDS, TimeUnit.SECONDS)) {
                running.writeLock().unlock();
            } else {
                LOG.warn("a background round still runs after {} s; shutting down beside it", FINISH_SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
