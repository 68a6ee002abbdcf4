package io.pushflow.flink.delivery;

import static io.pushflow.flink.delivery.DeliveryGateTest.HOUR;
import static io.pushflow.flink.delivery.DeliveryGateTest.T0;
import static io.pushflow.flink.delivery.DeliveryGateTest.rules;
import static org.assertj.core.api.Assertions.assertThat;

import io.pushflow.core.delivery.Reason;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

class QuietHoursQueueTest {

    static KeyedOneInputStreamOperatorTestHarness<Long, Later, SendRequest> harness() throws Exception {
        var h = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new QuietHoursQueue()), Later::campaignId, Types.LONG);
        h.setProcessingTime(T0);
        return h;
    }

    static Later deferred(String batch, long notBefore, long... users) {
        DeferredSends d = new DeferredSends();
        d.campaignId = 7;
        d.batchId = batch;
        d.variant = "A";
        d.wave = 1;
        d.notBeforeMillis = notBefore;
        d.userIds = users;
        d.pushTokens = Arrays.stream(users).mapToObj(u -> "sub-" + u).toArray(String[]::new);
        d.locales = Arrays.stream(users).mapToObj(u -> u % 2 == 0 ? "en" : "pt").toArray(String[]::new);
        return Later.of(d);
    }

    static List<SendRequest> requests(KeyedOneInputStreamOperatorTestHarness<Long, Later, SendRequest> h) {
        List<SendRequest> out = new ArrayList<>();
        for (Object o : h.getOutput()) {
            if (o instanceof StreamRecord<?> r) {
                out.add((SendRequest) r.getValue());
            }
        }
        h.getOutput().clear();
        return out;
    }

    static List<String> outcomes(KeyedOneInputStreamOperatorTestHarness<Long, Later, SendRequest> h) {
        var queue = h.getSideOutput(QuietHoursQueue.OUTCOMES);
        List<String> out = new ArrayList<>();
        if (queue != null) {
            queue.forEach(r -> out.addAll(DeliveryGateTest.rows(r.getValue())));
            queue.clear();
        }
        return out;
    }

    @Test
    void deferred_users_go_out_when_their_quiet_hours_end_and_are_skipped_if_the_campaign_stops_first()
            throws Exception {
        try (var h = harness()) {
            h.open();
            h.processElement(Later.of(rules(7, 1, CampaignRules.Status.RUNNING)), T0);
            h.processElement(deferred("7-1-A-1", T0 + HOUR, 9), T0); // another batch's users due at the same moment
            h.processElement(deferred("7-1-A-0", T0 + HOUR, 1, 2, 3), T0);
            h.processElement(deferred("7-1-A-0", T0 + 2 * HOUR, 5), T0);
            assertThat(requests(h)).isEmpty();
            h.setProcessingTime(T0 + HOUR);
            assertThat(requests(h))
                    .extracting(r -> r.requestId + Arrays.toString(r.userIds))
                    .containsExactly(
                            "7-1-A-0@" + (T0 + HOUR) + ":A:pt[1, 3]",
                            "7-1-A-0@" + (T0 + HOUR) + ":A:en[2]",
                            "7-1-A-1@" + (T0 + HOUR) + ":A:pt[9]");

            h.processElement(Later.of(rules(7, 2, CampaignRules.Status.STOPPED)), T0 + HOUR);
            assertThat(outcomes(h)).containsExactly("5:skipped:" + Reason.CAMPAIGN_STOPPED);
            h.setProcessingTime(T0 + 2 * HOUR);
            assertThat(requests(h)).isEmpty();
        }
    }

    @Test
    void deferred_users_of_a_paused_campaign_wait_for_the_resume_also_across_a_restore() throws Exception {
        OperatorSubtaskState snapshot;
        try (var h = harness()) {
            h.open();
            h.processElement(Later.of(rules(7, 1, CampaignRules.Status.RUNNING)), T0);
            h.processElement(deferred("7-1-A-0", T0 + HOUR, 1), T0);
            h.processElement(Later.of(rules(7, 2, CampaignRules.Status.PAUSED)), T0);
            h.setProcessingTime(T0 + HOUR);
            assertThat(requests(h)).isEmpty();
            snapshot = h.snapshot(1, T0 + HOUR);
        }
        try (var h = harness()) {
            h.initializeState(snapshot);
            h.open();
            h.setProcessingTime(T0 + HOUR);
            h.processElement(
                    Later.of(rules(7, 2, CampaignRules.Status.PAUSED)), T0 + HOUR); // every gate task forwards it
            assertThat(requests(h)).isEmpty();
            h.processElement(Later.of(rules(7, 3, CampaignRules.Status.RUNNING)), T0 + HOUR);
            assertThat(requests(h)).extracting(r -> r.userIds[0]).containsExactly(1L);
        }
    }

    @Test
    void deferred_users_of_a_campaign_paused_for_good_are_skipped_a_day_after_its_window_and_the_campaign_is_forgotten()
            throws Exception {
        try (var h = harness()) {
            h.open();
            h.processElement(Later.of(rules(7, 1, CampaignRules.Status.RUNNING)), T0);
            h.processElement(deferred("7-1-A-0", T0 + HOUR / 2, 1, 2), T0);
            h.processElement(Later.of(rules(7, 2, CampaignRules.Status.PAUSED)), T0);
            h.setProcessingTime(T0 + HOUR);
            assertThat(outcomes(h)).isEmpty();
            h.setProcessingTime(T0 + HOUR + Duration.ofDays(1).toMillis()); // the rules' window ends at T0 + HOUR
            assertThat(outcomes(h))
                    .containsExactly("1:skipped:" + Reason.CAMPAIGN_STOPPED, "2:skipped:" + Reason.CAMPAIGN_STOPPED);
            assertThat(requests(h)).isEmpty();
            assertThat(h.numKeyedStateEntries()).isZero();
        }
    }
}
