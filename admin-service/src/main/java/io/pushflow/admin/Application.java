package io.pushflow.admin;

import io.micronaut.runtime.Micronaut;
import io.swagger.v3.oas.annotations.OpenAPIDefinition;
import io.swagger.v3.oas.annotations.enums.SecuritySchemeIn;
import io.swagger.v3.oas.annotations.enums.SecuritySchemeType;
import io.swagger.v3.oas.annotations.info.Info;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.security.SecurityScheme;

@OpenAPIDefinition(
        info =
                @Info(
                        title = "pushflow",
                        version = "1",
                        description =
                                "Admin API of pushflow: cohorts (filter chains over user attributes), pushes (creatives), "
                                        + "campaigns and their lifecycle. Every endpoint needs HTTP Basic credentials; roles: "
                                        + "viewer (read), marketer (read, create, edit, launch), admin (everything). "
                                        + "The app's engagement events take an app key instead (X-Pushflow-App-Key; admins make them under "
                                        + "/api/v1/app-keys), which opens nothing else. Errors share one shape: ApiError."),
        security = @SecurityRequirement(name = "basic"))
@SecurityScheme(name = "basic", type = SecuritySchemeType.HTTP, scheme = "basic")
@SecurityScheme(
        name = "appKey",
        type = SecuritySchemeType.APIKEY,
        in = SecuritySchemeIn.HEADER,
        paramName = "X-Pushflow-App-Key",
        description = "An app key (POST /api/v1/app-keys): the app's credential for its events, good for nothing else")
@SecurityScheme(
        name = "appKeyQuery",
        type = SecuritySchemeType.APIKEY,
        in = SecuritySchemeIn.QUERY,
        paramName = "key",
        description = "An app key in the URL, for webhooks a browser's service worker calls (it cannot add headers)")
public class Application {

    public static void main(String[] args) {
        Micronaut.run(Application.class, args);
    }
}
