package io.pushflow.admin;

import io.micronaut.runtime.Micronaut;
import io.swagger.v3.oas.annotations.OpenAPIDefinition;
import io.swagger.v3.oas.annotations.enums.SecuritySchemeType;
import io.swagger.v3.oas.annotations.info.Info;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.security.SecurityScheme;

@OpenAPIDefinition(
        info = @Info(
                title = "pushflow",
                version = "1",
                description = "Admin API of pushflow: cohorts (filter chains over user attributes), pushes (creatives), "
                        + "campaigns and their lifecycle. Every endpoint needs HTTP Basic credentials; roles: "
                        + "viewer (read), marketer (read, create, edit, launch), admin (everything). "
                        + "Errors share one shape: ApiError."),
        security = @SecurityRequirement(name = "basic"))
@SecurityScheme(name = "basic", type = SecuritySchemeType.HTTP, scheme = "basic")
public class Application {

    public static void main(String[] args) {
        Micronaut.run(Application.class, args);
    }
}
