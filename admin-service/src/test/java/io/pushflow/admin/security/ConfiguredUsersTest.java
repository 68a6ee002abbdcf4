package io.pushflow.admin.security;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ConfiguredUsersTest {

    private static final String DEV = "admin:admin-dev:admin,viewer:viewer-dev:viewer";

    @Test
    void development_passwords_are_refused_unless_a_development_machine_says_so() {
        assertThatThrownBy(() -> new ConfiguredUsers<>(DEV, false, false))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("[admin, viewer]")
                .hasMessageContaining("ADMIN_ALLOW_DEV_USERS")
                .hasMessageNotContaining("admin-dev");
        assertThatCode(() -> new ConfiguredUsers<>(DEV, true, true)).doesNotThrowAnyException();
        assertThatCode(() -> new ConfiguredUsers<>("admin:a-long-real-password:admin", false, true))
                .doesNotThrowAnyException();
    }

    @Test
    void where_users_are_required_none_is_refused() {
        assertThatThrownBy(() -> new ConfiguredUsers<>("", false, true))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("ADMIN_USERS");
        assertThatThrownBy(() -> new ConfiguredUsers<>(" , ", false, true)).isInstanceOf(IllegalStateException.class);
        assertThatCode(() -> new ConfiguredUsers<>("", false, false)).doesNotThrowAnyException();
    }
}
