package io.pushflow.flink.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushflow.core.delivery.Reason;
import io.pushflow.core.json.Json;
import io.pushflow.core.messaging.Queues;
import io.pushflow.core.user.UserChange;
import io.pushflow.provider.device.DeviceOutcome;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

class SendOutcomesTest {

    static SendReport report(String... tokens) {
        SendRequest r = new SendRequest();
        r.requestId = "7-1-A-0:A:pt";
        r.campaignId = 7;
        r.variant = "A";
        r.wave = 1;
        r.batchId = "7-1-A-0";
        r.userIds = new long[] {1, 2, 3};
        r.pushTokens = new String[] {"s1", "s2", "s3"};
        SendReport report = new SendReport();
        report.request = r;
        report.invalidTokens = tokens;
        report.atMillis = 1_000;
        return report;
    }

    @Test
    void ids_the_provider_calls_invalid_are_skipped_and_published_as_dead_tokens() throws Exception {
        SendReport report = report("s2");
        report.notificationId = "n-1";
        try (var h = ProcessFunctionTestHarnesses.forProcessFunction(new SendOutcomes(new Queues("t.")))) {
            h.processElement(report, 0);
            assertThat(h.extractOutputValues()).hasSize(1);
            Outcomes rows = h.extractOutputValues().get(0);
            assertThat(rows.notificationId).isEqualTo("n-1");
            assertThat(DeliveryGateTest.rows(rows))
                    .containsExactly("1:sent:", "2:skipped:" + Reason.INVALID_TOKEN, "3:sent:");
            var changes = h.getSideOutput(SendOutcomes.USER_CHANGES);
            assertThat(changes).hasSize(1);
            var message = changes.peek().getValue();
            assertThat(message.exchange).isEqualTo("t.user.changes");
            UserChange change = Json.read(message.body, UserChange.class);
            assertThat(change.userId()).isEqualTo(2);
            assertThat(change.set()).containsEntry("token_valid", false);
            var notification =
                    h.getSideOutput(SendOutcomes.NOTIFICATIONS).peek().getValue();
            assertThat(notification.notificationId).isEqualTo("n-1");
            assertThat(notification.recipients).isEqualTo(2);
        }
    }

    @Test
    void a_refused_request_fails_every_user_with_the_providers_message() throws Exception {
        SendReport report = report();
        report.error =
                "OneSignal refused the notification (400): [\"Message Notifications must have English language content\"]";
        report.status = 400;
        try (var h = ProcessFunctionTestHarnesses.forProcessFunction(new SendOutcomes(new Queues("t.")))) {
            h.processElement(report, 0);
            assertThat(h.extractOutputValues()).hasSize(1);
            Outcomes rows = h.extractOutputValues().get(0);
            assertThat(rows.error).isEqualTo(report.error);
            assertThat(DeliveryGateTest.rows(rows)).containsExactly("1:failed:", "2:failed:", "3:failed:");
            assertThat(h.getSideOutput(SendOutcomes.NOTIFICATIONS)).isNullOrEmpty();
        }
    }

    @Test
    void a_direct_send_s_dead_device_token_is_forgotten_as_of_when_the_push_was_handed_to_the_service()
            throws Exception {
        SendReport report = report();
        report.request.channel = "apns";
        report.request.requestId = "7-1-A-0:A:pt:apns";
        report.handedAtMillis = 600;
        report.deviceStatuses = new byte[] {
            (byte) DeviceOutcome.Status.SENT.ordinal(),
            (byte) DeviceOutcome.Status.TOKEN_INVALID.ordinal(),
            (byte) DeviceOutcome.Status.FAILED.ordinal()
        };
        report.deviceReasons = new String[] {null, "Unregistered", "BadTopic"};
        try (var h = ProcessFunctionTestHarnesses.forProcessFunction(new SendOutcomes(new Queues("t.")))) {
            h.processElement(report, 0);
            var blocks = h.extractOutputValues();
            assertThat(DeliveryGateTest.rows(blocks.toArray(Outcomes[]::new)))
                    .containsExactly("1:sent:", "2:skipped:" + Reason.INVALID_TOKEN, "3:failed:");
            assertThat(blocks.get(0).notificationId).isEqualTo("apns:7-1-A-0:A:pt:apns");
            assertThat(blocks.get(2).error).isEqualTo("APNs: BadTopic");
            var changes = h.getSideOutput(SendOutcomes.USER_CHANGES);
            assertThat(changes).hasSize(1);
            UserChange change = Json.read(changes.peek().getValue().body, UserChange.class);
            assertThat(change.userId()).isEqualTo(2);
            assertThat(change.version())
                    .isEqualTo(600); // not when the answer was reported (1000): a token registered since stays
            assertThat(change.set()).containsEntry("device_token_kind", "none");
        }
    }
}
