package io.pushflow.admin.appkeys;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import io.pushflow.admin.api.ApiException;
import io.pushflow.admin.audit.AuditLog;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.inject.Singleton;
import jakarta.transaction.Transactional;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/** Makes and revokes app keys in MySQL, each change in the audit log; the key itself is returned once and never stored. */
@Singleton
class AppKeyService {

    static final String ENTITY = "app_key";
    /** Marks pushflow's app keys, so a leaked one is recognisable (secret scanners, logs). */
    static final String KEY_PREFIX = "pfk_";

    private static final int RANDOM_BYTES = 32;
    private static final int SHOWN_CHARACTERS = KEY_PREFIX.length() + 8;

    @Serdeable
    @JsonInclude(JsonInclude.Include.ALWAYS)
    @Schema(name = "AppKey", description = "An app key without its secret")
    record AppKeyView(
            @Nullable
            @Schema(
                    description = "Null for a key from EVENT_APP_KEYS (revoked by changing the environment)",
                    example = "3")
            Long id,

            @Schema(example = "windy-event-collector") String name,

            @Schema(description = "The key's first characters, to recognise it by", example = "pfk_Q2x9aB7c")
            String prefix,

            @Schema(description = "api (made through this API) or environment (EVENT_APP_KEYS)", example = "api")
            String source,

            @Nullable @Schema(description = "Null for a key from the environment")
            Instant createdAt,

            @Nullable @Schema(description = "Null for a key from the environment", example = "admin")
            String createdBy,

            @Nullable @Schema(description = "Seen last (updated every few seconds), null when never used")
            Instant lastUsedAt) {}

    @Serdeable
    @Schema(name = "CreatedAppKey", description = "A new app key with its secret: shown this once, store it now")
    record CreatedAppKey(
            @Schema(example = "3") long id,
            @Schema(example = "windy-event-collector") String name,

            @Schema(
                    description = "The key: send it as the X-Pushflow-App-Key header (or ?key= on the webhook paths)",
                    example = "pfk_Q2x9aB7cYtE0v3kLm1Zr8sWq5NfH6uJdPaGbXcVy4Ti")
            String key,

            @Schema(example = "pfk_Q2x9aB7c") String prefix,
            Instant createdAt,
            @Schema(example = "admin") String createdBy) {

        /** The answer carries the key; a log of this record must not. */
        @Override
        public String toString() {
            return "CreatedAppKey[id=" + id + ", name=" + name + ", key=(secret), prefix=" + prefix + ", createdAt="
                    + createdAt + ", createdBy=" + createdBy + "]";
        }
    }

    private final AppKeyRepository repository;
    private final AppKeys keys;
    private final AuditLog audit;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    AppKeyService(AppKeyRepository repository, AppKeys keys, AuditLog audit, Clock clock) {
        this.repository = repository;
        this.keys = keys;
        this.audit = audit;
        this.clock = clock;
    }

    @Transactional
    CreatedKey create(String name) {
        repository.findByName(name).ifPresent(k -> {
            throw ApiException.nameTaken("app key", name, k.id());
        });
        if (keys.bootstrapKeys().stream().anyMatch(k -> k.name().equals(name))) {
            throw ApiException.conflict(
                    "an app key named '" + name + "' comes from EVENT_APP_KEYS; choose another name");
        }
        byte[] secret = new byte[RANDOM_BYTES];
        random.nextBytes(secret);
        String key = KEY_PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        AppKey saved = repository.save(new AppKey(
                null,
                name,
                key.substring(0, SHOWN_CHARACTERS),
                AppKeys.sha256(key),
                clock.instant(),
                audit.actor(),
                null));
        audit.created(ENTITY, saved.id(), view(saved));
        return new CreatedKey(saved, key);
    }

    /** The row and the key made for it: the caller makes it valid once the transaction is committed. */
    record CreatedKey(AppKey row, String key) {
        CreatedAppKey view() {
            return new CreatedAppKey(row.id(), row.name(), key, row.keyPrefix(), row.createdAt(), row.createdBy());
        }

        @Override
        public String toString() {
            return "CreatedKey[row=" + row + ", key=(secret)]";
        }
    }

    @Transactional
    AppKey revoke(long id) {
        AppKey key = repository.findById(id).orElseThrow(() -> ApiException.notFound("app key", id));
        repository.deleteById(id);
        audit.write(ENTITY, id, "revoked", Map.of("name", key.name(), "prefix", key.keyPrefix()));
        return key;
    }

    List<AppKeyView> list() {
        List<AppKeyView> out = new ArrayList<>();
        for (AppKey row : repository.findAllOrderById()) {
            AppKeyView v = view(row);
            Instant here = keys.lastUseHere(new AppKeys.Holder(row.id(), row.name(), row.keyPrefix(), AppKeys.FROM_API))
                    .orElse(null);
            out.add(
                    here != null && (v.lastUsedAt() == null || here.isAfter(v.lastUsedAt()))
                            ? new AppKeyView(
                                    v.id(), v.name(), v.prefix(), v.source(), v.createdAt(), v.createdBy(), here)
                            : v);
        }
        for (AppKeys.Holder h : keys.bootstrapKeys()) {
            out.add(new AppKeyView(
                    null,
                    h.name(),
                    h.prefix(),
                    h.source(),
                    null,
                    null,
                    keys.lastUseHere(h).orElse(null)));
        }
        return out;
    }

    private static AppKeyView view(AppKey row) {
        return new AppKeyView(
                row.id(),
                row.name(),
                row.keyPrefix(),
                AppKeys.FROM_API,
                row.createdAt(),
                row.createdBy(),
                row.lastUsedAt());
    }
}
