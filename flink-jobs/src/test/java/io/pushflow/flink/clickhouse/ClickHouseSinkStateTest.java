package io.pushflow.flink.clickhouse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.clickhouse.data.ClickHouseFormat;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.flink.connector.base.sink.writer.BufferedRequestState;
import org.apache.flink.connector.base.sink.writer.RequestEntryWrapper;
import org.junit.jupiter.api.Test;

class ClickHouseSinkStateTest {

    private final ClickHouseSink.RowsSerializer serializer = new ClickHouseSink.RowsSerializer();

    @Test
    void buffered_blocks_come_back_with_their_format() throws Exception {
        var blocks = List.of(
                new RequestEntryWrapper<>(
                        new ClickHouseSink.RowBlock(ClickHouseFormat.RowBinary, new byte[] {1, 2, 0, 3}), 4L),
                new RequestEntryWrapper<>(
                        new ClickHouseSink.RowBlock(
                                ClickHouseFormat.JSONEachRow, "{\"a\":1}\n".getBytes(StandardCharsets.UTF_8)),
                        8L));
        byte[] bytes = serializer.serialize(new BufferedRequestState<>(blocks));
        List<ClickHouseSink.RowBlock> back =
                serializer.deserialize(serializer.getVersion(), bytes).getBufferedRequestEntries().stream()
                        .map(RequestEntryWrapper::getRequestEntry)
                        .toList();
        assertThat(back).hasSize(2);
        assertThat(back.get(0).format()).isEqualTo(ClickHouseFormat.RowBinary);
        assertThat(back.get(0).bytes()).containsExactly(1, 2, 0, 3);
        assertThat(back.get(1).format()).isEqualTo(ClickHouseFormat.JSONEachRow);
        assertThat(new String(back.get(1).bytes(), StandardCharsets.UTF_8)).isEqualTo("{\"a\":1}\n");
    }

    @Test
    void rows_buffered_by_version_1_are_read_as_json_lines() throws Exception {
        // version 1: the base serializer's marker and entry count, then per entry its size and the line as
        // length-prefixed UTF-8
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            byte[] line = "{\"user_id\":7}".getBytes(StandardCharsets.UTF_8);
            out.writeLong(-1);
            out.writeInt(1);
            out.writeLong(line.length);
            out.writeInt(line.length);
            out.write(line);
        }
        List<ClickHouseSink.RowBlock> back =
                serializer.deserialize(1, bytes.toByteArray()).getBufferedRequestEntries().stream()
                        .map(RequestEntryWrapper::getRequestEntry)
                        .toList();
        assertThat(back).singleElement().satisfies(b -> {
            assertThat(b.format()).isEqualTo(ClickHouseFormat.JSONEachRow);
            assertThat(new String(b.bytes(), StandardCharsets.UTF_8)).isEqualTo("{\"user_id\":7}\n");
        });
        assertThatThrownBy(() -> serializer.deserialize(3, bytes.toByteArray())).hasMessageContaining("version 3");
    }
}
