package io.pushflow.flink.delivery;

import io.pushflow.core.user.DeviceTokenKind;
import io.pushflow.flink.contracts.OutboxBatch;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.IntPredicate;
import java.util.stream.IntStream;
import org.roaringbitmap.RoaringBitmap;

/**
 * What the gate decided for each user of one batch (an outcome kind, and for recipients their token, locale, service
 * and moment), and what follows from it: the outcome rows, the requests due now, the groups deferred past quiet hours,
 * and the state to store (who is decided for the campaign, who was sent what when).
 */
final class GateVerdicts {

    private final OutboxBatch batch;
    private final CampaignRules rules;
    private final long now;
    private final byte[] kinds;
    private final String[] tokens;
    private final String[] locales;
    private final DeviceTokenKind[] services;
    private final long[] sendAt;
    private final Map<Long, RoaringBitmap> sentAt = new TreeMap<>();
    private DecidedUsers decided;

    GateVerdicts(OutboxBatch batch, CampaignRules rules, long now) {
        this.batch = batch;
        this.rules = rules;
        this.now = now;
        int n = batch.size();
        kinds = new byte[n];
        Arrays.fill(kinds, (byte) -1);
        tokens = new String[n];
        locales = new String[n];
        services = rules.direct() ? new DeviceTokenKind[n] : null;
        sendAt = new long[n];
    }

    void skip(int i, String reason) {
        kinds[i] = Outcomes.skipped(reason);
    }

    /** Nothing to send (the campaign has no such variant): it counts against no cap. */
    void fail(int i) {
        kinds[i] = Outcomes.KIND_FAILED;
    }

    /** A recipient: now, or when their quiet hours end ({@code at} later than now); {@code service} null for OneSignal. */
    void send(int i, String token, String locale, DeviceTokenKind service, long at) {
        kinds[i] = Outcomes.KIND_SENT;
        tokens[i] = token;
        locales[i] = locale;
        if (services != null) {
            services[i] = service;
        }
        sendAt[i] = at;
        sentAt.computeIfAbsent(SendHour.moment(at), m -> new RoaringBitmap()).add(ChunkBitmaps.low(batch.userIds[i]));
    }

    void decided(DecidedUsers users) {
        decided = users;
    }

    byte kind(int i) {
        return kinds[i];
    }

    /** The users decided here for the first time added to the campaign's, or null when there were none. */
    DecidedUsers decided() {
        return decided;
    }

    /** Recipients by the moment their push is recorded under, for later frequency caps. */
    Map<Long, RoaringBitmap> sentAt() {
        return sentAt;
    }

    /** Skipped users as one block, then the users of a variant the campaign lacks as another, failed with the reason. */
    List<Outcomes> outcomes() {
        List<Outcomes> blocks = new ArrayList<>();
        int[] skipped = rowsWhere(i -> kinds[i] != Outcomes.KIND_SENT && kinds[i] != Outcomes.KIND_FAILED);
        int[] failed = rowsWhere(i -> kinds[i] == Outcomes.KIND_FAILED);
        if (skipped.length > 0) {
            blocks.add(block(skipped));
        }
        if (failed.length > 0) {
            Outcomes o = block(failed);
            o.error = "variant " + batch.variant + " is not part of the campaign as of version " + rules.version;
            blocks.add(o);
        }
        return blocks;
    }

    /** The requests of the recipients due now, named by the batch. */
    void requests(Consumer<SendRequest> out) {
        List<Integer> due = Arrays.stream(rowsWhere(i -> kinds[i] == Outcomes.KIND_SENT && sendAt[i] <= now))
                .boxed()
                .toList();
        if (!due.isEmpty()) {
            SendRequests.build(batch.batchId, rules, recipients().select(due), out);
        }
    }

    /** The recipients whose quiet hours had not ended, one group per moment they end, earliest first. */
    List<DeferredSends> deferred() {
        Map<Long, List<Integer>> later = new TreeMap<>();
        for (int i = 0; i < kinds.length; i++) {
            if (kinds[i] == Outcomes.KIND_SENT && sendAt[i] > now) {
                later.computeIfAbsent(sendAt[i], at -> new ArrayList<>()).add(i);
            }
        }
        Recipients all = recipients();
        List<DeferredSends> groups = new ArrayList<>();
        later.forEach((at, rows) -> groups.add(all.select(rows).deferredUntil(batch.campaignId, at)));
        return groups;
    }

    private Recipients recipients() {
        return new Recipients(batch.batchId, batch.wave, batch.variant, batch.userIds, tokens, locales, services);
    }

    private Outcomes block(int[] rows) {
        Outcomes o = Outcomes.of(batch.campaignId, batch.variant, batch.wave, batch.batchId, now, rows.length);
        for (int j = 0; j < rows.length; j++) {
            o.userIds[j] = batch.userIds[rows[j]];
            o.kinds[j] = kinds[rows[j]];
        }
        return o;
    }

    private int[] rowsWhere(IntPredicate row) {
        return IntStream.range(0, kinds.length).filter(row).toArray();
    }
}
