package io.pushflow.admin.export;

import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.http.server.types.files.StreamedFile;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.pushflow.admin.api.ApiError;
import io.pushflow.admin.api.ApiResponses;
import io.pushflow.admin.security.Roles;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;

@Controller("/api/v1/campaigns/{id}/export")
@Tag(name = "statistics", description = "A campaign's real-time statistics from ClickHouse")
@Secured({Roles.ADMIN, Roles.MARKETER, Roles.VIEWER})
class ExportController {

    static final MediaType CSV = new MediaType("text/csv; charset=utf-8");

    private final ExportService service;

    ExportController(ExportService service) {
        this.service = service;
    }

    // no produces: micronaut-openapi would give every response, the JSON errors too, that type; the file carries
    // text/csv
    @Get
    @ExecuteOn(TaskExecutors.BLOCKING)
    @Operation(
            summary =
                    "A campaign's results as CSV, streamed as ClickHouse computes them (a download: Content-Disposition attachment)",
            description =
                    "what=variants: the statistics table, one row per variant and one for the holdout: assigned, sent, failed, skipped "
                            + "(in all and per reason), delivered, received, opened, clicked (and by whom counted), open and click rates with their "
                            + "95% credible intervals, probability of being best, the latest share. what=outcomes: one row per audience member: "
                            + "user_id, variant (or holdout), outcome (sent, failed, skipped), reason, the provider's error, wave, and sent_at, "
                            + "delivered_at (when the provider last reported the member's notification delivered in full: OneSignal counts per "
                            + "notification, not per device), opened_at, clicked_at (the app's first reports), ISO 8601 UTC or empty. "
                            + "A million members take a few seconds.")
    @ApiResponse(
            responseCode = "200",
            description = "The CSV, with a header row",
            content = @Content(mediaType = "text/csv"))
    @ApiResponse(
            responseCode = "415",
            description = "A Content-Type other than application/json on this GET",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = ApiError.class)))
    @ApiResponses.ReadOne
    HttpResponse<StreamedFile> export(
            long id,
            @QueryValue(defaultValue = "variants")
                    @Parameter(
                            description = "variants or outcomes",
                            schema = @Schema(allowableValues = {"variants", "outcomes"}))
                    String what) {
        ExportService.Export export = service.export(id, what);
        return HttpResponse.ok(new StreamedFile(export.csv(), CSV))
                .header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"" + export.fileName() + "\"");
    }
}
