package io.pushflow.flink.clickhouse;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushflow.flink.JobEnvironment;
import io.pushflow.store.ClickHouse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The ClickHouse sink against the real server: a row it can never write is set aside with the reason, the others go in. */
class ClickHouseSinkTest {

    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(1)
            .build());

    static String event(String id, String type, String subscription) {
        return "{\"event_id\":\"" + id + "\",\"campaign_id\":7,\"variant\":\"A\",\"subscription_id\":\"" + subscription
                + "\",\"type\":\"" + type
                + "\",\"at\":\"2026-12-06 12:00:00\",\"received_at\":\"2026-12-06 12:00:01\"}";
    }

    @Test
    void a_row_clickhouse_refuses_is_set_aside_with_the_reason_and_the_rest_is_written() throws Exception {
        try (JobEnvironment je = new JobEnvironment()) {
            List<String> rows = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                rows.add(event("e" + i, "clicked", "s" + i));
            }
            rows.add(3, event("bad", "liked", "s-bad")); // no such type in the table's Enum8
            rows.add(event(
                    "huge",
                    "opened",
                    "s".repeat(9 << 20))); // over the sink's record limit, which made the writer throw
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
            env.setParallelism(1);
            env.fromData(Types.STRING, rows.toArray(String[]::new))
                    .sinkTo(ClickHouseSink.jsonEachRow((String row) -> row, je.chConfig, "push_events"))
                    .name("push_events");
            env.execute("a sink with a row that cannot be written");

            ClickHouse ch = je.clickHouse;
            List<Map<String, Object>> written =
                    ch.select("SELECT event_id FROM " + ch.table("push_events") + " ORDER BY event_id");
            assertThat(written)
                    .extracting(r -> r.get("event_id"))
                    .containsExactly("e0", "e1", "e2", "e3", "e4", "e5", "huge");
            List<Map<String, Object>> rejected =
                    ch.select("SELECT table_name, error, format, rows FROM " + ch.table("rejected_rows"));
            assertThat(rejected).singleElement().satisfies(r -> {
                assertThat(r.get("table_name")).isEqualTo(ch.table("push_events"));
                assertThat((String) r.get("error")).contains("liked");
                assertThat(r.get("format")).isEqualTo("JSONEachRow");
                assertThat((String) r.get("rows")).contains("\"event_id\":\"bad\"");
            });
        }
    }
}
