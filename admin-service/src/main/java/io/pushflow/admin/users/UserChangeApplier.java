package io.pushflow.admin.users;

import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.Delivery;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.annotation.Value;
import io.micronaut.context.event.StartupEvent;
import io.micronaut.runtime.event.annotation.EventListener;
import io.pushflow.admin.messaging.BatchConsumer;
import io.pushflow.core.json.Json;
import io.pushflow.core.messaging.Queues;
import io.pushflow.core.user.User;
import io.pushflow.core.user.UserChange;
import io.pushflow.core.user.UserFields;
import io.pushflow.store.UserStore;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies {@code user.changes} to ClickHouse {@code users}: in batches, each change merged onto the user's
 * newest row and written as a new version (ReplacingMergeTree keeps the newest). Changes older than the stored
 * row are dropped as stale; malformed ones go to {@code user.changes.dead} with the reason in the header
 * {@value BatchConsumer#REASON_HEADER}. Messages are acknowledged only after their batch is written, so a crash or a
 * ClickHouse outage redelivers them, and re-applying a change is harmless (same version, same row).
 */
@Singleton
@Requires(property = "pushflow.users.changes.enabled", value = "true", defaultValue = "true")
public class UserChangeApplier extends BatchConsumer {

    private static final Logger LOG = LoggerFactory.getLogger(UserChangeApplier.class);

    private final UserStore users;
    private final UserTables tables;

    UserChangeApplier(
            ConnectionFactory factory,
            Queues queues,
            UserStore users,
            UserTables tables,
            @Value("${pushflow.users.changes.batch-size:2000}") int batchSize,
            @Value("${pushflow.users.changes.max-wait:200ms}") Duration maxWait) {
        super(factory, queues, Queues.USER_CHANGES, batchSize, maxWait);
        this.users = users;
        this.tables = tables;
    }

    @EventListener
    void onStartup(StartupEvent event) {
        start();
    }

    @PreDestroy
    void onShutdown() throws InterruptedException {
        stop();
    }

    private record Parsed(Delivery delivery, UserChange change) {}

    /** Merges and writes a batch; a failure before it returns leaves the batch to be redelivered. */
    @Override
    protected void apply(List<Delivery> batch) throws Exception {
        tables.ensure();
        List<Parsed> changes = new ArrayList<>();
        for (Delivery d : batch) {
            try {
                changes.add(new Parsed(d, parse(d.getBody())));
            } catch (IllegalArgumentException e) {
                dead(d, e.getMessage());
            }
        }
        Map<Long, User> newest = new HashMap<>();
        users.find(changes.stream().map(p -> p.change().userId()).distinct().toList())
                .forEach(u -> newest.put(u.userId(), u));
        Map<Long, User> written = new LinkedHashMap<>();
        int stale = 0;
        // in arrival order: a change applies when it is newer than the user's row at that moment, however batches fall
        for (Parsed p : changes) {
            UserChange c = p.change();
            User current = written.containsKey(c.userId()) ? written.get(c.userId()) : newest.get(c.userId());
            try {
                if (current == null) {
                    Map<String, Object> all = new HashMap<>(c.set());
                    all.put("user_id", c.userId());
                    all.put("version", c.version());
                    written.put(c.userId(), UserFields.user(all, c.version()));
                } else if (c.version() <= current.version()) {
                    stale++;
                } else {
                    written.put(c.userId(), UserFields.apply(current, c.set()).withVersion(c.version()));
                }
            } catch (UserFields.InvalidUserException e) {
                dead(
                        p.delivery(),
                        current == null
                                ? "user " + c.userId() + " is not in the store and the change cannot create it: "
                                        + e.getMessage()
                                : e.getMessage());
            }
        }
        users.insert(written.values());
        LOG.debug("user.changes: {} applied, {} stale, {} dead", written.size(), stale, batch.size() - changes.size());
    }

    static UserChange parse(byte[] body) {
        UserChange change = Json.read(new String(body, StandardCharsets.UTF_8), UserChange.class);
        if (change == null) {
            throw new IllegalArgumentException("the message is JSON null, not a user change");
        }
        if (change.v() != UserChange.VERSION) {
            throw new IllegalArgumentException(
                    "unsupported contract version v=" + change.v() + "; expected " + UserChange.VERSION);
        }
        if (change.userId() <= 0 || change.version() <= 0) {
            throw new IllegalArgumentException("userId and version must be positive");
        }
        if (change.set() == null || change.set().isEmpty()) {
            throw new IllegalArgumentException("set is empty: name the fields that changed");
        }
        for (String field : change.set().keySet()) {
            if (!UserFields.CHANGEABLE.contains(field)) {
                throw new IllegalArgumentException(
                        "set." + field + " is not a field a change may set; fields: " + UserFields.CHANGEABLE);
            }
        }
        return change;
    }
}
