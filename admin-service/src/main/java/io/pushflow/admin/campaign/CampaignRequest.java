package io.pushflow.admin.campaign;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import io.pushflow.core.campaign.Metric;
import io.pushflow.core.campaign.Provider;
import io.pushflow.core.campaign.RewardSource;
import io.pushflow.core.campaign.SendPace;
import io.pushflow.core.campaign.SplitType;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.Size;
import java.time.Instant;
import java.util.List;

@Serdeable
@Schema(
        name = "CampaignRequest",
        description = "A campaign: a cohort, 2..10 variants, a split test, a send window and limits")
public record CampaignRequest(
        @NotBlank @Size(max = 200) @Schema(example = "Wind alert PT, November")
        String name,

        @NotBlank
        @Size(max = 100)
        @Pattern(regexp = "[a-z0-9][a-z0-9._-]*", message = "lower-case letters, digits, '.', '_' or '-'")
        @Schema(example = "windy-ios")
        String app,

        @NotNull @Schema(example = "7") Long cohortId,
        @NotNull @Size(min = 2, max = 10) @Valid List<@NotNull @Valid Variant> variants,
        @NotNull @Valid Split split,

        @Nullable
        @DecimalMin("0.0")
        @DecimalMax("0.5")
        @Schema(description = "Share of the audience kept as a control group (no push), 0 to 0.5", example = "0.05")
        Double holdoutShare,

        @Nullable @Schema(description = "When sending starts (UTC); empty: at launch", example = "2026-11-25T08:00:00Z")
        Instant startAt,

        @NotBlank
        @Schema(
                description = "Send window, ISO 8601 duration from 30 seconds (PT30S) to 30 days (P30D)",
                example = "PT2H")
        String duration,

        @Nullable
        @Min(1)
        @Max(1_000_000)
        @Schema(description = "Pushes per second at most; empty: no limit but the window", example = "2000")
        Integer sendRateLimit,

        @Nullable
        @Schema(
                description =
                        "EVEN (default): the audience spread over the window, so the split test can learn; "
                                + "ASAP: as fast as sendRateLimit allows, the window only a deadline (AB_WINNER still spreads its test over testDuration)",
                example = "EVEN")
        SendPace pace,

        @Nullable @Valid @Schema(description = "No pushes in these hours of the user's own time zone")
        QuietHours quietHours,

        @Nullable @Valid @Schema(description = "At most count campaign pushes per user in period, over all campaigns")
        FrequencyCap frequencyCap,

        @Nullable
        @Schema(
                description = "How the pushes go out: ONESIGNAL (default; users' OneSignal subscription ids) or DIRECT "
                        + "(straight to APNs for users with an APNs device token and to FCM for users with an FCM token; users without a "
                        + "device token are skipped as no_device_token). APNs and FCM report no clicks: a DIRECT campaign counts its "
                        + "metric from the app's events (rewardSource APP or AUTO)",
                example = "ONESIGNAL")
        Provider provider,

        @Nullable
        @Valid
        @Schema(description = "When the running campaign halts itself; empty: the defaults. Editable while it runs")
        Guardrails guardrails) {

    @Serdeable
    @Schema(name = "CampaignVariantRequest")
    public record Variant(
            @NotNull @Schema(example = "3") Long pushId,

            @Nullable @Positive @Schema(description = "AB_FIXED only: relative weight (default 1)", example = "1")
            Double weight) {}

    @Serdeable
    @Schema(
            name = "Split",
            description = "AB_FIXED: fixed weights. AB_WINNER: testShare of the audience split evenly for "
                    + "testDuration, then the rest to the winner by metric. BANDIT: Thompson sampling on metric per delivered push, "
                    + "with minShare per variant and burnIn deliveries per variant before sampling starts.")
    public record Split(
            @NotNull @Schema(example = "BANDIT") SplitType type,

            @Nullable @Schema(description = "CLICKS (default) or OPENS", example = "CLICKS")
            Metric metric,

            @Nullable
            @Schema(description = "AB_WINNER: share of the audience in the test, 0.01 to 0.9", example = "0.2")
            Double testShare,

            @Nullable
            @Schema(
                    description = "AB_WINNER: ISO 8601 duration of the test, shorter than the window",
                    example = "PT30M")
            String testDuration,

            @Nullable
            @Schema(description = "BANDIT: minimum share of each wave per variant (default 0.05)", example = "0.05")
            Double minShare,

            @Nullable
            @Schema(
                    description = "BANDIT: deliveries per variant split evenly before sampling (default 100)",
                    example = "100")
            Integer burnIn,

            @Nullable
            @Schema(
                    description =
                            "Where the metric is counted: PROVIDER (the provider's click count per notification, polled; "
                                    + "clicks only), APP (the app's engagement events), AUTO (default: per variant the larger of the two counts, never "
                                    + "their sum; OPENS come from app events only)",
                    example = "AUTO")
            RewardSource rewardSource) {}

    /**
     * The guardrails' thresholds; each left out takes its default (in the campaign as served, every one is filled in).
     * The service checks them across fields; see {@link io.pushflow.core.guard.Guardrails}.
     */
    @Serdeable
    @Schema(
            name = "Guardrails",
            description =
                    "A running campaign halts itself (status HALTED, with the reason; a marketer resumes or stops "
                            + "it) when the users sent per variant are not the planned shares (sample ratio mismatch, p below srmAlpha once srmMinSample "
                            + "users were sent), when the provider fails more than maxFailureRate of the pushes attempted in the last window (once "
                            + "minAttempts were), or when dead tokens and unsubscribes in the last window jump above invalidJump times the campaign's "
                            + "own share before it (and 5 points above it; once minDecided users were decided in each)")
    public record Guardrails(
            @Nullable @Schema(description = "false: no guardrail halts this campaign (default true)", example = "true")
            Boolean enabled,

            @Nullable
            @Schema(
                    description =
                            "p-value below which a sample ratio mismatch halts (default 0.0001; the statistics warn from 0.001)",
                    example = "0.0001")
            Double srmAlpha,

            @Nullable @Schema(description = "users sent before the SRM test may halt (default 1000)", example = "1000")
            Long srmMinSample,

            @Nullable
            @Schema(
                    description = "failed / attempted in the window above which the campaign halts (default 0.2)",
                    example = "0.2")
            Double maxFailureRate,

            @Nullable
            @Schema(
                    description = "pushes attempted in the window before the failure rate may halt (default 200)",
                    example = "200")
            Long minAttempts,

            @Nullable
            @Schema(description = "ISO 8601 duration of the window, PT1M to PT6H (default PT5M)", example = "PT5M")
            String window,

            @Nullable
            @Schema(
                    description = "factor over the campaign's own share of dead tokens and unsubscribes (default 3)",
                    example = "3")
            Double invalidJump,

            @Nullable
            @Schema(
                    description = "users decided in the window, and before it, before the jump may halt (default 200)",
                    example = "200")
            Long minDecided) {}

    @Serdeable
    @Schema(name = "QuietHours")
    public record QuietHours(
            @NotNull
            @Pattern(regexp = "([01]\\d|2[0-3]):[0-5]\\d", message = "expected HH:MM")
            @Schema(example = "22:00")
            String start,

            @NotNull
            @Pattern(regexp = "([01]\\d|2[0-3]):[0-5]\\d", message = "expected HH:MM")
            @Schema(example = "08:00")
            String end) {}

    @Serdeable
    @Schema(name = "FrequencyCap")
    public record FrequencyCap(
            @Min(1) @Max(100) @Schema(example = "2") int count,

            @NotBlank @Schema(description = "ISO 8601 duration, 1 hour to 30 days", example = "P1D")
            String period) {}
}
