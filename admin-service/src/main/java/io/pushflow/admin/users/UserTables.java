package io.pushflow.admin.users;

import io.micronaut.context.event.StartupEvent;
import io.micronaut.runtime.event.annotation.EventListener;
import io.pushflow.store.ClickHouse;
import io.pushflow.store.ClickHouseException;
import io.pushflow.store.ClickHouseSchema;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes sure ClickHouse has the project's tables: at start, and again before the first use if ClickHouse was
 * not reachable then (the configuration API works without it).
 */
@Singleton
public class UserTables {

    private static final Logger LOG = LoggerFactory.getLogger(UserTables.class);

    private final ClickHouse clickHouse;
    private volatile boolean ready;

    UserTables(ClickHouse clickHouse) {
        this.clickHouse = clickHouse;
    }

    @EventListener
    void onStartup(StartupEvent event) {
        try {
            ensure();
        } catch (ClickHouseException e) {
            LOG.warn(
                    "ClickHouse at {} is not ready ({}); user and cohort-size endpoints will retry",
                    clickHouse.config().url(),
                    e.getMessage());
        }
    }

    public void ensure() {
        if (!ready) {
            synchronized (this) {
                if (!ready) {
                    ClickHouseSchema.apply(clickHouse);
                    ready = true;
                }
            }
        }
    }
}
