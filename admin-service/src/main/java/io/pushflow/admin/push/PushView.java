package io.pushflow.admin.push;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
import java.util.Map;

@Serdeable
@Schema(name = "Push")
public record PushView(
        @Schema(example = "3") long id,
        String name,
        @Schema(example = "en") String defaultLocale,
        Map<String, PushRequest.Text> texts,
        @Nullable String deepLink,
        @Nullable String imageUrl,

        @Nullable @Schema(additionalProperties = Schema.AdditionalPropertiesValue.TRUE)
        Map<String, Object> data,

        @Schema(example = "0") long version,
        Instant createdAt,
        String createdBy,
        Instant updatedAt,
        String updatedBy) {}
