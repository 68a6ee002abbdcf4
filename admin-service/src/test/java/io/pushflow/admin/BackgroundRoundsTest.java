package io.pushflow.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micronaut.context.ApplicationContext;
import io.micronaut.context.event.ShutdownEvent;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Shutdown stops the scheduler, waits for a round half-way through (so no query is cut when the pools close) and starts
 * no new one.
 */
class BackgroundRoundsTest {

    @Test
    void shutdownWaitsForTheRunningRoundAndStartsNoNewOne() throws Exception {
        ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1);
        AtomicInteger periodicRuns = new AtomicInteger();
        scheduler.scheduleWithFixedDelay(periodicRuns::incrementAndGet, 0, 10, TimeUnit.MILLISECONDS);
        BackgroundRounds rounds = new BackgroundRounds(scheduler);
        ExecutorService threads = Executors.newFixedThreadPool(2); // the common pool has one thread on two cores
        CountDownLatch inRound = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicBoolean roundFinished = new AtomicBoolean();
        CompletableFuture<Void> round = CompletableFuture.runAsync(
                () -> rounds.run(() -> {
                    inRound.countDown();
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    roundFinished.set(true);
                }),
                threads);
        assertTrue(inRound.await(10, TimeUnit.SECONDS));

        ShutdownEvent event = new ShutdownEvent(ApplicationContext.builder().build());
        AtomicBoolean shutdownReturned = new AtomicBoolean();
        CompletableFuture<Void> shutdown = CompletableFuture.runAsync(
                () -> {
                    rounds.onApplicationEvent(event);
                    shutdownReturned.set(true);
                },
                threads);
        Thread.sleep(300);
        assertFalse(shutdownReturned.get(), "shutdown went on while a round was half-way through");
        assertTrue(rounds.stopping());

        release.countDown();
        shutdown.get(10, TimeUnit.SECONDS);
        round.get(10, TimeUnit.SECONDS);
        assertTrue(roundFinished.get());

        assertTrue(
                scheduler.isShutdown(), "the scheduler still runs: it would fire rounds while the beans are destroyed");
        int runsAtShutdown = periodicRuns.get();
        Thread.sleep(100);
        assertEquals(runsAtShutdown, periodicRuns.get(), "a periodic round ran after the shutdown");
        AtomicInteger laterRounds = new AtomicInteger();
        rounds.run(laterRounds::incrementAndGet);
        assertEquals(0, laterRounds.get(), "a round started after the shutdown began");
        threads.shutdown();
    }
}
