package io.pushflow.admin.appkeys;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class CreatedAppKeyTest {

    @Test
    void a_logged_new_key_never_shows_the_key() {
        AppKey row = new AppKey(3L, "collector", "pfk_Q2x9aB7c", "hash", Instant.EPOCH, "admin", null);
        var created = new AppKeyService.CreatedKey(row, "pfk_Q2x9aB7cYtE0v3kLm1Zr8sWq5NfH6uJdPaGbXcVy4Ti");
        assertThat(created.toString()).doesNotContain("YtE0v3kLm1").contains("key=(secret)", "collector");
        assertThat(created.view().toString())
                .doesNotContain("YtE0v3kLm1")
                .contains("key=(secret)", "prefix=pfk_Q2x9aB7c");
        assertThat(created.view().key()).isEqualTo("pfk_Q2x9aB7cYtE0v3kLm1Zr8sWq5NfH6uJdPaGbXcVy4Ti");
    }
}
