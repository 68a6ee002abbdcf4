package io.pushflow.flink.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ReleaseCreditTest {

    @Test
    void a_completed_checkpoint_commits_what_was_released_before_its_barrier() {
        ReleaseCredit credit = new ReleaseCredit();
        credit.released(3_000);
        credit.barrier(1);
        credit.released(1_000);
        credit.barrier(2);
        credit.released(500);
        assertThat(credit.uncommitted()).isEqualTo(4_500);
        credit.completed(1);
        assertThat(credit.uncommitted()).isEqualTo(1_500);
        credit.completed(2);
        assertThat(credit.uncommitted()).isEqualTo(500);
    }

    @Test
    void a_later_checkpoint_subsumes_the_pending_ones_and_a_late_notice_of_an_earlier_one_changes_nothing() {
        ReleaseCredit credit = new ReleaseCredit();
        credit.released(1_000);
        credit.barrier(1);
        credit.released(1_000);
        credit.barrier(2);
        credit.completed(2);
        assertThat(credit.uncommitted()).isZero();
        credit.released(700);
        credit.completed(1);
        credit.completed(5);
        assertThat(credit.uncommitted()).as("no barrier since: still held").isEqualTo(700);
    }
}
