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
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.pushflow.admin.api.ApiError;
import io.pushflow.admin.api.ApiResponses;
import io.pushflow.admin.api.BodyLimit;
import io.pushflow.admin.api.Page;
import io.pushflow.admin.security.Roles;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;

@Controller("/api/v1/pushes")
@Tag(name = "pushes", description = "Push texts (creatives), reused as campaign variants")
@Secured({Roles.ADMIN, Roles.MARKETER, Roles.VIEWER})
class PushController {

    private final PushService service;
    private final TestSends tests;

    PushController(PushService service, TestSends tests) {
        this.service = service;
        this.tests = tests;
    }

    @Get
    @Operation(summary = "List pushes, newest first")
    @ApiResponses.Read
    Page<PushView> list(
            @QueryValue(defaultValue = "0") @Min(0) int page,
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
    @Operation(
            summary = "Create a push",
            description = "Texts per locale with a default locale; titles up to " + PushService.MAX_TITLE
                    + " and bodies up to " + PushService.MAX_BODY + " characters, data up to "
                    + PushService.MAX_DATA_BYTES + " bytes of JSON.")
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

    @Post("/{id}/test")
    @BodyLimit(16 * 1024)
    @Secured({Roles.ADMIN, Roles.MARKETER})
    @ExecuteOn(TaskExecutors.BLOCKING)
    @Operation(
            summary = "Send a push as a test to a few subscriptions before launch",
            description = "Straight through the provider "
                    + "(OneSignal), one notification per language (or only the chosen one) with that language's text shown on every device, to "
                    + "1 to " + TestSends.MAX_RECIPIENTS
                    + " subscription ids (more: 400). The data carries pushflow_test=true and no campaign, so "
                    + "no campaign's statistics count it; the push's history records who sent it where. 502 when the provider created nothing, "
                    + "503 when no provider is configured.")
    @ApiResponses.WriteOne
    @ApiResponse(
            responseCode = "502",
            description = "The provider created no notification (its errors in the message; the attempt is in the "
                    + "push's history)",
            content = @Content(schema = @Schema(implementation = ApiError.class)))
    @ApiResponse(
            responseCode = "503",
            description = "No provider is configured (ONESIGNAL_APP_ID and ONESIGNAL_API_KEY)",
            content = @Content(schema = @Schema(implementation = ApiError.class)))
    TestSendView test(long id, @Body @Valid TestSendRequest request) {
        return tests.send(id, request);
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
