package io.pushflow.admin.cohort;

import io.micronaut.serde.annotation.Serdeable;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.NotNull;
import java.util.Map;

@Serdeable
@Schema(name = "CohortPreviewRequest", description = "An unsaved filter chain to count")
public record CohortPreviewRequest(
        @NotNull
        @Schema(
                additionalProperties = Schema.AdditionalPropertiesValue.TRUE,
                example = "{\"all\":[{\"field\":\"sports\",\"op\":\"has_any\",\"values\":[\"kitesurfing\"]},"
                        + "{\"field\":\"country\",\"op\":\"eq\",\"value\":\"PT\"}]}")
        Map<String, Object> filter) {}
