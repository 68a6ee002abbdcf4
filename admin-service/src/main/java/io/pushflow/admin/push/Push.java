package io.pushflow.admin.push;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.GeneratedValue;
import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;
import io.micronaut.data.annotation.Version;
import java.time.Instant;

/** A creative: per-locale title and body, deep link, image and data payload (the JSON columns hold maps). */
@MappedEntity("pushes")
public record Push(
        @Id @GeneratedValue @Nullable Long id,
        String name,
        String defaultLocale,
        String textsJson,
        @Nullable String deepLink,
        @Nullable String imageUrl,
        @Nullable String dataJson,
        @Version @Nullable Long version,
        Instant createdAt,
        String createdBy,
        Instant updatedAt,
        String updatedBy) {}
