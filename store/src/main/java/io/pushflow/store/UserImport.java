package io.pushflow.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import io.pushflow.core.json.Json;
import io.pushflow.core.user.User;
import io.pushflow.core.user.UserFields;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Streams users from NDJSON or CSV (header row, column names as in {@code users}, sports separated by '|')
 * into ClickHouse: each line is checked on its own, a bad line is reported with its number and never stops the
 * rest, and good ones go out in large batches, the next batch parsed while the last one is encoded and written.
 */
public final class UserImport {

    public enum Format {
        NDJSON,
        CSV
    }

    /** One refused line. */
    public record Rejection(long line, String reason) {}

    /** What happened: counts, the first rejections, and the time it took. */
    public record Report(long accepted, long rejected, List<Rejection> rejections, long millis) {}

    public static final int MAX_REPORTED = 1_000;
    private static final TypeReference<LinkedHashMap<String, Object>> OBJECT = new TypeReference<>() {};

    private final UserStore store;
    private final Clock clock;
    private final int batchSize;

    public UserImport(UserStore store, Clock clock, int batchSize) {
        this.store = store;
        this.clock = clock;
        this.batchSize = batchSize;
    }

    public Report run(InputStream body, Format format) {
        long started = System.nanoTime();
        long defaultVersion = clock.millis();
        Batches batches = new Batches();
        try {
            if (format == Format.NDJSON) {
                readNdjson(body, defaultVersion, batches);
            } else {
                readCsv(body, defaultVersion, batches);
            }
            batches.finish();
        } finally {
            batches.writer.shutdownNow();
        }
        return new Report(
                batches.accepted,
                batches.rejected,
                List.copyOf(batches.rejections),
                (System.nanoTime() - started) / 1_000_000);
    }

    private void readNdjson(InputStream body, long defaultVersion, Batches batches) {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8), 1 << 16)) {
            long line = 0;
            for (String text = reader.readLine(); text != null; text = reader.readLine()) {
                line++;
                if (text.isBlank()) {
                    continue;
                }
                Map<String, Object> record;
                try {
                    record = Json.MAPPER.readValue(text, OBJECT);
                } catch (JsonProcessingException e) {
                    batches.reject(line, "not a JSON object: " + e.getOriginalMessage());
                    continue;
                }
                if (record == null) {
                    batches.reject(line, "not a JSON object: null");
                    continue;
                }
                batches.offer(line, record, defaultVersion);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("reading the import body", e);
        }
    }

    /**
     * A row is one line (no user field holds a line break), read on its own, so a malformed row (a stray quote, too
     * few or too many fields) is reported with its line number and the next line is read as if nothing happened.
     */
    private void readCsv(InputStream body, long defaultVersion, Batches batches) {
        ObjectReader row = new CsvMapper().readerFor(String[].class);
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8), 1 << 16)) {
            String headerText = reader.readLine();
            if (headerText == null) {
                return;
            }
            String[] header;
            try {
                header = row.readValue(headerText);
            } catch (IOException | RuntimeException e) {
                batches.reject(1, "the header is not a CSV row: " + firstLine(e) + "; no row can be read without it");
                return;
            }
            for (int i = 0; i < header.length; i++) {
                header[i] = header[i].trim();
            }
            long line = 1;
            for (String text = reader.readLine(); text != null; text = reader.readLine()) {
                line++;
                if (text.isBlank()) {
                    continue;
                }
                String[] fields;
                try {
                    fields = row.readValue(text);
                } catch (IOException | RuntimeException e) {
                    batches.reject(line, "not a CSV row: " + firstLine(e));
                    continue;
                }
                if (fields.length != header.length) {
                    batches.reject(line, fields.length + " fields where the header has " + header.length);
                    continue;
                }
                Map<String, Object> record = new LinkedHashMap<>();
                for (int i = 0; i < fields.length; i++) {
                    if (!fields[i].isEmpty()) {
                        record.put(header[i], fields[i]);
                    }
                }
                batches.offer(line, record, defaultVersion);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("reading the import body", e);
        }
    }

    private static String firstLine(Exception e) {
        return e.getMessage() == null
                ? e.getClass().getSimpleName()
                : e.getMessage().lines().findFirst().orElse("");
    }

    /** Collects good users and writes full batches on a second thread, one write at a time. */
    private final class Batches {
        final ExecutorService writer = Executors.newSingleThreadExecutor(r -> new Thread(r, "user-import-writer"));
        final List<Rejection> rejections = new ArrayList<>();
        List<User> batch = new ArrayList<>(batchSize);
        CompletableFuture<Void> inFlight = CompletableFuture.completedFuture(null);
        long accepted;
        long rejected;

        void offer(long line, Map<String, ?> record, long defaultVersion) {
            try {
                batch.add(UserFields.user(record, defaultVersion));
            } catch (UserFields.InvalidUserException e) {
                reject(line, e.getMessage());
                return;
            }
            if (batch.size() >= batchSize) {
                flush();
            }
        }

        void reject(long line, String reason) {
            rejected++;
            if (rejections.size() < MAX_REPORTED) {
                rejections.add(new Rejection(line, reason));
            }
        }

        void flush() {
            List<User> full = batch;
            batch = new ArrayList<>(batchSize);
            inFlight.join();
            // encoding rides with the insert on the writer thread, so parsing the next batch uses the other core
            inFlight = CompletableFuture.runAsync(() -> store.insertEncoded(UserRows.jsonEachRow(full)), writer);
            accepted += full.size();
        }

        void finish() {
            if (!batch.isEmpty()) {
                flush();
            }
            inFlight.join();
        }
    }
}
