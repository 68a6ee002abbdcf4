package io.pushflow.admin.campaign;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.Put;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.http.annotation.Status;
import io.micronaut.security.annotation.Secured;
import io.micronaut.serde.annotation.Serdeable;
import io.pushflow.admin.api.ApiResponses;
import io.pushflow.admin.api.BodyLimit;
import io.pushflow.admin.api.Page;
import io.pushflow.admin.audit.AuditEntry;
import io.pushflow.admin.security.Roles;
import io.pushflow.core.campaign.CampaignStatus;
import io.pushflow.core.campaign.CampaignStatus.Action;
import io.pushflow.core.json.Json;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.time.Instant;
import java.util.List;
import java.util.Map;

@Controller("/api/v1/campaigns")
@Tag(
        name = "campaigns",
        description =
                "Campaigns and their lifecycle: DRAFT → SCHEDULED/RUNNING → PAUSED ⇄ RUNNING → STOPPED or COMPLETED")
@Secured({Roles.ADMIN, Roles.MARKETER, Roles.VIEWER})
class CampaignController {

    private final CampaignService service;
    private final CampaignCloner cloner;

    CampaignController(CampaignService service, CampaignCloner cloner) {
        this.service = service;
        this.cloner = cloner;
    }

    @Serdeable
    @Schema(name = "HistoryEntry", description = "One change of a campaign")
    record HistoryEntry(
            @Schema(example = "updated") String action,
            @Schema(example = "marketer") String actor,
            Instant at,

            @Schema(
                    additionalProperties = Schema.AdditionalPropertiesValue.TRUE,
                    description =
                            "created: the value; updated: changes {field: {from, to}}; lifecycle: from and to status")
            Map<String, Object> details) {}

    @Get
    @Operation(summary = "List campaigns, newest first, optionally of one status")
    @ApiResponses.Read
    Page<CampaignView> list(
            @QueryValue @Nullable CampaignStatus status,
            @QueryValue(defaultValue = "0") @Min(0) int page,
            @QueryValue(defaultValue = "20") @Min(1) @Max(200) int size) {
        return service.list(status, page, size);
    }

    @Get("/{id}")
    @Operation(summary = "Get a campaign")
    @ApiResponses.ReadOne
    CampaignView get(long id) {
        return service.get(id);
    }

    @Get("/{id}/history")
    @Operation(summary = "Every change of a campaign: who, when, what")
    @ApiResponses.ReadOne
    @SuppressWarnings("unchecked")
    List<HistoryEntry> history(long id) {
        return service.history(id).stream()
                .map((AuditEntry e) -> new HistoryEntry(
                        e.action(),
                        e.actor(),
                        e.at(),
                        e.details() == null ? Map.of() : Json.read(e.details(), Map.class)))
                .toList();
    }

    @Post
    @Status(HttpStatus.CREATED)
    @Secured({Roles.ADMIN, Roles.MARKETER})
    @Operation(summary = "Create a draft campaign")
    @ApiResponses.Write
    @BodyLimit(64 * 1024)
    CampaignView create(@Body @Valid CampaignRequest request) {
        return service.create(request);
    }

    @Post("/{id}/clone")
    @BodyLimit(4 * 1024)
    @Status(HttpStatus.CREATED)
    @Secured({Roles.ADMIN, Roles.MARKETER})
    @Operation(
            summary = "Copy a campaign, in any status, into a new draft",
            description = "The copy has the same cohort, variants (pushes and "
                    + "weights), split, holdoutShare, duration, pace, sendRateLimit, quietHours, frequencyCap and guardrails, is named 'Copy of <name>', and keeps "
                    + "startAt only when it is still ahead. Both histories record the copy ('cloned', 'cloned to').")
    @ApiResponses.WriteOne
    CampaignView cloneOf(long id) {
        return cloner.cloneOf(id);
    }

    @Put("/{id}")
    @Secured({Roles.ADMIN, Roles.MARKETER})
    @Operation(
            summary = "Replace a campaign",
            description =
                    "A draft changes freely; a launched campaign only its name, duration, "
                            + "sendRateLimit, pace, quietHours and frequencyCap (sent to the jobs as an UPDATE command); a stopped or completed one not at all.")
    @ApiResponses.WriteOne
    @BodyLimit(64 * 1024)
    CampaignView update(long id, @Body @Valid CampaignRequest request) {
        return service.update(id, request);
    }

    @Delete("/{id}")
    @Status(HttpStatus.NO_CONTENT)
    @Secured({Roles.ADMIN, Roles.MARKETER})
    @Operation(summary = "Delete a draft campaign")
    @ApiResponses.WriteOne
    void delete(long id) {
        service.delete(id);
    }

    @Post("/{id}/launch")
    @Secured({Roles.ADMIN, Roles.MARKETER})
    @Operation(
            summary =
                    "Launch a draft: SCHEDULED before its start time, RUNNING after; publishes LAUNCH on campaign.commands")
    @ApiResponses.WriteOne
    CampaignView launch(long id) {
        return service.transition(id, Action.LAUNCH);
    }

    @Post("/{id}/pause")
    @Secured({Roles.ADMIN, Roles.MARKETER})
    @Operation(summary = "Pause a scheduled or running campaign; publishes PAUSE")
    @ApiResponses.WriteOne
    CampaignView pause(long id) {
        return service.transition(id, Action.PAUSE);
    }

    @Post("/{id}/resume")
    @Secured({Roles.ADMIN, Roles.MARKETER})
    @Operation(summary = "Resume a paused campaign; publishes RESUME")
    @ApiResponses.WriteOne
    CampaignView resume(long id) {
        return service.transition(id, Action.RESUME);
    }

    @Post("/{id}/stop")
    @Secured({Roles.ADMIN, Roles.MARKETER})
    @Operation(summary = "Stop a campaign for good; publishes STOP")
    @ApiResponses.WriteOne
    CampaignView stop(long id) {
        return service.transition(id, Action.STOP);
    }
}
