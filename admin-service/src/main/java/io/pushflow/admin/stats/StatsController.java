package io.pushflow.admin.stats;

import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.security.annotation.Secured;
import io.micronaut.serde.annotation.SerdeImport;
import io.pushflow.admin.api.ApiResponses;
import io.pushflow.admin.security.Roles;
import io.pushflow.core.stats.ProportionDifference;
import io.pushflow.core.stats.RateInterval;
import io.pushflow.core.stats.SampleRatioMismatch;
import io.pushflow.store.CampaignStats;
import io.pushflow.store.HoldoutLift;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;
import java.util.Map;

@Controller("/api/v1/campaigns/{id}/stats")
@Tag(name = "statistics", description = "A campaign's real-time statistics from ClickHouse")
@Secured({Roles.ADMIN, Roles.MARKETER, Roles.VIEWER})
@SerdeImport(CampaignStats.Campaign.class)
@SerdeImport(CampaignStats.Variant.class)
@SerdeImport(CampaignStats.ProviderOutcomes.class)
@SerdeImport(CampaignStats.Point.class)
@SerdeImport(RateInterval.class)
@SerdeImport(SampleRatioMismatch.class)
@SerdeImport(HoldoutLift.Lift.class)
@SerdeImport(HoldoutLift.Group.class)
@SerdeImport(HoldoutLift.Comparison.class)
@SerdeImport(ProportionDifference.class)
class StatsController {

    private final StatsService service;

    StatsController(StatsService service) {
        this.service = service;
    }

    @Get
    @Operation(
            summary =
                    "Per variant: assigned, sent, failed, skipped by reason, delivered and received (the provider's counts), "
                            + "opened (the app's events), clicked by the campaign's reward source (clicksFrom: APP, PROVIDER; under AUTO the larger "
                            + "of clickedByApp and clickedByProvider), open and click rates per delivered push with 95% credible intervals, "
                            + "probability of being best by the campaign's metric, the latest wave's share; per campaign: the metric and reward "
                            + "source, progress (outcomes / audience at the start), send rate over the last minute, ETA, a sample-ratio test for "
                            + "fixed splits, and how old the newest data is")
    @ApiResponses.ReadOne
    CampaignStats.Campaign stats(long id) {
        return service.stats(id);
    }

    @Get("/timeseries")
    @Operation(
            summary =
                    "A series per variant for charts: sends, opens and clicks per step (clicks from the campaign's reward source), "
                            + "or the allocation share")
    @ApiResponses.ReadOne
    Map<String, List<CampaignStats.Point>> timeseries(
            long id,
            @QueryValue(defaultValue = "sends") @Parameter(description = "sends, opens, clicks or share") String metric,
            @QueryValue(defaultValue = "PT1M") @Parameter(description = "ISO 8601, PT1S to P1D") String step) {
        return service.series(id, metric, step);
    }

    @Get("/lift")
    @Operation(
            summary =
                    "Holdout lift: of the members given each variant (and all variants together) and of the holdout, the share who "
                            + "opened the app (app_open events) within the window after their wave began, and the difference against the holdout with a "
                            + "95% interval (Newcombe's hybrid score interval for a difference of proportions). Members count as assigned (intent to "
                            + "treat): a variant's skipped members too, as the holdout is set aside before the delivery gate. complete is false until "
                            + "the last wave's window has closed. One answer per campaign and window is kept for 30 s (the query joins every member)")
    @ApiResponses.ReadOne
    HoldoutLift.Lift lift(
            long id,
            @QueryValue(defaultValue = "P1D")
                    @Parameter(description = "ISO 8601, PT1M to P30D: how long after their wave an app open counts")
                    String window) {
        return service.lift(id, window);
    }
}
