package io.pushflow.flink.clickhouse;

import io.pushflow.store.ClickHouse;
import org.apache.flink.connector.base.sink.AsyncSinkBase;
import org.apache.flink.connector.base.sink.writer.AsyncSinkWriter;
import org.apache.flink.connector.base.sink.writer.AsyncSinkWriterStateSerializer;
import org.apache.flink.connector.base.sink.writer.BufferedRequestState;
import org.apache.flink.connector.base.sink.writer.ElementConverter;
import org.apache.flink.connector.base.sink.writer.ResultHandler;
import org.apache.flink.api.connector.sink2.StatefulSinkWriter;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Writes rows into a ClickHouse table as JSONEachRow inserts, batched by Flink's AsyncSinkBase (buffered rows
 * are part of the checkpoint, so none is lost). A failed insert is retried after a pause; tables written this
 * way are ReplacingMergeTrees keyed by deterministic ids, so a row written twice counts once.
 */
public class ClickHouseSink<T> extends AsyncSinkBase<T, String> {

    private static final Logger LOG = LoggerFactory.getLogger(ClickHouseSink.class);

    private final ClickHouse.Config config;
    private final String table;

    public ClickHouseSink(ElementConverter<T, String> converter, ClickHouse.Config config, String table) {
        super(converter, 10_000, 1, 100_000, 32L << 20, 1_000, 1L << 20);
        this.config = config;
        this.table = table;
    }

    @Override
    @Deprecated
    public StatefulSinkWriter<T, BufferedRequestState<String>> createWriter(InitContext context) {
        return new Writer<>(this, context, List.of());
    }

    @Override
    @Deprecated
    public StatefulSinkWriter<T, BufferedRequestState<String>> restoreWriter(InitContext context, Collection<BufferedRequestState<String>> states) {
        return new Writer<>(this, context, states);
    }

    @Override
    public SimpleVersionedSerializer<BufferedRequestState<String>> getWriterStateSerializer() {
        return new RowsSerializer();
    }

    static final class Writer<T> extends AsyncSinkWriter<T, String> {

        private final ClickHouse clickHouse;
        private final String table;
        private final ExecutorService io = Executors.newSingleThreadExecutor(r -> new Thread(r, "clickhouse-sink"));

        Writer(ClickHouseSink<T> sink, InitContext context, Collection<BufferedRequestState<String>> states) {
            super(sink.getElementConverter(), context, sink.getMaxBatchSize(), sink.getMaxInFlightRequests(), sink.getMaxBufferedRequests(),
                    sink.getMaxBatchSizeInBytes(), sink.getMaxTimeInBufferMS(), sink.getMaxRecordSizeInBytes(), states);
            this.clickHouse = new ClickHouse(sink.config);
            this.table = clickHouse.table(sink.table);
        }

        @Override
        protected void submitRequestEntries(List<String> rows, ResultHandler<String> result) {
            io.execute(() -> {
                try {
                    clickHouse.insertJsonEachRow(table, String.join("\n", rows).getBytes(StandardCharsets.UTF_8));
                } catch (RuntimeException e) {
                    LOG.warn("insert of {} rows into {} failed, retrying in 1 s: {}", rows.size(), table, e.getMessage());
                    try {
                        Thread.sleep(1_000);
                    } catch (InterruptedException interrupted) {
                        Thread.currentThread().interrupt();
                    }
                    answer(() -> result.retryForEntries(rows));
                    return;
                }
                answer(result::complete);
            });
        }

        /** Tells the writer how a request ended; a writer closed meanwhile (the job failed) has its rows in the last checkpoint. */
        private static void answer(Runnable outcome) {
            try {
                outcome.run();
            } catch (java.util.concurrent.RejectedExecutionException closed) {
                LOG.debug("the sink closed before an insert ended: its rows are replayed from the last checkpoint");
            }
        }

        @Override
        protected long getSizeInBytes(String row) {
            return row.length();
        }

        @Override
        public void close() {
            super.close();
            io.shutdown();
            clickHouse.close();
        }
    }

    static final class RowsSerializer extends AsyncSinkWriterStateSerializer<String> {

        @Override
        protected void serializeRequestToStream(String row, DataOutputStream out) throws IOException {
            byte[] bytes = row.getBytes(StandardCharsets.UTF_8);
            out.writeInt(bytes.length);
            out.write(bytes);
        }

        @Override
        protected String deserializeRequestFromStream(long size, DataInputStream in) throws IOException {
            byte[] bytes = new byte[in.readInt()];
            in.readFully(bytes);
            return new String(bytes, StandardCharsets.UTF_8);
        }

        @Override
        public int getVersion() {
            return 1;
        }
    }
}
