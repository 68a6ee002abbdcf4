package io.pushflow.admin.audit;

import io.micronaut.json.JsonMapper;
import io.micronaut.security.utils.SecurityService;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** Writes who changed what, in the transaction of the change itself. */
@Singleton
public class AuditLog {

    public static final String SYSTEM = "system";

    private final AuditRepository repository;
    private final SecurityService security;
    private final JsonMapper json;
    private final Clock clock;

    AuditLog(AuditRepository repository, SecurityService security, JsonMapper json, Clock clock) {
        this.repository = repository;
        this.security = security;
        this.json = json;
        this.clock = clock;
    }

    /** The authenticated user, or {@value #SYSTEM} for the service's own changes. */
    public String actor() {
        return security.username().orElse(SYSTEM);
    }

    public void created(String entityType, long id, Object view) {
        write(entityType, id, "created", Map.of("value", view));
    }

    /** Records the top-level fields that differ between two views of the entity. */
    public void updated(String entityType, long id, Object before, Object after) {
        Map<String, Object> from = tree(before);
        Map<String, Object> to = tree(after);
        Map<String, Object> changes = new LinkedHashMap<>();
        for (String key : to.keySet()) {
            if (!Objects.equals(from.get(key), to.get(key))
                    && !List.of("version", "updatedAt", "updatedBy").contains(key)) {
                Map<String, Object> change = new LinkedHashMap<>();
                change.put("from", from.get(key));
                change.put("to", to.get(key));
                changes.put(key, change);
            }
        }
        write(entityType, id, "updated", Map.of("changes", changes));
    }

    public void deleted(String entityType, long id) {
        write(entityType, id, "deleted", Map.of());
    }

    public void write(String entityType, long id, String action, Map<String, Object> details) {
        repository.save(new AuditEntry(null, entityType, id, action, actor(), clock.instant(), writeJson(details)));
    }

    public List<AuditEntry> history(String entityType, long id) {
        return repository.findByEntityTypeAndEntityIdOrderById(entityType, id);
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> tree(Object view) {
        try {
            return json.readValue(json.writeValueAsBytes(view), Map.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String writeJson(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
