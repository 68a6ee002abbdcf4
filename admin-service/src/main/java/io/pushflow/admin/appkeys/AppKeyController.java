package io.pushflow.admin.appkeys;

import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.Status;
import io.micronaut.security.annotation.Secured;
import io.micronaut.serde.annotation.Serdeable;
import io.pushflow.admin.api.ApiResponses;
import io.pushflow.admin.api.BodyLimit;
import io.pushflow.admin.appkeys.AppKeyService.AppKeyView;
import io.pushflow.admin.appkeys.AppKeyService.CreatedAppKey;
import io.pushflow.admin.security.Roles;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.List;

@Controller("/api/v1/app-keys")
@Tag(
        name = "app keys",
        description = "The keys the app (or its event collector) posts engagement events with; admins only")
@Secured(Roles.ADMIN)
class AppKeyController {

    @Serdeable
    @Schema(name = "AppKeyRequest")
    record AppKeyRequest(
            @NotBlank
            @Size(max = 100)
            @Pattern(regexp = "[A-Za-z0-9._-]*", message = "use letters, digits, '.', '_' and '-'")
            @Schema(description = "What the key is for; unique", example = "windy-event-collector")
            String name) {}

    private final AppKeyService service;
    private final AppKeys keys;

    AppKeyController(AppKeyService service, AppKeys keys) {
        this.service = service;
        this.keys = keys;
    }

    @Post
    @Status(HttpStatus.CREATED)
    @Operation(
            summary = "Make an app key; the answer holds the key itself, shown this once",
            description = "Only a SHA-256 of the key is stored. The key works at once on this instance and within "
                    + "pushflow.app-keys.refresh (5 s) on the others. Audited.")
    @ApiResponses.Write
    @BodyLimit(4 * 1024)
    CreatedAppKey createAppKey(@Body @Valid AppKeyRequest request) {
        AppKeyService.CreatedKey created = service.create(request.name());
        keys.added(created.row());
        return created.view();
    }

    @Get
    @Operation(
            summary = "List the app keys: names, prefixes, when made and last used; never the keys",
            description = "Keys from EVENT_APP_KEYS are listed with source environment and no id.")
    @ApiResponses.Authenticated
    List<AppKeyView> listAppKeys() {
        return service.list();
    }

    @Delete("/{id}")
    @Status(HttpStatus.NO_CONTENT)
    @Operation(
            summary = "Revoke an app key",
            description =
                    "It stops working at once on this instance and within pushflow.app-keys.refresh (5 s) on the others. Audited.")
    @ApiResponses.WriteOne
    void revokeAppKey(long id) {
        keys.removed(service.revoke(id));
    }
}
