package io.pushflow.admin.api;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;

/** The one error shape of the API. */
@Serdeable
@Schema(
        name = "ApiError",
        description = "What went wrong and, for bad input, the fields at fault.",
        example = "{\"status\":400,\"error\":\"Bad Request\",\"message\":\"The request is invalid\","
                + "\"path\":\"/api/v1/cohorts\",\"errors\":[{\"field\":\"filter.all[0].op\","
                + "\"message\":\"operator 'has_any' does not apply to country; use one of eq, ne, in, not_in\"}]}")
public record ApiError(
        @Schema(description = "HTTP status code", example = "400")
        int status,

        @Schema(description = "HTTP reason phrase", example = "Bad Request")
        String error,

        @Schema(description = "What to fix, in a sentence") String message,
        @Schema(description = "The request path") @Nullable String path,

        @Schema(description = "One entry per field or filter-chain place at fault")
        List<FieldError> errors) {

    @Serdeable
    @Schema(name = "FieldError")
    public record FieldError(
            @Schema(description = "The field or JSON path at fault", example = "variants[1].pushId")
            String field,

            @Schema(example = "no push with id 99") String message) {}
}
