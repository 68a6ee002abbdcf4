package io.pushflow.flink.delivery;

import static io.pushflow.flink.delivery.DeliveryGateTest.HOUR;
import static io.pushflow.flink.delivery.DeliveryGateTest.T0;
import static io.pushflow.flink.delivery.DeliveryGateTest.rules;
import static io.pushflow.flink.delivery.DeliveryGateTest.user;
import static org.assertj.core.api.Assertions.assertThat;

import io.pushflow.flink.contracts.OutboxBatch;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** When a batch waits at the gate and when it stops waiting, without Flink. */
class BatchWaitTest {

    static OutboxBatch batch(long campaign, long version, int part) {
        return OutboxBatch.of(
                OutboxBatch.batchId(campaign, 1, "A", part), campaign, version, "A", 1, List.of(user(part + 1, "UTC")));
    }

    @Test
    void a_batch_waits_for_rules_of_its_version_and_while_its_campaign_is_paused() {
        assertThat(BatchWait.mustWait(batch(7, 1, 0), null)).as("no rules yet").isTrue();
        assertThat(BatchWait.mustWait(batch(7, 2, 0), rules(7, 1, CampaignRules.Status.RUNNING)))
                .as("rules older than the batch")
                .isTrue();
        assertThat(BatchWait.mustWait(batch(7, 1, 0), rules(7, 1, CampaignRules.Status.PAUSED)))
                .as("paused")
                .isTrue();
        assertThat(BatchWait.mustWait(batch(7, 1, 0), rules(7, 2, CampaignRules.Status.RUNNING)))
                .isFalse();
        assertThat(BatchWait.deadline(null, T0))
                .as("an unknown campaign's batch waits a day")
                .isEqualTo(T0 + 24 * HOUR);
        CampaignRules paused = rules(7, 1, CampaignRules.Status.PAUSED);
        assertThat(BatchWait.deadline(paused, T0))
                .as("a paused one's until its window is over and remembered")
                .isEqualTo(paused.rememberedUntil(T0));
    }

    @Test
    void due_and_over_batches_come_in_batch_order_and_only_those_of_the_campaign() {
        List<OutboxBatch> waiting = List.of(batch(7, 1, 2), batch(8, 1, 0), batch(7, 1, 0), batch(7, 3, 1));
        assertThat(BatchWait.due(waiting, rules(7, 1, CampaignRules.Status.RUNNING)).stream()
                        .map(b -> b.batchId))
                .as("campaign 7's batches of version 1; version 3 still waits")
                .containsExactly(batch(7, 1, 0).batchId, batch(7, 1, 2).batchId);

        CampaignRules paused = rules(7, 1, CampaignRules.Status.PAUSED);
        long pausedDeadline = BatchWait.deadline(paused, 0);
        assertThat(BatchWait.over(waiting, Map.of(7L, paused), pausedDeadline - 1))
                .as("campaign 8 is unknown: over at once at its own timer")
                .extracting(b -> b.batchId)
                .containsExactly(batch(8, 1, 0).batchId);
        assertThat(BatchWait.over(waiting, Map.of(7L, paused), pausedDeadline))
                .extracting(b -> b.batchId)
                .containsExactly(
                        batch(7, 1, 0).batchId, batch(7, 3, 1).batchId, batch(7, 1, 2).batchId, batch(8, 1, 0).batchId);
    }
}
