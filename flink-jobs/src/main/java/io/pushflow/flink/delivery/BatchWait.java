package io.pushflow.flink.delivery;

import io.pushflow.flink.contracts.OutboxBatch;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Whether an outbox batch waits at the gate, and until when: a batch of a campaign whose rules have not come (or are
 * older than the batch) or that is paused waits; an unknown campaign's a day, a paused one's until its window is over
 * and remembered. Batches come out in batch order, so a restore decides them as the first run did.
 */
final class BatchWait {

    /** How long a batch waits for a campaign the gate has no rules of (they come with the launch, before any batch). */
    static final long WAIT_FOR_UNKNOWN_MILLIS = Duration.ofDays(1).toMillis();

    private BatchWait() {}

    static boolean mustWait(OutboxBatch batch, CampaignRules rules) {
        return rules == null || rules.version < batch.campaignVersion || rules.is(CampaignRules.Status.PAUSED);
    }

    static long deadline(CampaignRules rules, long now) {
        return rules == null ? now + WAIT_FOR_UNKNOWN_MILLIS : rules.rememberedUntil(now);
    }

    /** The waiting batches of {@code rules}' campaign that need not wait any more. */
    static List<OutboxBatch> due(Iterable<OutboxBatch> waiting, CampaignRules rules) {
        List<OutboxBatch> due = new ArrayList<>();
        for (OutboxBatch batch : waiting) {
            if (batch.campaignId == rules.campaignId && !mustWait(batch, rules)) {
                due.add(batch);
            }
        }
        due.sort(Comparator.comparing(b -> b.batchId));
        return due;
    }

    /** The batches that still wait at {@code timestamp} past their deadline; one that need not wait was decided when its rules came. */
    static List<OutboxBatch> over(Iterable<OutboxBatch> waiting, Map<Long, CampaignRules> rulesOf, long timestamp) {
        List<OutboxBatch> over = new ArrayList<>();
        for (OutboxBatch batch : waiting) {
            CampaignRules rules = rulesOf.get(batch.campaignId);
            if (mustWait(batch, rules) && (rules == null || deadline(rules, 0) <= timestamp)) {
                over.add(batch);
            }
        }
        over.sort(Comparator.comparing(b -> b.batchId));
        return over;
    }
}
