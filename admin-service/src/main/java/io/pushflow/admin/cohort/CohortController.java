package io.pushflow.admin.cohort;

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
import io.pushflow.admin.api.ApiResponses;
import io.pushflow.admin.api.Page;
import io.pushflow.admin.security.Roles;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;

@Controller("/api/v1/cohorts")
@Tag(name = "cohorts", description = "Named filter chains over user attributes")
@Secured({Roles.ADMIN, Roles.MARKETER, Roles.VIEWER})
class CohortController {

    private final CohortService service;
    private final CohortSizes sizes;

    CohortController(CohortService service, CohortSizes sizes) {
        this.service = service;
        this.sizes = sizes;
    }

    @Post("/preview")
    @Operation(
            summary = "Count the users an unsaved filter chain selects, with a sample of their ids",
            description =
                    "Relative conditions (within_last) are measured from now. exact=true counts only each user's newest "
                            + "row (slower); the default may count a changed user's older row until ClickHouse merges it away.")
    @ApiResponses.Write
    CohortSize preview(@Body @Valid CohortPreviewRequest request, @QueryValue(defaultValue = "false") boolean exact) {
        return sizes.size(CohortService.filterChain(request.filter()), exact);
    }

    @Get("/{id}/size")
    @Operation(summary = "Count the users a saved cohort selects now")
    @ApiResponses.ReadOne
    CohortSize size(long id, @QueryValue(defaultValue = "false") boolean exact) {
        return sizes.size(service.chain(id), exact);
    }

    @Get
    @Operation(summary = "List cohorts, newest first")
    @ApiResponses.Read
    Page<CohortView> list(
            @QueryValue(defaultValue = "0") @Min(0) int page,
            @QueryValue(defaultValue = "20") @Min(1) @Max(200) int size) {
        return service.list(page, size);
    }

    @Get("/{id}")
    @Operation(summary = "Get a cohort")
    @ApiResponses.ReadOne
    CohortView get(long id) {
        return service.get(id);
    }

    @Post
    @Status(HttpStatus.CREATED)
    @Secured({Roles.ADMIN, Roles.MARKETER})
    @Operation(
            summary = "Create a cohort",
            description = "The filter chain is validated against GET /api/v1/cohort-fields; "
                    + "every problem is reported with its place in the chain (e.g. filter.all[1].any[0].value).")
    @ApiResponses.Write
    CohortView create(@Body @Valid CohortRequest request) {
        return service.create(request);
    }

    @Put("/{id}")
    @Secured({Roles.ADMIN, Roles.MARKETER})
    @Operation(summary = "Replace a cohort's name, description and filter chain")
    @ApiResponses.WriteOne
    CohortView update(long id, @Body @Valid CohortRequest request) {
        return service.update(id, request);
    }

    @Delete("/{id}")
    @Status(HttpStatus.NO_CONTENT)
    @Secured({Roles.ADMIN, Roles.MARKETER})
    @Operation(summary = "Delete a cohort that no campaign uses")
    @ApiResponses.WriteOne
    void delete(long id) {
        service.delete(id);
    }
}
