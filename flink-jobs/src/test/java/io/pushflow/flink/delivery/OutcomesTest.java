package io.pushflow.flink.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import com.clickhouse.data.ClickHouseFormat;
import io.pushflow.core.delivery.Reason;
import io.pushflow.flink.JobEnvironment;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Outcome blocks as RowBinary, read back from the real ClickHouse {@code push_sends}. */
class OutcomesTest {

    @Test
    void every_kind_of_outcome_lands_in_push_sends_as_written() throws Exception {
        try (JobEnvironment je = new JobEnvironment()) {
            Outcomes o = Outcomes.of(7, "B", 3, "7-3-B-0", 1_764_590_000_000L, 2 + Reason.ALL.size());
            List<String> expected = new ArrayList<>();
            o.userIds[0] = 1;
            o.kinds[0] = Outcomes.KIND_SENT;
            expected.add("1:sent::n-1::1");
            o.userIds[1] = 2;
            o.kinds[1] = Outcomes.KIND_FAILED;
            expected.add("2:failed:::" + "x".repeat(500) + ":1");
            for (int i = 0; i < Reason.ALL.size(); i++) {
                String reason = Reason.ALL.get(i);
                o.userIds[2 + i] = 3 + i;
                o.kinds[2 + i] = Outcomes.skipped(reason);
                expected.add((3 + i) + ":skipped:" + reason + ":::" + (reason.equals(Reason.DUPLICATE) ? 0 : 1));
            }
            o.notificationId = "n-1";
            o.error = "x".repeat(700) + " ünïcode cut";
            je.clickHouse.insert(je.clickHouse.table("push_sends"), o.rowBinary(), ClickHouseFormat.RowBinary);

            List<String> read = new ArrayList<>();
            for (Map<String, Object> row : je.clickHouse.select(
                    "SELECT user_id, outcome, reason, notification_id, error, rank, variant, wave, "
                            + "batch_id, toUnixTimestamp(at) AS at_s FROM " + je.clickHouse.table("push_sends")
                            + " WHERE campaign_id = 7 ORDER BY user_id")) {
                read.add(row.get("user_id") + ":" + row.get("outcome") + ":" + row.get("reason") + ":"
                        + row.get("notification_id") + ":" + row.get("error") + ":" + row.get("rank"));
                assertThat(row).containsEntry("variant", "B").containsEntry("batch_id", "7-3-B-0");
                assertThat(String.valueOf(row.get("wave"))).isEqualTo("3");
                assertThat(((Number) row.get("at_s")).longValue()).isEqualTo(1_764_590_000L);
            }
            assertThat(read).isEqualTo(expected);
        }
    }
}
