package io.pushflow.admin.cohort;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.util.Map;

@Serdeable
@Schema(name = "CohortRequest", description = "A named filter chain over user attributes")
public record CohortRequest(
        @NotBlank @Size(max = 200) @Schema(example = "PT kiters, active this week, app 57+")
        String name,

        @Nullable @Size(max = 2000) @Schema(example = "Kitesurfers in Portugal who opened the app in the last 7 days")
        String description,

        @NotNull
        @Schema(
                additionalProperties = Schema.AdditionalPropertiesValue.TRUE,
                description =
                        "Filter chain: nested {\"all\"|\"any\": [...]} groups (optionally \"not\": true) of "
                                + "{\"field\", \"op\", \"value\"|\"values\"} conditions; fields and operators are listed by GET /api/v1/cohort-fields",
                example = "{\"all\":[{\"field\":\"sports\",\"op\":\"has_any\",\"values\":[\"kitesurfing\"]},"
                        + "{\"field\":\"country\",\"op\":\"eq\",\"value\":\"PT\"},"
                        + "{\"field\":\"last_active_at\",\"op\":\"within_last\",\"value\":\"P7D\"},"
                        + "{\"field\":\"app_version\",\"op\":\"ge\",\"value\":\"57.0\"}]}")
        Map<String, Object> filter) {}
