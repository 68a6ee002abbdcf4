package io.pushflow.admin.push;

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
import io.pushflow.admin.api.BodyLimit;
import io.pushflow.admin.api.Page;
import io.pushflow.admin.security.Roles;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;

@Controller("/api/v1/pushes")
@Tag(name = "pushes", description = "Push texts (creatives), reused as campaign variants")
@Secured({Roles.ADMIN, Roles.MARKETER, Roles.VIEWER})
class PushController {

    private final PushService service;

    PushController(PushService service) {
        this.service = service;
    }

    @Get
    @Operation(summary = "List pushes, newest first")
    @ApiResponses.Read
    Page<PushView> list(@QueryValue(defaultValue = "0") @Min(0) int page,
                          @QueryValue(defaultValue = "20") @Min(1) @Max(200) int size) {
        return service.list(page, size);
    }

    @Get("/{id}")
    @Operation(summary = "Get a push")
    @ApiResponses.ReadOne
    PushView get(long id) {
        return service.get(id);
    }

    @Post
    @Status(HttpStatus.CREATED)
    @Secured({Roles.ADMIN, Roles.MARKETER})
    @Operation(summary = "Create a push", description = "Texts per locale with a default locale; titles up to " + PushService.MAX_TITLE
            + " and bodies up to " + PushService.MAX_BODY + " characters, data up to " + PushService.MAX_DATA_BYTES + " bytes of JSON.")
    @ApiResponses.Write
    @BodyLimit(512 * 1024)
    PushView create(@Body @Valid PushRequest request) {
        return service.create(request);
    }

    @Put("/{id}")
    @Secured({Roles.ADMIN, Roles.MARKETER})
    @Operation(summary = "Replace a push")
    @ApiResponses.WriteOne
    @BodyLimit(512 * 1024)
    PushView update(long id, @Body @Valid PushRequest request) {
        return service.update(id, request);
    }

    @Delete("/{id}")
    @Status(HttpStatus.NO_CONTENT)
    @Secured({Roles.ADMIN, Roles.MARKETER})
    @Operation(summary = "Delete a push that no campaign uses")
    @ApiResponses.WriteOne
    void delete(long id) {
        service.delete(id);
    }
}
