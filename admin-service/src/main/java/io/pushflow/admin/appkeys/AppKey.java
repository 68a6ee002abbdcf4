package io.pushflow.admin.appkeys;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.GeneratedValue;
import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;
import java.time.Instant;

/** A key the app posts events with: its name, the first characters to recognise it by, and the SHA-256 of the key. */
@MappedEntity("app_keys")
public record AppKey(
        @Id @GeneratedValue @Nullable Long id,
        String name,
        String keyPrefix,
        String keyHash,
        Instant createdAt,
        String createdBy,
        @Nullable Instant lastUsedAt) {}
