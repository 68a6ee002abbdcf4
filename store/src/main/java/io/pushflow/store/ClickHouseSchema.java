package io.pushflow.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Applies the DDL of {@code sql/clickhouse} (packaged as {@code clickhouse/*.sql}) to the configured database:
 * idempotent, so whoever starts first creates the tables and everyone else finds them.
 */
public final class ClickHouseSchema {

    /** The files in the order they apply; a new file is added here and in sql/clickhouse. */
    static final List<String> FILES = List.of("001_users.sql", "002_campaign_allocations.sql", "003_push_sends.sql",
            "004_provider_notifications.sql", "005_push_events.sql", "006_variant_totals.sql", "007_app_opens.sql");
    private static final String PLACEHOLDER = "${CLICKHOUSE_DATABASE}";

    private ClickHouseSchema() {
    }

    public static void apply(ClickHouse clickHouse) {
        clickHouse.createDatabase();
        for (String file : FILES) {
            for (String statement : statements(read(file))) {
                clickHouse.execute(statement.replace(PLACEHOLDER, ClickHouse.identifier(clickHouse.config().database())));
            }
        }
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
