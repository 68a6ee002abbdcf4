package io.pushflow.admin.audit;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.GeneratedValue;
import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;
import java.time.Instant;

/** One change: who did what to which entity, when, and the JSON of what changed. */
@MappedEntity("audit_log")
public record AuditEntry(
        @Id @GeneratedValue @Nullable Long id,
        String entityType,
        long entityId,
        String action,
        String actor,
        Instant at,
        @Nullable String details) {}
