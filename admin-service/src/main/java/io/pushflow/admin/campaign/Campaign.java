package io.pushflow.admin.campaign;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.GeneratedValue;
import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;
import io.micronaut.data.annotation.Version;
import io.pushflow.core.campaign.CampaignStatus;
import io.pushflow.core.campaign.Metric;
import io.pushflow.core.campaign.RewardSource;
import io.pushflow.core.campaign.SendPace;
import io.pushflow.core.campaign.SplitType;
import java.time.Instant;

/** A campaign row; its variants live in {@code campaign_variants}. Durations are whole seconds. */
@MappedEntity("campaigns")
public record Campaign(
        @Id @GeneratedValue @Nullable Long id,
        String name,
        String app,
        long cohortId,
        CampaignStatus status,
        @Nullable String statusReason,
        SplitType splitType,
        Metric metric,
        RewardSource rewardSource,
        @Nullable Double testShare,
        @Nullable Long testDurationSeconds,
        @Nullable Double minShare,
        @Nullable Integer burnIn,
        double holdoutShare,
        @Nullable Instant startAt,
        long durationSeconds,
        @Nullable Integer sendRateLimit,
        SendPace pace,
        @Nullable String quietStart,
        @Nullable String quietEnd,
        @Nullable Integer frequencyCapCount,
        @Nullable Long frequencyCapPeriodSeconds,
        @Nullable String guardrailsJson,
        @Nullable Instant guardrailsSince,
        String provider,
        @Nullable Instant launchedAt,
        @Nullable Instant endedAt,
        @Version @Nullable Long version,
        Instant createdAt,
        String createdBy,
        Instant updatedAt,
        String updatedBy) {

    Campaign withStatus(
            CampaignStatus next, @Nullable Instant launched, @Nullable Instant ended, Instant now, String actor) {
        return withStatus(next, null, launched, ended, now, actor);
    }

    /**
     * The campaign in status {@code next}, for {@code reason} (why the jobs failed it or a guardrail halted it; null for a
     * marketer's step).
     */
    Campaign withStatus(
            CampaignStatus next,
            @Nullable String reason,
            @Nullable Instant launched,
            @Nullable Instant ended,
            Instant now,
            String actor) {
        return new Campaign(
                id,
                name,
                app,
                cohortId,
                next,
                reason,
                splitType,
                metric,
                rewardSource,
                testShare,
                testDurationSeconds,
                minShare,
                burnIn,
                holdoutShare,
                startAt,
                durationSeconds,
                sendRateLimit,
                pace,
                quietStart,
                quietEnd,
                frequencyCapCount,
                frequencyCapPeriodSeconds,
                guardrailsJson,
                guardrailsSince,
                provider,
                launched,
                ended,
                version,
                createdAt,
                createdBy,
                now,
                actor);
    }

    /** The guardrails look from {@code since} on (a marketer resumed it after a halt). */
    Campaign withGuardrailsSince(Instant since) {
        return new Campaign(
                id,
                name,
                app,
                cohortId,
                status,
                statusReason,
                splitType,
                metric,
                rewardSource,
                testShare,
                testDurationSeconds,
                minShare,
                burnIn,
                holdoutShare,
                startAt,
                durationSeconds,
                sendRateLimit,
                pace,
                quietStart,
                quietEnd,
                frequencyCapCount,
                frequencyCapPeriodSeconds,
                guardrailsJson,
                since,
                provider,
                launchedAt,
                endedAt,
                version,
                createdAt,
                createdBy,
                updatedAt,
                updatedBy);
    }
}
