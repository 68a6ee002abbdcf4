package io.pushflow.flink.dispatch;

import io.pushflow.core.bandit.WaveAssignment;
import io.pushflow.core.user.UserColumns;
import io.pushflow.flink.contracts.OutboxBatch;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Who of a wave's page gets which variant: the holdout aside, the rest between variants in the wave's shares, each
 * variant's users (in id order) as outbox batches of at most {@code batchSize} that never cross a chunk border (the
 * delivery gate keeps its state per chunk and takes a batch in one step). Batch ids are (campaign, wave, variant, part),
 * so a replayed wave repeats them.
 *
 * @param batches   the holdout's batches, then each variant's, in variant order
 * @param allocations each variant's share of the wave and its users
 * @param released  users given a variant
 * @param heldOut   users set aside as the holdout
 */
record WaveSplit(List<OutboxBatch> batches, List<Allocation> allocations, int released, int heldOut) {

    /** {@code wave} of {@code campaign}, due at {@code at}, with each variant's share of it. */
    static WaveSplit of(
            CampaignControl campaign, long wave, double[] shares, UserColumns page, int batchSize, long at) {
        int n = page.size();
        int[] held = new int[n];
        int[] sent = new int[n];
        int heldCount = 0;
        int sentCount = 0;
        for (int i = 0; i < n; i++) {
            if (WaveAssignment.heldOut(campaign.campaignId, page.userIds[i], campaign.holdoutShare)) {
                held[heldCount++] = i;
            } else {
                sent[sentCount++] = i;
            }
        }
        List<OutboxBatch> batches = new ArrayList<>();
        batch(campaign, wave, OutboxBatch.HOLDOUT, page, Arrays.copyOf(held, heldCount), batchSize, batches);
        List<Allocation> allocations = new ArrayList<>();
        int[] arms = WaveAssignment.assign(sentCount, shares, campaign.campaignId, wave);
        for (int arm = 0; arm < campaign.variantKeys.length; arm++) {
            int[] mine = new int[sentCount];
            int count = 0;
            for (int i = 0; i < sentCount; i++) {
                if (arms[i] == arm) {
                    mine[count++] = sent[i];
                }
            }
            batch(campaign, wave, campaign.variantKeys[arm], page, Arrays.copyOf(mine, count), batchSize, batches);
            Allocation allocation = new Allocation();
            allocation.campaignId = campaign.campaignId;
            allocation.wave = wave;
            allocation.variant = campaign.variantKeys[arm];
            allocation.share = shares[arm];
            allocation.users = count;
            allocation.atMillis = at;
            allocations.add(allocation);
        }
        return new WaveSplit(batches, allocations, sentCount, heldCount);
    }

    /** One variant's {@code rows} of the page as batches. */
    private static void batch(
            CampaignControl campaign,
            long wave,
            String variant,
            UserColumns page,
            int[] rows,
            int batchSize,
            List<OutboxBatch> into) {
        int from = 0;
        int part = 0;
        while (from < rows.length) {
            long chunk = OutboxBatch.chunkOf(page.userIds[rows[from]]);
            int to = from + 1;
            while (to < rows.length && to - from < batchSize && OutboxBatch.chunkOf(page.userIds[rows[to]]) == chunk) {
                to++;
            }
            into.add(OutboxBatch.of(
                    OutboxBatch.batchId(campaign.campaignId, wave, variant, part++),
                    campaign.campaignId,
                    campaign.campaignVersion,
                    variant,
                    wave,
                    page,
                    Arrays.copyOfRange(rows, from, to)));
            from = to;
        }
    }
}
