package io.pushflow.flink.delivery;

import io.pushflow.core.delivery.QuietHours;
import io.pushflow.core.delivery.Reason;
import io.pushflow.core.filter.FilterChain;
import io.pushflow.core.filter.UserPredicate;
import io.pushflow.core.user.DeviceTokenKind;
import io.pushflow.core.user.User;
import io.pushflow.flink.contracts.OutboxBatch;
import java.time.Instant;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The gate's one decision for every user of an outbox batch, from the batch, the campaign's rules and the state the gate
 * read: once per user per campaign, the campaign still running, not suppressed, a token to send to, still in the cohort
 * (on the user's newest data), outside quiet hours in their own zone (else deferred inside the window, or skipped) and
 * within the frequency cap. The checks run in that order, the order their reasons are most telling. Keeps what it
 * compiles once per gate: each campaign version's cohort predicate and each time zone.
 */
final class GateDecision {

    private final SuppressionState suppression;
    private final Map<Long, Map.Entry<Long, Predicate<User>>> cohorts = new HashMap<>();
    private final Map<String, ZoneId> zones = new HashMap<>();

    GateDecision(SuppressionState suppression) {
        this.suppression = suppression;
    }

    GateVerdicts decide(OutboxBatch b, CampaignRules rules, long now, ChunkState chunk) {
        GateVerdicts verdicts = new GateVerdicts(b, rules, now);
        ChunkDedup dedup = new ChunkDedup(chunk.decided(), now);
        boolean stopped = rules.is(CampaignRules.Status.STOPPED);
        boolean holdout = OutboxBatch.HOLDOUT.equals(b.variant);
        boolean direct = rules.direct();
        boolean hasTexts = !holdout && rules.variant(b.variant) != null;
        Predicate<User> cohort = cohort(rules);
        LocalQuietHours quiet = LocalQuietHours.of(rules, now, b, zones);
        for (int i = 0; i < b.size(); i++) {
            long id = b.userIds[i];
            if (!dedup.first(id)) {
                verdicts.skip(i, Reason.DUPLICATE);
                continue;
            }
            if (stopped || holdout) {
                verdicts.skip(i, stopped ? Reason.CAMPAIGN_STOPPED : Reason.HOLDOUT);
                continue;
            }
            User changed = chunk.changes().newest(b, i);
            boolean subscribed = changed != null ? changed.subscribed() : b.flag(i, OutboxBatch.SUBSCRIBED);
            boolean tokenValid = changed != null ? changed.tokenValid() : b.flag(i, OutboxBatch.TOKEN_VALID);
            String token = changed != null ? changed.pushToken() : b.pushTokens[i];
            if (suppression.unsubscribed(id) || !subscribed) {
                verdicts.skip(i, Reason.UNSUBSCRIBED);
                continue;
            }
            DeviceTokenKind service = null;
            if (direct) {
                // a direct send needs the device token; OneSignal's verdict on its subscription id does not decide it
                service = changed != null ? changed.deviceTokenKind() : b.deviceTokenKind(i);
                token = changed != null ? changed.deviceToken() : b.deviceToken(i);
                if (service == DeviceTokenKind.NONE || token == null || token.isBlank()) {
                    verdicts.skip(i, Reason.NO_DEVICE_TOKEN);
                    continue;
                }
            } else if (token == null || token.isBlank()) {
                verdicts.skip(i, Reason.NO_PUSH_TOKEN);
                continue;
            } else if (suppression.tokenInvalid(id) || !tokenValid) {
                verdicts.skip(i, Reason.INVALID_TOKEN);
                continue;
            }
            if (!cohort.test(changed != null ? changed : b.user(i))) {
                verdicts.skip(i, Reason.LEFT_COHORT);
                continue;
            }
            long at = now;
            if (quiet != null) {
                QuietHours.Decision d = changed != null ? quiet.decide(changed.timezone()) : quiet.decide(b, i);
                if (d.kind() == QuietHours.Decision.Kind.SKIP) {
                    verdicts.skip(i, Reason.QUIET_HOURS);
                    continue;
                }
                if (d.kind() == QuietHours.Decision.Kind.DEFER) {
                    at = d.notBefore().toEpochMilli();
                }
            }
            if (!chunk.cap().allows(id, at)) {
                verdicts.skip(i, Reason.FREQUENCY_CAP);
                continue;
            }
            if (!hasTexts) {
                verdicts.fail(i);
                continue;
            }
            verdicts.send(i, token, changed != null ? changed.locale() : b.locales.get(i), service, at);
        }
        verdicts.decided(dedup.after(rules, now));
        return verdicts;
    }

    /** The predicate of the campaign's chain, compiled once per campaign version. */
    private Predicate<User> cohort(CampaignRules rules) {
        Map.Entry<Long, Predicate<User>> cached = cohorts.get(rules.campaignId);
        if (cached == null || cached.getKey() != rules.version) {
            cached = Map.entry(
                    rules.version,
                    UserPredicate.of(FilterChain.fromJson(rules.filterJson), Instant.ofEpochMilli(rules.asOfMillis)));
            cohorts.put(rules.campaignId, cached);
        }
        return cached.getValue();
    }
}
