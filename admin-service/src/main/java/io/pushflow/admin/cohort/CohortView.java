package io.pushflow.admin.cohort;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
import java.util.Map;

@Serdeable
@Schema(name = "Cohort")
public record CohortView(
        @Schema(example = "7") long id,

        @Schema(example = "PT kiters, active this week, app 57+")
        String name,

        @Nullable String description,

        @Schema(
                additionalProperties = Schema.AdditionalPropertiesValue.TRUE,
                description = "The filter chain in canonical form (values normalized, duplicates dropped)")
        Map<String, Object> filter,

        @Schema(example = "4") int conditions,

        @Schema(description = "Increases with every change", example = "0")
        long version,

        Instant createdAt,
        String createdBy,
        Instant updatedAt,
        String updatedBy) {}
