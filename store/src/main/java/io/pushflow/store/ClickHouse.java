package io.pushflow.store;

import com.clickhouse.client.api.Client;
import com.clickhouse.client.api.insert.InsertSettings;
import com.clickhouse.client.api.query.QueryResponse;
import com.clickhouse.client.api.query.QuerySettings;
import com.clickhouse.data.ClickHouseFormat;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.MappingIterator;
import io.pushflow.core.json.Json;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * The project's ClickHouse connection over HTTP (client-v2). Written for both the Debian 18.16 server and a
 * current one: compression off both ways, the output format named in the SQL, JSONEachRow both ways, and a
 * {@code max_execution_time} on every statement so a slow query costs one request, not the server.
 */
public final class ClickHouse implements AutoCloseable {

    static final DateTimeFormatter DATE_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    /** Where ClickHouse is and how long one statement may run. */
    public record Config(String url, String user, String password, String database, Duration maxExecutionTime)
            implements Serializable {

        public static Config fromEnvironment() {
            return new Config(
                    env("CLICKHOUSE_URL", "http://127.0.0.1:8123"),
                    env("CLICKHOUSE_USER", "default"),
                    env("CLICKHOUSE_PASSWORD", ""),
                    env("CLICKHOUSE_DATABASE", "pushflow"),
                    Duration.ofSeconds(30));
        }

        public Config withDatabase(String other) {
            return new Config(url, user, password, other, maxExecutionTime);
        }

        /** Everything but the password, so a logged config never shows it. */
        @Override
        public String toString() {
            return "Config[url=" + url + ", user=" + user + ", password="
                    + (password == null || password.isEmpty() ? "(none)" : "(secret)") + ", database=" + database
                    + ", maxExecutionTime=" + maxExecutionTime + "]";
        }

        private static String env(String name, String fallback) {
            String value = System.getenv(name);
            if (value == null) {
                value = System.getProperty(name); // as in io.pushflow.core.Environment
            }
            return value == null ? fallback : value;
        }
    }

    private static final TypeReference<LinkedHashMap<String, Object>> ROW = new TypeReference<>() {};

    private final Config config;
    private final Client client;

    public ClickHouse(Config config) {
        this.config = config;
        this.client = new Client.Builder()
                .addEndpoint(config.url())
                .setUsername(config.user())
                .setPassword(config.password())
                .compressServerResponse(false)
                .compressClientRequest(false)
                .setConnectTimeout(5, ChronoUnit.SECONDS)
                // an idle connection goes before the server closes it (keep_alive_timeout: 3 s before 23.11, 10 s
                // after); reused at the edge, a request met a closed socket and was sent again ("Retrying.")
                .setKeepAliveTimeout(2, ChronoUnit.SECONDS)
                .setSocketTimeout(config.maxExecutionTime().plusSeconds(30).toMillis())
                .build();
    }

    public Config config() {
        return config;
    }

    /** {@code database.table}, quoted where needed. */
    public String table(String name) {
        return identifier(config.database()) + "." + identifier(name);
    }

    public static String identifier(String name) {
        if (name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
            return name;
        }
        return "`" + name.replace("\\", "\\\\").replace("`", "\\`") + "`";
    }

    /** Runs a statement that returns nothing (DDL, INSERT ... SELECT, OPTIMIZE). */
    /** A time as ClickHouse's DateTime text ({@code 2026-11-24 12:00:00}, UTC, whole seconds): the form JSONEachRow rows carry. */
    public static String dateTime(Instant instant) {
        return LocalDateTime.ofEpochSecond(instant.getEpochSecond(), 0, ZoneOffset.UTC)
                .format(DATE_TIME);
    }

    public void execute(String sql) {
        try (QueryResponse ignored = await(client.query(sql, settings()))) {
            // nothing to read
        } catch (ClickHouseException e) {
            throw e;
        } catch (Exception e) {
            throw new ClickHouseException("closing the response of: " + abbreviate(sql), e);
        }
    }

