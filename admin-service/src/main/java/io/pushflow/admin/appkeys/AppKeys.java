package io.pushflow.admin.appkeys;

import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Value;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.scheduling.annotation.Scheduled;
import io.pushflow.admin.BackgroundRounds;
import jakarta.annotation.PostConstruct;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The app keys that are valid now, by the SHA-256 of the key: the rows of {@code app_keys}, read again every few
 * seconds (a key revoked on another instance stops working within that time), and the bootstrap keys of
 * {@code EVENT_APP_KEYS="name:key,..."}. Checking a key costs a hash and a map lookup, never a query; when a key was
 * last used is written back with the next refresh.
 */
@Context
public class AppKeys {

    public static final String FROM_API = "api";
    public static final String FROM_ENVIRONMENT = "environment";
    /** Longer values are not hashed at all (a key made here has 47 characters). */
    static final int MAX_KEY_LENGTH = 200;

    static final int MIN_BOOTSTRAP_LENGTH = 16;

    private static final Logger LOG = LoggerFactory.getLogger(AppKeys.class);

    /** A valid key as the cache holds it: never the key itself. {@code id} is null for a bootstrap key. */
    public record Holder(@Nullable Long id, String name, String prefix, String source) {}

    private final AppKeyRepository repository;
    private final Clock clock;
    private final BackgroundRounds rounds;
    private final Map<String, Holder> bootstrap;
    private final Map<Holder, Instant> lastUsed = new ConcurrentHashMap<>();
    private volatile Map<String, Holder> valid = Map.of();

    AppKeys(
            AppKeyRepository repository,
            Clock clock,
            BackgroundRounds rounds,
            @Value("${pushflow.app-keys.bootstrap:}") String bootstrapSpec) {
        this.repository = repository;
        this.clock = clock;
        this.rounds = rounds;
        this.bootstrap = parse(bootstrapSpec);
        if (!bootstrap.isEmpty()) {
            LOG.info(
                    "{} app keys from EVENT_APP_KEYS: {}",
                    bootstrap.size(),
                    bootstrap.values().stream().map(Holder::name).toList());
        }
    }

    static Map<String, Holder> parse(String spec) {
        Map<String, Holder> keys = new LinkedHashMap<>();
        for (String entry : spec == null ? new String[0] : spec.split(",")) {
            if (entry.isBlank()) {
                continue;
            }
            int colon = entry.indexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException("EVENT_APP_KEYS entries are name:key, got one without a name");
            }
            String name = entry.substring(0, colon).trim();
            String key = entry.substring(colon + 1).trim();
            if (key.length() < MIN_BOOTSTRAP_LENGTH || key.length() > MAX_KEY_LENGTH) {
                throw new IllegalArgumentException(
                        "EVENT_APP_KEYS: the key of '" + name + "' must have " + MIN_BOOTSTRAP_LENGTH + " to "
                                + MAX_KEY_LENGTH + " characters (a random one: openssl rand -base64 32)");
            }
            keys.put(sha256(key), new Holder(null, name, key.substring(0, 4), FROM_ENVIRONMENT));
        }
        return Map.copyOf(keys);
    }

    /** The holder of {@code key} when it is valid now; notes the use. */
    public Optional<Holder> authenticate(@Nullable String key) {
        if (key == null || key.isEmpty() || key.length() > MAX_KEY_LENGTH) {
            return Optional.empty();
        }
        Holder holder = valid.get(sha256(key));
        if (holder != null) {
            lastUsed.put(holder, clock.instant());
        }
        return Optional.ofNullable(holder);
    }

    /** The bootstrap keys, for the listing. */
    public List<Holder> bootstrapKeys() {
        return List.copyOf(bootstrap.values());
    }

    /** A use seen here and not yet written to the table (or, for a bootstrap key, the last use here). */
    public Optional<Instant> lastUseHere(Holder holder) {
        return Optional.ofNullable(lastUsed.get(holder));
    }

    /** A key just made on this instance is valid at once. */
    void added(AppKey key) {
        replace(key.keyHash(), holder(key));
    }

    /** A key just revoked on this instance stops working at once. */
    void removed(AppKey key) {
        replace(key.keyHash(), null);
        lastUsed.remove(holder(key));
    }

    private synchronized void replace(String hash, @Nullable Holder holder) {
        Map<String, Holder> next = new HashMap<>(valid);
        if (holder == null) {
            next.remove(hash);
        } else {
            next.put(hash, holder);
        }
        valid = Map.copyOf(next);
    }

    @PostConstruct
    void load() {
        Map<String, Holder> next = new HashMap<>(bootstrap);
        for (AppKey key : repository.findAll()) {
            next.put(key.keyHash(), holder(key));
        }
        synchronized (this) {
            valid = Map.copyOf(next);
        }
    }

    /** Writes the last uses back, then reads the table again; when MySQL fails, the keys known so far stay valid. */
    @Scheduled(fixedDelay = "${pushflow.app-keys.refresh:5s}", initialDelay = "${pushflow.app-keys.refresh:5s}")
    void refresh() {
        rounds.run(this::refreshNow);
    }

    private void refreshNow() {
        try {
            for (Map.Entry<Holder, Instant> use : lastUsed.entrySet()) {
                if (use.getKey().id() != null) {
                    repository.touch(use.getKey().id(), use.getValue());
                    lastUsed.remove(use.getKey(), use.getValue());
                }
            }
            load();
        } catch (RuntimeException e) {
            LOG.warn("could not read app_keys, the keys known so far stay valid: {}", e.getMessage());
        }
    }

    private static Holder holder(AppKey key) {
        return new Holder(key.id(), key.name(), key.keyPrefix(), FROM_API);
    }

    static String sha256(String key) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
