package io.pushflow.admin.cohort;

import io.micronaut.serde.annotation.Serdeable;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
import java.util.List;

@Serdeable
@Schema(name = "CohortSize", description = "How many users a filter chain selects right now")
public record CohortSize(
        @Schema(description = "Matching users", example = "48213")
        long count,

        @Schema(description = "Some matching user ids, lowest first")
        List<Long> sample,

        @Schema(
                description =
                        "true: only each user's newest row counted (slower); false: rows not yet merged may count")
        boolean exact,

        @Schema(description = "Time relative conditions (within_last) were measured from")
        Instant asOf,

        @Schema(description = "How long the count took", example = "212")
        long tookMillis) {}
