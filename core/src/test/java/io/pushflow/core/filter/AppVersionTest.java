package io.pushflow.core.filter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pushflow.core.user.AppVersion;
import org.junit.jupiter.api.Test;

class AppVersionTest {

    @Test
    void versions_compare_by_component_not_as_text() {
        assertThat(AppVersion.parse("57.10")).isGreaterThan(AppVersion.parse("57.9"));
        assertThat(AppVersion.parse("57")).isEqualByComparingTo(AppVersion.parse("57.0.0"));
        assertThat(AppVersion.parse("58.0.1")).isGreaterThan(AppVersion.parse("57.999.999"));
        assertThat(AppVersion.parse("57.3.1").packed()).isEqualTo(57_003_001L);
    }

    @Test
    void only_dotted_numbers_up_to_three_parts_of_at_most_999_are_versions() {
        for (String bad : new String[] {"", "57.", ".57", "57.3.1.2", "v57", "57.1000", "57 .1", "-1"}) {
            assertThat(AppVersion.isValid(bad)).as(bad).isFalse();
        }
        assertThatThrownBy(() -> AppVersion.parse("57.x")).isInstanceOf(IllegalArgumentException.class);
    }
}
