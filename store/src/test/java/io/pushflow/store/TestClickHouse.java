package io.pushflow.store;

import java.util.concurrent.ThreadLocalRandom;

/** A private ClickHouse database with the project's tables for one test class, dropped by {@link #close()}. */
final class TestClickHouse implements AutoCloseable {

    final ClickHouse clickHouse;

    TestClickHouse() {
        String database =
                "pushflow_t_" + Long.toString(ThreadLocalRandom.current().nextLong(1L << 40), 36);
        this.clickHouse = new ClickHouse(ClickHouse.Config.fromEnvironment().withDatabase(database));
        ClickHouseSchema.apply(clickHouse);
    }

    @Override
    public void close() {
        clickHouse.dropDatabase();
        clickHouse.close();
    }
}
