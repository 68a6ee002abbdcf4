package io.pushflow.provider.device;

import java.time.Duration;

/** How a sender waits between retry rounds; tests record the waits instead. */
@FunctionalInterface
public interface Sleeper {

    Sleeper REAL = d -> Thread.sleep(d.toMillis());

    void sleep(Duration duration) throws InterruptedException;
}
