package io.pushflow.store;

import io.pushflow.core.filter.ClickHouseFilterSql;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Applies the DDL of {@code sql/clickhouse} (packaged as {@code clickhouse/*.sql}) to the configured database:
 * idempotent, so whoever starts first creates the tables and everyone else finds them. A column added to a table later is
 * an {@code ALTER TABLE ... ADD COLUMN} statement of its own, skipped where the column exists.
 */
public final class ClickHouseSchema {

    /** The files in the order they apply; a new file is added here and in sql/clickhouse. */
    static final List<String> FILES = List.of(
            "001_users.sql",
            "002_campaign_allocations.sql",
            "003_push_sends.sql",
            "004_provider_notifications.sql",
            "005_push_events.sql",
            "006_variant_totals.sql",
            "007_app_opens.sql",
            "008_variant_totals_history.sql",
            "009_rejected_rows.sql",
            "010_direct_requests.sql");

    private static final String PLACEHOLDER = "${CLICKHOUSE_DATABASE}";
    /** {@code ALTER TABLE ${CLICKHOUSE_DATABASE}.table ADD COLUMN name ...}: applied only while the column is missing. */
    static final Pattern ADD_COLUMN =
            Pattern.compile("^ALTER TABLE \\$\\{CLICKHOUSE_DATABASE}\\.(\\w+) ADD COLUMN (\\w+) ");

    /** What {@link #apply} did: the files it read and the statements it ran (a column that exists is not added again). */
    public record Applied(int files, int statements) {}

    private ClickHouseSchema() {}

    public static Applied apply(ClickHouse clickHouse) {
        clickHouse.createDatabase();
        String database = clickHouse.config().database();
        int statements = 0;
        for (String file : FILES) {
            for (String statement : statements(read(file))) {
                Matcher added = ADD_COLUMN.matcher(statement);
                if (added.find()
                        && clickHouse.selectLong("SELECT count() AS n FROM system.columns WHERE database = "
                                        + ClickHouseFilterSql.quote(database) + " AND table = "
                                        + ClickHouseFilterSql.quote(added.group(1)) + " AND name = "
                                        + ClickHouseFilterSql.quote(added.group(2)))
                                > 0) {
                    continue; // 18.16 has no ADD COLUMN IF NOT EXISTS: a column added before is left as it is
                }
                clickHouse.execute(statement.replace(PLACEHOLDER, ClickHouse.identifier(database)));
                statements++;
            }
        }
        return new Applied(FILES.size(), statements);
    }

    /** Statements end with {@code ;} at the end of a line; {@code --} comments are dropped. */
    static List<String> statements(String text) {
        List<String> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : text.split("\n")) {
            String code = line.replaceFirst("\\s*--.*$", "");
            if (code.isBlank()) {
                continue;
            }
            current.append(code).append('\n');
            if (code.stripTrailing().endsWith(";")) {
                String statement = current.toString().strip();
                out.add(statement.substring(0, statement.length() - 1).strip());
                current.setLength(0);
            }
        }
        if (!current.toString().isBlank()) {
            out.add(current.toString().strip());
        }
        return out;
    }

    private static String read(String file) {
        try (InputStream in = ClickHouseSchema.class.getResourceAsStream("/clickhouse/" + file)) {
            if (in == null) {
                throw new IllegalStateException("clickhouse/" + file + " is not on the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
