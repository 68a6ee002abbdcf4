package io.pushflow.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class DemoOptionsTest {

    @Test
    void logged_options_never_show_the_admin_password() {
        var options = new Demo.Options(
                1_000,
                Duration.ofMinutes(2),
                Duration.ofSeconds(10),
                List.of(0.1, 0.2),
                7,
                "http://127.0.0.1:8080",
                "admin",
                "s3cr3t-pw",
                "pushflow_demo",
                "demo.",
                8081,
                8090,
                Path.of("report"),
                null,
                false,
                false,
                null,
                null);
        assertThat(options.toString())
                .doesNotContain("s3cr3t-pw")
                .contains("adminUser=admin", "adminPassword=(secret)", "users=1000");
    }
}
