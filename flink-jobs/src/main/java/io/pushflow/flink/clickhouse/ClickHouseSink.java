package io.pushflow.flink.clickhouse;

import com.clickhouse.data.ClickHouseFormat;
import io.pushflow.core.json.Json;
import io.pushflow.store.ClickHouse;
import io.pushflow.store.ClickHouseException;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import org.apache.flink.api.connector.sink2.StatefulSinkWriter;
import org.apache.flink.connector.base.sink.AsyncSinkBase;
import org.apache.flink.connector.base.sink.writer.AsyncSinkWriter;
import org.apache.flink.connector.base.sink.writer.AsyncSinkWriterStateSerializer;
import org.apache.flink.connector.base.sink.writer.BufferedRequestState;
import org.apache.flink.connector.base.sink.writer.ElementConverter;
import org.apache.flink.connector.base.sink.writer.ResultHandler;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes rows into a ClickHouse table, batched by Flink's AsyncSinkBase (buffered rows are part of the checkpoint,
 * so none is lost). An element becomes one block of rows, JSONEachRow lines or RowBinary. An insert that failed
 * because ClickHouse was away, slow or busy is retried after a pause; one ClickHouse refused for what it holds is
 * split until the refused blocks are found, and those are set aside in {@code rejected_rows} with the reason, so one
 * row that can never be written does not stall the table. Tables written this way are ReplacingMergeTrees keyed by
 * deterministic ids, so a row written twice counts once.
 */
public class ClickHouseSink<T> extends AsyncSinkBase<T, ClickHouseSink.RowBlock> {

    private static final Logger LOG = LoggerFactory.getLogger(ClickHouseSink.class);

    /** Encoded rows of one element, in the format they are inserted with. */
    public record RowBlock(ClickHouseFormat format, byte[] bytes) implements Serializable {}

    /** How an element becomes RowBinary rows. */
    @FunctionalInterface
    public interface Encoder<T> extends Serializable {
        byte[] encode(T element);
    }

    /** How an element becomes one JSONEachRow line. */
    @FunctionalInterface
    public interface Line<T> extends Serializable {
        String line(T element);
    }

    private static final long MAX_RECORD = 8L << 20;

    private final ClickHouse.Config config;
    private final String table;

    private ClickHouseSink(ElementConverter<T, RowBlock> converter, ClickHouse.Config config, String table) {
        super(converter, 10_000, 1, 100_000, 8L << 20, 300, MAX_RECORD);
        this.config = config;
        this.table = table;
    }

    /** One JSONEachRow line per element. */
    public static <T> ClickHouseSink<T> jsonEachRow(Line<T> line, ClickHouse.Config config, String table) {
        return new ClickHouseSink<>(
                (element, context) -> new RowBlock(
                        ClickHouseFormat.JSONEachRow, (line.line(element) + "\n").getBytes(StandardCharsets.UTF_8)),
                config,
                table);
    }

    /** Any number of RowBinary rows per element, every column in table order. */
    public static <T> ClickHouseSink<T> rowBinary(Encoder<T> rows, ClickHouse.Config config, String table) {
        return new ClickHouseSink<>(
                (element, context) -> new RowBlock(ClickHouseFormat.RowBinary, rows.encode(element)), config, table);
    }

    @Override
    @Deprecated
    public StatefulSinkWriter<T, BufferedRequestState<RowBlock>> createWriter(InitContext context) {
        return new Writer<>(this, context, List.of());
    }

    @Override
    @Deprecated
    public StatefulSinkWriter<T, BufferedRequestState<RowBlock>> restoreWriter(
            InitContext context, Collection<BufferedRequestState<RowBlock>> states) {
        return new Writer<>(this, context, states);
    }

    @Override
    public SimpleVersionedSerializer<BufferedRequestState<RowBlock>> getWriterStateSerializer() {
        return new RowsSerializer();
    }

    static final class Writer<T> extends AsyncSinkWriter<T, RowBlock> {

        /** How much of a refused block {@code rejected_rows} keeps. */
        static final int KEPT = 64 << 10;

        private final ClickHouse clickHouse;
        private final String table;
        private final String rejected;
        private final ExecutorService io = Executors.newSingleThreadExecutor(r -> new Thread(r, "clickhouse-sink"));

        Writer(ClickHouseSink<T> sink, InitContext context, Collection<BufferedRequestState<RowBlock>> states) {
            super(
                    sink.getElementConverter(),
                    context,
                    sink.getMaxBatchSize(),
                    sink.getMaxInFlightRequests(),
                    sink.getMaxBufferedRequests(),
                    sink.getMaxBatchSizeInBytes(),
                    sink.getMaxTimeInBufferMS(),
                    sink.getMaxRecordSizeInBytes(),
                    states);
            this.clickHouse = new ClickHouse(sink.config);
            this.table = clickHouse.table(sink.table);
            this.rejected = clickHouse.table("rejected_rows");
        }

        @Override
        protected void submitRequestEntries(List<RowBlock> blocks, ResultHandler<RowBlock> result) {
            io.execute(() -> {
                List<RowBlock> again = insertOrSetAside(blocks);
                if (again.isEmpty()) {
                    answer(result::complete);
                    return;
                }
                try {
                    Thread.sleep(1_000);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                }
                answer(() -> result.retryForEntries(again));
            });
        }

