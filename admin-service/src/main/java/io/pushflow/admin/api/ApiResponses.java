package io.pushflow.admin.api;

import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** The error responses operations share, documented once with the {@link ApiError} shape. */
public final class ApiResponses {

    private ApiResponses() {}

    /**
     * Any call with credentials: 401 without them, 403 with an app key (it only posts events), a role that may not or
     * another site's Origin; 413 for a request line or headers over the server's limits.
     */
    @Documented
    @Retention(RetentionPolicy.RUNTIME)
    @Target({ElementType.METHOD, ElementType.ANNOTATION_TYPE})
    @ApiResponse(
            responseCode = "401",
            description = "No or wrong credentials",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = ApiError.class)))
    @ApiResponse(
            responseCode = "403",
            description = "An app key instead of a user's credentials, or a role that may not do this",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = ApiError.class)))
    @ApiResponse(
            responseCode = "413",
            description = "The request line (4 KiB) or the headers (8 KiB) are over the server's limit",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = ApiError.class)))
    public @interface Authenticated {}

    /** A paged list. */
    @Documented
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.METHOD)
    @Authenticated
    @ApiResponse(
            responseCode = "400",
            description = "Bad paging parameters",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = ApiError.class)))
    public @interface Read {}

    /** One item by its id: 400 for an id that is not a number, 404 for an unknown one. */
    @Documented
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.METHOD)
    @Authenticated
    @ApiResponse(
            responseCode = "400",
            description = "The id is not a whole number",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = ApiError.class)))
    @ApiResponse(
            responseCode = "404",
            description = "No such id",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = ApiError.class)))
    public @interface ReadOne {}

    @Documented
    @Retention(RetentionPolicy.RUNTIME)
    @Target({ElementType.METHOD, ElementType.ANNOTATION_TYPE})
    @ApiResponse(
            responseCode = "400",
            description = "Invalid input; errors[] names each field at fault",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = ApiError.class)))
    @ApiResponse(
            responseCode = "401",
            description = "No or wrong credentials",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = ApiError.class)))
    @ApiResponse(
            responseCode = "403",
            description = "The role may not change configuration, an app key instead of a user's credentials, "
                    + "or the request came from another site's page (its Origin is not this service)",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = ApiError.class)))
    @ApiResponse(
            responseCode = "409",
            description = "Conflicts with the current state (name taken, in use, wrong status)",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = ApiError.class)))
    @ApiResponse(
            responseCode = "413",
            description =
                    "A body over the operation's limit: JSON up to 1 MB, campaigns 64 KiB, pushes 512 KiB, app keys 4 KiB "
                            + "(the user import streams its body and takes more)",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = ApiError.class)))
    @ApiResponse(
            responseCode = "415",
            description = "Not a body type the operation takes: application/json (the user import also "
                    + "application/x-ndjson and text/csv). Every POST with user credentials needs one, even without a body ({}), so no other "
                    + "site's form can send it",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = ApiError.class)))
    public @interface Write {}

    /** {@link Write} on one item: also 404 for an unknown id. */
    @Documented
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.METHOD)
    @Write
    @ApiResponse(
            responseCode = "404",
            description = "No such id",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = ApiError.class)))
    public @interface WriteOne {}
}