    /** Runs a SELECT and returns its rows as maps; 64-bit integers arrive as strings (JSON quoting). */
    public List<Map<String, Object>> select(String sql) {
        List<Map<String, Object>> rows = new ArrayList<>();
        try (QueryResponse response = await(client.query(sql + "\nFORMAT JSONEachRow", settings()));
                BufferedReader reader =
                        new BufferedReader(new InputStreamReader(response.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                if (!line.isBlank()) {
                    rows.add(Json.MAPPER.readValue(line, ROW));
                }
            }
        } catch (ClickHouseException e) {
            throw e;
        } catch (Exception e) {
            throw new ClickHouseException("reading the result of: " + abbreviate(sql), e);
        }
        return rows;
    }

    /** Runs a SELECT and binds each row to {@code type} as it streams in (its fields named as the columns). */
    public <T> List<T> select(String sql, Class<T> type) {
        List<T> rows = new ArrayList<>();
        try (QueryResponse response = await(client.query(sql + "\nFORMAT JSONEachRow", settings()));
                MappingIterator<T> it = Json.MAPPER.readerFor(type).readValues(response.getInputStream())) {
            while (it.hasNextValue()) {
                rows.add(it.nextValue());
            }
        } catch (ClickHouseException e) {
            throw e;
        } catch (Exception e) {
            throw new ClickHouseException("reading the result of: " + abbreviate(sql), e);
        }
        return rows;
    }

    /**
     * Runs a SELECT and returns its result as it streams in, in {@code format} (e.g. CSVWithNames); closing the stream
     * ends the response. {@code maxExecutionTime} bounds the whole query, the client's reading included (a long
     * download needs more than one statement's usual limit). The caller must close it.
     */
    public InputStream stream(String sql, String format, Duration maxExecutionTime) {
        QuerySettings settings = new QuerySettings()
                .serverSetting("max_execution_time", String.valueOf(Math.max(1, maxExecutionTime.toSeconds())));
        QueryResponse response = await(client.query(sql + "\nFORMAT " + format, settings));
        return new FilterInputStream(response.getInputStream()) {
            @Override
            public void close() throws IOException {
                try {
                    super.close();
                } finally {
                    try {
                        response.close();
                    } catch (Exception e) {
                        throw new IOException("closing the response of: " + abbreviate(sql), e);
                    }
                }
            }
        };
    }

    /** Runs a SELECT and hands its whole result, as RowBinary bytes, to {@code rows}. */
    public <T> T selectRowBinary(String sql, Function<ByteBuffer, T> rows) {
        byte[] body;
        try (QueryResponse response = await(client.query(sql + "\nFORMAT RowBinary", settings()))) {
            body = response.getInputStream().readAllBytes();
        } catch (ClickHouseException e) {
            throw e;
        } catch (Exception e) {
            throw new ClickHouseException("reading the result of: " + abbreviate(sql), e);
        }
        return rows.apply(ByteBuffer.wrap(body).order(ByteOrder.LITTLE_ENDIAN));
    }

    /** The single number a query like {@code SELECT count() ...} returns. */
    public long selectLong(String sql) {
        List<Map<String, Object>> rows = select(sql);
        return longValue(rows.get(0).values().iterator().next());
    }

    /** An integer column of a JSON row: ClickHouse writes 64-bit integers in JSON as strings; absent is 0. */
    public static long longValue(Object value) {
        return value == null ? 0 : value instanceof Number n ? n.longValue() : Long.parseLong(value.toString());
    }

    /** Inserts rows given as JSONEachRow lines. */
    public void insertJsonEachRow(String table, byte[] body) {
        insert(table, body, ClickHouseFormat.JSONEachRow);
    }

    /** Inserts rows encoded in {@code format} (JSONEachRow or RowBinary, which both server versions read). */
    public void insert(String table, byte[] body, ClickHouseFormat format) {
        InsertSettings settings = new InsertSettings().serverSetting("max_execution_time", seconds());
        try (var ignored = await(client.insert(table, new ByteArrayInputStream(body), format, settings))) {
            // the row count is not reported by 18.16
        } catch (ClickHouseException e) {
            throw e;
        } catch (Exception e) {
            throw new ClickHouseException("closing the insert into " + table, e);
        }
    }

    public void createDatabase() {
        execute("CREATE DATABASE IF NOT EXISTS " + identifier(config.database()));
    }

    public void dropDatabase() {
        execute("DROP DATABASE IF EXISTS " + identifier(config.database()));
    }

    private QuerySettings settings() {
        return new QuerySettings().serverSetting("max_execution_time", seconds());
    }

    private String seconds() {
        return String.valueOf(Math.max(1, config.maxExecutionTime().toSeconds()));
    }

    private <T> T await(CompletableFuture<T> future) {
        try {
            return future.get(config.maxExecutionTime().plusSeconds(30).toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClickHouseException("interrupted", e);
        } catch (ExecutionException e) {
            throw new ClickHouseException(e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            future.cancel(true);
            throw new ClickHouseException(
                    "no answer within " + config.maxExecutionTime().plusSeconds(30), e);
        }
    }

    private static String abbreviate(String sql) {
        return sql.length() > 200 ? sql.substring(0, 200) + "..." : sql;
    }

    @Override
    public void close() {
        client.close();
    }
}
