package io.pushflow.admin.security;

import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.serde.annotation.Serdeable;
import io.pushflow.admin.api.ApiResponses;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;

@Controller("/api/v1/me")
@Tag(name = "me", description = "Who is calling")
@Secured({Roles.ADMIN, Roles.MARKETER, Roles.VIEWER})
class MeController {

    @Serdeable
    @Schema(name = "Me", description = "The caller's user name and roles (admin, marketer, viewer)")
    record Me(
            @Schema(example = "marketer") String name,
            @Schema(example = "[\"marketer\"]") List<String> roles) {}

    @Get
    @Operation(summary = "The calling user's name and roles, so a client can offer only what the API allows")
    @ApiResponses.Authenticated
    Me me(Authentication authentication) {
        return new Me(authentication.getName(), List.copyOf(authentication.getRoles()));
    }
}
