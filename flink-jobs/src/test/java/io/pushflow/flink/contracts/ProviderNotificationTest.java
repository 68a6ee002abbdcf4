package io.pushflow.flink.contracts;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushflow.provider.NotificationStatus;
import org.junit.jupiter.api.Test;

class ProviderNotificationTest {

    @Test
    void a_look_keeps_what_delivery_wrote_and_takes_the_providers_counts_and_time() {
        ProviderNotification sent = new ProviderNotification();
        sent.notificationId = "n-1";
        sent.campaignId = 7;
        sent.variant = "B";
        sent.requestId = "r-1";
        sent.recipients = 1000;
        sent.sentAtMillis = 5_000;

        ProviderNotification looked = sent.looked(new NotificationStatus("n-1", 900, 40, 10, 12, 50, 880), 9_000);

        assertThat(looked).isNotSameAs(sent);
        assertThat(looked)
                .extracting(n -> n.notificationId, n -> n.campaignId, n -> n.variant, n -> n.requestId)
                .containsExactly("n-1", 7L, "B", "r-1");
        assertThat(looked.recipients).isEqualTo(1000);
        assertThat(looked.sentAtMillis).isEqualTo(5_000);
        assertThat(new long[] {
                    looked.successful,
                    looked.failed,
                    looked.errored,
                    looked.converted,
                    looked.remaining,
                    looked.received
                })
                .containsExactly(900, 40, 10, 12, 50, 880);
        assertThat(looked.checkedAtMillis).isEqualTo(9_000);
        assertThat(sent.successful).as("the row looked at is left as it was").isZero();
    }

    @Test
    void two_looks_differ_when_any_count_does_and_not_when_only_the_time_does() {
        ProviderNotification sent = new ProviderNotification();
        NotificationStatus status = new NotificationStatus("n", 1, 2, 3, 4, 5, 6);
        ProviderNotification first = sent.looked(status, 1_000);

        assertThat(sent.looked(status, 2_000).sameCounts(first)).isTrue();
        assertThat(sent.looked(new NotificationStatus("n", 1, 2, 3, 5, 5, 6), 2_000)
                        .sameCounts(first))
                .isFalse();
        assertThat(sent.looked(new NotificationStatus("n", 1, 2, 3, 4, 5, 7), 2_000)
                        .sameCounts(first))
                .isFalse();
        assertThat(sent.sameCounts(first)).isFalse();
    }
}
