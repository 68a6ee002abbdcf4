package io.pushflow.flink.dispatch;

import io.pushflow.core.filter.FilterChain;
import io.pushflow.core.filter.UserPredicate;
import io.pushflow.core.user.User;
import io.pushflow.core.user.UserColumns;
import io.pushflow.core.user.UserGenerator;
import java.time.Instant;
import java.util.List;

/** An audience of generated users held in memory, selected with the same predicate the SQL is tested against. */
final class GeneratedAudience implements AudienceSource.Factory {

    final long seed;
    final int users;
    final long nowMillis;

    GeneratedAudience(long seed, int users, long nowMillis) {
        this.seed = seed;
        this.users = users;
        this.nowMillis = nowMillis;
    }

    List<User> all() {
        return new UserGenerator(seed, Instant.ofEpochMilli(nowMillis))
                .users(1, users)
                .toList();
    }

    List<User> matching(FilterChain chain, Instant asOf) {
        return all().stream().filter(UserPredicate.of(chain, asOf)).toList();
    }

    @Override
    public AudienceSource open() {
        List<User> population = all();
        return new AudienceSource() {
            @Override
            public long count(FilterChain chain, Instant asOf) {
                return population.stream().filter(UserPredicate.of(chain, asOf)).count();
            }

            @Override
            public boolean remote() {
                return false; // read ahead inline: the harness tests stay deterministic
            }

            @Override
            public UserColumns page(FilterChain chain, Instant asOf, long afterUserId, int limit) {
                return UserColumns.of(population.stream()
                        .filter(u -> u.userId() > afterUserId)
                        .filter(UserPredicate.of(chain, asOf))
                        .limit(limit)
                        .toList());
            }
        };
    }
}
