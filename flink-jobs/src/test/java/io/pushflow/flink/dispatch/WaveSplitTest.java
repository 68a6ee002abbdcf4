package io.pushflow.flink.dispatch;

import static io.pushflow.flink.dispatch.WavePlannerTest.KITERS;
import static io.pushflow.flink.dispatch.WavePlannerTest.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.pushflow.core.filter.FilterChain;
import io.pushflow.core.user.UserColumns;
import io.pushflow.flink.contracts.OutboxBatch;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class WaveSplitTest {

    static UserColumns page;

    /** Kiters after id 60,000: the page crosses the border between the first and the second chunk of ids. */
    @BeforeAll
    static void readPage() {
        page = new GeneratedAudience(5, 80_000, T0)
                .open()
                .page(FilterChain.parse(KITERS), Instant.ofEpochMilli(T0), 60_000, 3_000);
    }

    static CampaignControl campaign(double holdout) {
        return WavePlannerTest.control("LAUNCH", 1, "AB_FIXED", holdout, 60_000).control;
    }

    @Test
    void every_user_of_the_page_is_in_exactly_one_batch_and_the_shares_hold() {
        assertThat(page.userIds[0]).isLessThan(1L << OutboxBatch.CHUNK_BITS);
        assertThat(page.userIds[page.size() - 1]).isGreaterThanOrEqualTo(1L << OutboxBatch.CHUNK_BITS);
        WaveSplit split = WaveSplit.of(campaign(0.1), 4, new double[] {0.75, 0.25}, page, 500, T0);
        List<Long> ids = split.batches().stream()
                .flatMap(b -> Arrays.stream(b.userIds).boxed())
                .toList();
        assertThat(ids)
                .doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(
                        Arrays.stream(page.userIds).boxed().toList());
        assertThat(split.released() + split.heldOut()).isEqualTo(page.size());
        assertThat((double) split.heldOut() / page.size()).isBetween(0.07, 0.13);
        long holdout = split.batches().stream()
                .filter(b -> b.variant.equals(OutboxBatch.HOLDOUT))
                .mapToLong(OutboxBatch::size)
                .sum();
        assertThat(holdout).isEqualTo(split.heldOut());

        assertThat(split.allocations()).extracting(a -> a.variant).containsExactly("A", "B");
        assertThat(split.allocations()).allSatisfy(a -> assertThat(a.wave).isEqualTo(4));
        assertThat(split.allocations().stream().mapToInt(a -> a.users).sum()).isEqualTo(split.released());
        Allocation a = split.allocations().get(0);
        assertThat(a.users).isEqualTo((int) Math.round(0.75 * split.released()));
        long inA = split.batches().stream()
                .filter(b -> b.variant.equals("A"))
                .mapToLong(OutboxBatch::size)
                .sum();
        assertThat(inA).isEqualTo(a.users);
    }

    @Test
    void batches_hold_at_most_batch_size_users_of_one_chunk_in_id_order_with_ids_a_replay_repeats() {
        WaveSplit split = WaveSplit.of(campaign(0), 4, new double[] {0.5, 0.5}, page, 200, T0);
        assertThat(split.batches()).allSatisfy(b -> {
            assertThat(b.size()).isBetween(1, 200);
            assertThat(Arrays.stream(b.userIds)
                            .map(OutboxBatch::chunkOf)
                            .distinct()
                            .count())
                    .as(b.batchId)
                    .isEqualTo(1);
            assertThat(b.userIds).isSorted();
        });
        assertThat(split.batches().stream().map(b -> b.batchId).toList()).doesNotHaveDuplicates();
        assertThat(split.heldOut()).isZero();

        WaveSplit replay = WaveSplit.of(campaign(0), 4, new double[] {0.5, 0.5}, page, 200, T0);
        assertThat(replay.batches())
                .extracting(b -> b.batchId + Arrays.toString(b.userIds))
                .containsExactlyElementsOf(split.batches().stream()
                        .map(b -> b.batchId + Arrays.toString(b.userIds))
                        .toList());
    }
}
