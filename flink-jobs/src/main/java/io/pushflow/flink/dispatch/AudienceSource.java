package io.pushflow.flink.dispatch;

import io.pushflow.core.filter.FilterChain;
import io.pushflow.core.user.UserColumns;
import java.io.Serializable;
import java.time.Instant;

/** Where a campaign's audience comes from: ClickHouse {@code users} in the job, a list in tests. */
public interface AudienceSource extends AutoCloseable {

    /** How many users the chain selects now. */
    long count(FilterChain chain, Instant asOf);

    /** The next users the chain selects with ids above {@code afterUserId}, in id order, at most {@code limit}. */
    UserColumns page(FilterChain chain, Instant asOf, long afterUserId, int limit);

    /** Whether a read waits on a server; the planner then reads the next page ahead on a thread of its own. */
    default boolean remote() {
        return true;
    }

    @Override
    default void close() {}

    /** Creates the source on the task manager (sources hold connections, which do not serialize). */
    interface Factory extends Serializable {
        AudienceSource open();
    }
}
