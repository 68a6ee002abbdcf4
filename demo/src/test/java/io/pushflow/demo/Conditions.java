package io.pushflow.demo;

import io.pushflow.tools.AdminApi;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** What the end-to-end tests wait for and expect of the admin service's answers. */
final class Conditions {

    interface Condition {
        boolean holds() throws Exception;
    }

    private Conditions() {
    }

    /** Waits until {@code condition} holds; fails the test with {@code what} after {@code timeout}. */
    static void await(Condition condition, Duration timeout, String what) throws Exception {
        long deadline = System.nanoTime() + Math.max(0, timeout.toNanos());
        while (!condition.holds()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + timeout + ": " + what);
            }
            Thread.sleep(250);
        }
    }

    /** The answer, when its status is {@code expected}; else the test fails with the answer's body. */
    static AdminApi.Reply ok(AdminApi.Reply r, int expected) {
        assertThat(r.status()).as(r.text()).isEqualTo(expected);
        return r;
    }
}