        /**
         * Inserts the blocks, and returns those to try again (ClickHouse away or slow). When ClickHouse refuses the
         * insert for what it holds, the halves are tried on their own until the refused blocks are found; those go to
         * {@code rejected_rows} with the reason.
         */
        private List<RowBlock> insertOrSetAside(List<RowBlock> blocks) {
            try {
                for (ClickHouseFormat format : List.of(ClickHouseFormat.RowBinary, ClickHouseFormat.JSONEachRow)) {
                    byte[] body = concat(blocks, format);
                    if (body.length > 0) {
                        clickHouse.insert(table, body, format);
                    }
                }
                return List.of();
            } catch (ClickHouseException e) {
                if (!e.refused()) {
                    LOG.warn(
                            "insert of {} blocks into {} failed, retrying in 1 s: {}",
                            blocks.size(),
                            table,
                            e.getMessage());
                    return blocks;
                }
                if (blocks.size() == 1) {
                    return setAside(blocks.get(0), e) ? List.of() : blocks;
                }
                List<RowBlock> again = new ArrayList<>(insertOrSetAside(blocks.subList(0, blocks.size() / 2)));
                again.addAll(insertOrSetAside(blocks.subList(blocks.size() / 2, blocks.size())));
                return again;
            } catch (RuntimeException e) {
                LOG.warn(
                        "insert of {} blocks into {} failed, retrying in 1 s: {}",
                        blocks.size(),
                        table,
                        e.getMessage());
                return blocks;
            }
        }

        /** One block ClickHouse will never take, kept with the reason; false when that could not be written now either. */
        private boolean setAside(RowBlock block, ClickHouseException refusal) {
            LOG.error(
                    "ClickHouse refused a block of {} bytes for {}, setting it aside in rejected_rows: {}",
                    block.bytes().length,
                    table,
                    refusal.serverMessage());
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("table_name", table);
            row.put("id", sha256(block.bytes()));
            row.put("error", abbreviate(refusal.serverMessage(), 2_000));
            row.put("format", block.format().name());
            byte[] kept = Arrays.copyOf(block.bytes(), Math.min(block.bytes().length, KEPT));
            row.put(
                    "rows",
                    block.format() == ClickHouseFormat.JSONEachRow
                            ? new String(kept, StandardCharsets.UTF_8)
                            : Base64.getEncoder().encodeToString(kept));
            row.put("bytes", block.bytes().length);
            row.put("at", ClickHouse.dateTime(Instant.now()));
            try {
                clickHouse.insertJsonEachRow(rejected, (Json.write(row) + "\n").getBytes(StandardCharsets.UTF_8));
                return true;
            } catch (ClickHouseException e) {
                if (e.refused()) {
                    LOG.error("ClickHouse refused to keep the refused block too, dropping it: {}", e.serverMessage());
                    return true;
                }
                return false;
            }
        }

        private static String sha256(byte[] bytes) {
            try {
                return HexFormat.of()
                        .formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }

        private static String abbreviate(String text, int max) {
            return text.length() <= max ? text : text.substring(0, max) + "...";
        }

        private static byte[] concat(List<RowBlock> blocks, ClickHouseFormat format) {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            for (RowBlock b : blocks) {
                if (b.format() == format) {
                    body.writeBytes(b.bytes());
                }
            }
            return body.toByteArray();
        }

        /** Tells the writer how a request ended; a writer closed meanwhile (the job failed) has its rows in the last checkpoint. */
        private static void answer(Runnable outcome) {
            try {
                outcome.run();
            } catch (RejectedExecutionException closed) {
                LOG.debug("the sink closed before an insert ended: its rows are replayed from the last checkpoint");
            }
        }

        /**
         * A block's size, as far as batching goes; never over the record limit, which would make the writer throw and the
         * job fail for ever on the same element (ClickHouse takes a block of any size, or refuses it).
         */
        @Override
        protected long getSizeInBytes(RowBlock block) {
            return Math.min(block.bytes().length, MAX_RECORD);
        }

        @Override
        public void close() {
            super.close();
            io.shutdown();
            clickHouse.close();
        }
    }

    /**
     * Buffered blocks in checkpoints. Version 2: the format's name and the bytes. Version 1 held one JSONEachRow
     * line per entry (without its newline) and is still read, so rows buffered before an upgrade are inserted.
     */
    static final class RowsSerializer extends AsyncSinkWriterStateSerializer<RowBlock> {

        private int reading = 2;

        @Override
        protected void serializeRequestToStream(RowBlock block, DataOutputStream out) throws IOException {
            out.writeUTF(block.format().name());
            out.writeInt(block.bytes().length);
            out.write(block.bytes());
        }

        @Override
        protected RowBlock deserializeRequestFromStream(long size, DataInputStream in) throws IOException {
            ClickHouseFormat format =
                    reading == 1 ? ClickHouseFormat.JSONEachRow : ClickHouseFormat.valueOf(in.readUTF());
            byte[] bytes = new byte[in.readInt()];
            in.readFully(bytes);
            if (reading == 1) {
                bytes = (new String(bytes, StandardCharsets.UTF_8) + "\n").getBytes(StandardCharsets.UTF_8);
            }
            return new RowBlock(format, bytes);
        }

        @Override
        public BufferedRequestState<RowBlock> deserialize(int version, byte[] serialized) throws IOException {
            if (version != 1 && version != 2) {
                throw new IOException("unknown state version " + version + " of the ClickHouse sink");
            }
            reading = version;
            return super.deserialize(version, serialized);
        }

        @Override
        public int getVersion() {
            return 2;
        }
    }
}
