package io.pushflow.admin.cohort;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.GeneratedValue;
import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;
import io.micronaut.data.annotation.Version;
import java.time.Instant;

/** A saved cohort: a named filter chain, stored in its canonical JSON. */
@MappedEntity("cohorts")
public record Cohort(
        @Id @GeneratedValue @Nullable Long id,
        String name,
        @Nullable String description,
        String filterJson,
        @Version @Nullable Long version,
        Instant createdAt,
        String createdBy,
        Instant updatedAt,
        String updatedBy) {}
