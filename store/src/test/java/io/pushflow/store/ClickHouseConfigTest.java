package io.pushflow.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ClickHouseConfigTest {

    @Test
    void a_logged_config_never_shows_the_password() {
        var config =
                new ClickHouse.Config("http://ch:8123", "pushflow", "s3cr3t-pw", "pushflow", Duration.ofSeconds(20));
        assertThat(config.toString())
                .doesNotContain("s3cr3t-pw")
                .contains("http://ch:8123", "pushflow", "password=(secret)");
        assertThat(config.withDatabase("other").toString())
                .doesNotContain("s3cr3t-pw")
                .contains("database=other");
        assertThat(new ClickHouse.Config("u", "default", "", "d", Duration.ZERO).toString())
                .contains("password=(none)");
    }
}
