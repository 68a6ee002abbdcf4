package io.pushflow.admin.security;

import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Value;
import io.micronaut.http.HttpRequest;
import io.micronaut.security.authentication.AuthenticationFailureReason;
import io.micronaut.security.authentication.AuthenticationRequest;
import io.micronaut.security.authentication.AuthenticationResponse;
import io.micronaut.security.authentication.provider.HttpRequestAuthenticationProvider;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HTTP Basic users from configuration ({@code ADMIN_USERS="name:password:role,..."}, roles admin, marketer,
 * viewer). Passwords are compared in constant time and never logged.
 */
@Context
@Singleton
public class ConfiguredUsers<B> implements HttpRequestAuthenticationProvider<B> {

    private static final Logger LOG = LoggerFactory.getLogger(ConfiguredUsers.class);

    private record User(String name, byte[] password, String role) {
        @Override
        public String toString() {
            return "User[name=" + name + ", password=(secret), role=" + role + "]";
        }
    }

    private final Map<String, User> users;

    /** The passwords of the development users ({@code bin/pushflow admin}'s); known to everyone, so never outside a laptop. */
    static final String DEV_SUFFIX = "-dev";

    public ConfiguredUsers(
            @Value("${pushflow.auth.users:}") String spec,
            @Value("${pushflow.auth.allow-dev-users:false}") boolean allowDevUsers,
            @Value("${pushflow.auth.require-users:false}") boolean requireUsers) {
        this.users = parse(spec);
        if (users.isEmpty() && requireUsers) {
            throw new IllegalStateException(
                    "ADMIN_USERS is unset or empty: set it to name:password:role,... (roles " + Roles.ALL + ")");
        }
        List<String> dev = users.values().stream()
                .filter(u -> new String(u.password(), StandardCharsets.UTF_8).endsWith(DEV_SUFFIX))
                .map(User::name)
                .toList();
        if (!dev.isEmpty() && !allowDevUsers) {
            throw new IllegalStateException(
                    "ADMIN_USERS: " + dev + " have development passwords (ending in " + DEV_SUFFIX
                            + "); give them real ones, or set ADMIN_ALLOW_DEV_USERS=true on a development machine (bin/pushflow admin does)");
        }
        if (users.isEmpty()) {
            LOG.warn("No users configured (ADMIN_USERS): every API call will be refused with 401");
        } else {
            LOG.info(
                    "{} users configured: {}",
                    users.size(),
                    users.values().stream()
                            .map(u -> u.name() + " (" + u.role() + ")")
                            .toList());
        }
    }

    static Map<String, User> parse(String spec) {
        Map<String, User> users = new LinkedHashMap<>();
        for (String entry : spec.split(",")) {
            if (entry.isBlank()) {
                continue;
            }
            int first = entry.indexOf(':');
            int last = entry.lastIndexOf(':');
            if (first <= 0 || last <= first) {
                throw new IllegalArgumentException(
                        "ADMIN_USERS entries are name:password:role, got an entry without them");
            }
            String role = entry.substring(last + 1).trim();
            if (!Roles.ALL.contains(role)) {
                throw new IllegalArgumentException("ADMIN_USERS: unknown role '" + role + "'; roles: " + Roles.ALL);
            }
            String name = entry.substring(0, first).trim();
            users.put(name, new User(name, entry.substring(first + 1, last).getBytes(StandardCharsets.UTF_8), role));
        }
        return users;
    }

    @Override
    public AuthenticationResponse authenticate(HttpRequest<B> request, AuthenticationRequest<String, String> auth) {
        User user = users.get(auth.getIdentity());
        byte[] given = String.valueOf(auth.getSecret()).getBytes(StandardCharsets.UTF_8);
        if (user == null || !MessageDigest.isEqual(user.password(), given)) {
            return AuthenticationResponse.failure(AuthenticationFailureReason.CREDENTIALS_DO_NOT_MATCH);
        }
        return AuthenticationResponse.success(user.name(), List.of(user.role()));
    }
}
