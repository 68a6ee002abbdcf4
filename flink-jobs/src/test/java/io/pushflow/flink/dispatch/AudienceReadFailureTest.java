package io.pushflow.flink.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AudienceReadFailureTest {

    @Test
    void a_server_that_is_away_is_tried_again_after_a_pause_that_doubles_up_to_a_minute() {
        long[] pauses = new long[8];
        for (int inARow = 1; inARow <= pauses.length; inARow++) {
            AudienceReadFailure failure = AudienceReadFailure.of(WavePlannerTest.away(), inARow);
            assertThat(failure.failsCampaign()).isFalse();
            pauses[inARow - 1] = failure.retryAfterMillis();
        }
        assertThat(pauses).containsExactly(1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000);
        assertThat(AudienceReadFailure.of(WavePlannerTest.away(), 1_000).retryAfterMillis())
                .isEqualTo(AudienceReadFailure.MAX_RETRY_MILLIS);
    }

    @Test
    void a_statement_clickhouse_refuses_fails_the_campaign_with_the_server_s_reason() {
        AudienceReadFailure failure = AudienceReadFailure.of(WavePlannerTest.refused(), 1);
        assertThat(failure.failsCampaign()).isTrue();
        assertThat(failure.campaignFailure())
                .startsWith("its audience cannot be read: ClickHouse refused the cohort's query (code 62): ")
                .contains("Max query size exceeded");
    }

    @Test
    void any_other_failure_fails_the_campaign_with_a_reason_of_at_most_300_characters() {
        AudienceReadFailure failure = AudienceReadFailure.of(new IllegalStateException("x".repeat(1_000)), 1);
        assertThat(failure.failsCampaign()).isTrue();
        assertThat(failure.campaignFailure())
                .startsWith("its audience cannot be read: java.lang.IllegalStateException: xxx")
                .endsWith("...");
        assertThat(failure.campaignFailure()).hasSize("its audience cannot be read: ".length() + 300 + 3);
    }
}
