package io.pushflow.admin.campaign;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import io.pushflow.core.campaign.CampaignStatus;
import io.pushflow.core.campaign.SendPace;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
import java.util.List;

@Serdeable
@Schema(name = "Campaign")
public record CampaignView(
        @Schema(example = "12") long id,
        String name,
        String app,
        @Schema(example = "RUNNING") CampaignStatus status,

        @Nullable
        @Schema(
                description =
                        "Why the campaign is in its status, when the system put it there (FAILED: why the jobs could not go on; "
                                + "HALTED: which guardrail tripped, with the numbers)")
        String statusReason,

        long cohortId,
        List<VariantView> variants,

        @Schema(description = "The split test with defaults filled in")
        CampaignRequest.Split split,

        double holdoutShare,
        @Nullable Instant startAt,
        @Schema(example = "PT2H") String duration,

        @Nullable @Schema(description = "When the send window closes, once it is known")
        Instant endAt,

        @Nullable Integer sendRateLimit,
        @Schema(example = "EVEN") SendPace pace,
        @Nullable CampaignRequest.QuietHours quietHours,
        @Nullable CampaignRequest.FrequencyCap frequencyCap,
        String provider,

        @Schema(description = "The guardrails with every default filled in")
        CampaignRequest.Guardrails guardrails,

        @Nullable Instant launchedAt,
        @Nullable Instant endedAt,
        long version,
        Instant createdAt,
        String createdBy,
        Instant updatedAt,
        String updatedBy) {

    @Serdeable
    @Schema(name = "CampaignVariant")
    public record VariantView(
            @Schema(example = "A") String key,
            @Schema(example = "3") long pushId,
            @Schema(example = "1") double weight) {}
}
