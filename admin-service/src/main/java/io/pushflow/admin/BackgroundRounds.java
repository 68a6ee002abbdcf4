package io.pushflow.admin;

import io.micronaut.context.event.ApplicationEventListener;
import io.micronaut.context.event.ShutdownEvent;
import io.micronaut.scheduling.TaskExecutors;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scheduled rounds (campaign starter, command relay, guardrails, key and campaign refreshes) run through here, so
 * that on shutdown none is half-way through a query when the connection pools close: the shutdown event (published
 * before any bean is destroyed) stops the scheduler, lets the running rounds finish and lets no new one start. (Left
 * running, the scheduler would fire a round while the beans are being destroyed and try to create its bean anew.)
 */
@Singleton
public final class BackgroundRounds implements ApplicationEventListener<ShutdownEvent> {

    private static final Logger LOG = LoggerFactory.getLogger(BackgroundRounds.class);
    private static final long FINISH_SECONDS = 20;

    private final ReentrantReadWriteLock running = new ReentrantReadWriteLock();
    private final ExecutorService scheduler;
    private volatile boolean stopping;

    public BackgroundRounds(@Named(TaskExecutors.SCHEDULED) ExecutorService scheduler) {
        this.scheduler = scheduler;
    }

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
        if (scheduler instanceof ScheduledThreadPoolExecutor pool) {
            pool.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        }
        scheduler.shutdown(); // periodic rounds are cancelled; one that runs goes on to its end
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
