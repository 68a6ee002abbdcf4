package io.pushflow.flink.dispatch;

import io.pushflow.core.filter.FilterChain;
import io.pushflow.core.user.UserColumns;
import io.pushflow.store.ClickHouse;
import io.pushflow.store.UserStore;
import java.time.Duration;
import java.time.Instant;

/** The audience from ClickHouse {@code users}: exact counts and pages of newest rows in id order. */
public final class ClickHouseAudience implements AudienceSource.Factory {

    private final String url;
    private final String user;
    private final String password;
    private final String database;
    private final long maxExecutionMillis;

    public ClickHouseAudience(ClickHouse.Config config) {
        this.url = config.url();
        this.user = config.user();
        this.password = config.password();
        this.database = config.database();
        this.maxExecutionMillis = config.maxExecutionTime().toMillis();
    }

    @Override
    public AudienceSource open() {
        ClickHouse clickHouse = new ClickHouse(
                new ClickHouse.Config(url, user, password, database, Duration.ofMillis(maxExecutionMillis)));
        UserStore users = new UserStore(clickHouse);
        return new AudienceSource() {
            @Override
            public long count(FilterChain chain, Instant asOf) {
                return users.count(chain, asOf, true);
            }

            @Override
            public UserColumns page(FilterChain chain, Instant asOf, long afterUserId, int limit) {
                return users.page(chain, asOf, afterUserId, limit);
            }

            @Override
            public void close() {
                clickHouse.close();
            }
        };
    }
}
