package io.pushflow.admin.cohort;

import io.micronaut.context.annotation.Value;
import io.pushflow.admin.users.UserTables;
import io.pushflow.core.filter.FilterChain;
import io.pushflow.store.UserStore;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Instant;
import java.util.List;

/** Counts a filter chain's users in ClickHouse, with a small sample of their ids. */
@Singleton
class CohortSizes {

    private final UserStore users;
    private final UserTables tables;
    private final Clock clock;
    private final int sampleSize;

    CohortSizes(
            UserStore users,
            UserTables tables,
            Clock clock,
            @Value("${pushflow.cohorts.sample-size:20}") int sampleSize) {
        this.users = users;
        this.tables = tables;
        this.clock = clock;
        this.sampleSize = sampleSize;
    }

    CohortSize size(FilterChain chain, boolean exact) {
        tables.ensure();
        Instant now = clock.instant();
        long started = System.nanoTime();
        long count = users.count(chain, now, exact);
        var sample = count == 0 ? List.<Long>of() : users.sampleIds(chain, now, sampleSize, exact);
        return new CohortSize(count, sample, exact, now, (System.nanoTime() - started) / 1_000_000);
    }
}
