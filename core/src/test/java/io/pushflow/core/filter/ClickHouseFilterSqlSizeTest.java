package io.pushflow.core.filter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.pushflow.core.filter.InvalidFilterException.Problem;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ClickHouseFilterSqlSizeTest {

    /** A condition on the free-text app field with 1,000 distinct values of the given length. */
    private static Map<String, Object> apps(int length) {
        List<String> values = IntStream.range(0, 1_000)
                .mapToObj(i -> String.format("%0" + length + "d", i))
                .toList();
        return Map.of("field", "app", "op", "in", "values", values);
    }

    @Test
    void a_chain_too_long_for_clickhouse_is_refused_naming_the_largest_condition() {
        FilterChain chain =
                FilterChain.parse(Map.of("all", List.of(apps(60), apps(100), Map.of("any", List.of(apps(99))))));
        assertThat(ClickHouseFilterSql.where(chain, Instant.EPOCH).length()).isGreaterThan(256 * 1024);

        InvalidFilterException e =
                catchThrowableOfType(() -> ClickHouseFilterSql.requireFits(chain), InvalidFilterException.class);

        assertThat(e.problems()).extracting(Problem::path).containsExactly("all[1]");
        assertThat(e.problems().get(0).message())
                .startsWith("this condition compiles to 104")
                .contains("over the 204800");
    }

    @Test
    void every_large_condition_is_named_until_the_rest_fits() {
        FilterChain chain = FilterChain.parse(Map.of("any", List.of(apps(100), apps(100), apps(100), apps(10))));
        assertThatThrownBy(() -> ClickHouseFilterSql.requireFits(chain))
                .isInstanceOfSatisfying(
                        InvalidFilterException.class,
                        e -> assertThat(e.problems())
                                .extracting(Problem::path)
                                .containsExactlyInAnyOrder("any[0]", "any[1]"));
    }

    @Test
    void the_largest_single_condition_fits() {
        ClickHouseFilterSql.requireFits(FilterChain.parse(Map.of("all", List.of(apps(100)))));
    }
}
