package io.pushflow.store;

import io.pushflow.core.filter.ClickHouseFilterSql;
import io.pushflow.core.filter.FilterChain;
import io.pushflow.core.user.User;
import io.pushflow.core.user.UserColumns;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.stream.Collectors;

/**
 * ClickHouse {@code users}: writes, cohort counts and samples, and the newest row of given users.
 * The table is a ReplacingMergeTree, so until ClickHouse merges, a changed user has old rows beside the new
 * one; {@code exact} queries read with FINAL (newest row only), the fast ones do not.
 */
public final class UserStore {

    private final ClickHouse clickHouse;
    private final String table;

    public UserStore(ClickHouse clickHouse) {
        this.clickHouse = clickHouse;
        this.table = clickHouse.table("users");
    }

    public void insert(Collection<User> users) {
        if (!users.isEmpty()) {
            clickHouse.insertJsonEachRow(table, UserRows.jsonEachRow(users));
        }
    }

    /** Inserts rows already encoded by {@link UserRows#jsonEachRow}. */
    public void insertEncoded(byte[] jsonEachRow) {
        clickHouse.insertJsonEachRow(table, jsonEachRow);
    }

    public long count(FilterChain chain, Instant now, boolean exact) {
        return clickHouse.selectLong(
                "SELECT count() AS n FROM " + from(exact) + " WHERE " + ClickHouseFilterSql.where(chain, now));
    }

    /**
     * Up to {@code limit} matching user ids, sorted; which ones is up to ClickHouse (the first it finds), because
     * asking for the lowest makes it read the whole table while a plain limit stops early.
     */
    public List<Long> sampleIds(FilterChain chain, Instant now, int limit, boolean exact) {
        return ids("SELECT DISTINCT user_id FROM " + from(exact) + " WHERE " + ClickHouseFilterSql.where(chain, now)
                        + " LIMIT " + limit)
                .stream()
                .sorted()
                .toList();
    }

    /**
     * The next {@code limit} matching users with ids above {@code afterUserId}, in id order, newest rows only:
     * one page of a campaign's audience, read as RowBinary straight into columns.
     */
    public UserColumns page(FilterChain chain, Instant asOf, long afterUserId, int limit) {
        // ClickHouse 18.16 cannot stop an ordered read early: "user_id > cursor ORDER BY user_id LIMIT n" reads and
        // sorts every row after the cursor (9.5 s at 18M users). Bounded id ranges use the primary key instead,
        // widening while the cohort is sparse.
        String where = ClickHouseFilterSql.where(chain, asOf);
        UserColumns.Builder page = new UserColumns.Builder(limit);
        long from = afterUserId;
        long span = Math.max(1_000, 4L * limit);
        long last = Long.MAX_VALUE; // asked only when the first range does not fill the page
        while (page.size() < limit && from < last) {
            long to = span > last - from ? last : from + span;
            clickHouse.selectRowBinary(
                    "SELECT " + UserRows.PAGE + " FROM " + table + " FINAL WHERE user_id > " + from + " AND user_id <= "
                            + to + " AND " + where + " ORDER BY user_id LIMIT " + (limit - page.size()),
                    rows -> UserRows.read(rows, page));
            from = to;
            span = Math.min(span * 2, Long.MAX_VALUE / 4);
            if (last == Long.MAX_VALUE && page.size() < limit) {
                last = clickHouse.selectLong("SELECT max(user_id) AS n FROM " + table);
            }
        }
        return page.build();
    }

    /** Every matching user id (for tests and small cohorts), ordered. */
    public List<Long> matchingIds(FilterChain chain, Instant now) {
        return ids("SELECT user_id FROM " + from(true) + " WHERE " + ClickHouseFilterSql.where(chain, now)
                + " ORDER BY user_id");
    }

    private List<Long> ids(String sql) {
        return clickHouse.select(sql).stream()
                .map(r -> Long.parseUnsignedLong(r.get("user_id").toString()))
                .toList();
    }

    /** The newest row of each of these users that exists. */
    public List<User> find(Collection<Long> ids) {
        if (ids.isEmpty()) {
            return List.of();
        }
        String list = ids.stream().map(String::valueOf).collect(Collectors.joining(","));
        return clickHouse
                .select(
                        "SELECT " + UserRows.SELECT + " FROM " + table + " FINAL WHERE user_id IN (" + list
                                + ") ORDER BY user_id",
                        UserRows.Row.class)
                .stream()
                .map(UserRows.Row::toUser)
                .toList();
    }

    public long countAll() {
        return clickHouse.selectLong("SELECT count() AS n FROM " + table);
    }

    /** Merges old versions away, so fast counts are exact again (after a bulk import). */
    public void optimize() {
        clickHouse.execute("OPTIMIZE TABLE " + table + " FINAL");
    }

    private String from(boolean exact) {
        return exact ? table + " FINAL" : table;
    }
}
