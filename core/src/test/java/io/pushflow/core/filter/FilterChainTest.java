package io.pushflow.core.filter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pushflow.core.filter.FilterNode.Condition;
import io.pushflow.core.filter.FilterNode.Group;
import io.pushflow.core.filter.InvalidFilterException.Problem;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FilterChainTest {

    private static final String KITERS = """
            {"all": [
              {"field": "sports", "op": "has_any", "values": ["kitesurfing", "windsurfing"]},
              {"any": [{"field": "country", "op": "in", "values": ["PT", "ES"]},
                       {"field": "locale", "op": "eq", "value": "pt"}]},
              {"field": "last_active_at", "op": "within_last", "value": "P7D"},
              {"field": "app_version", "op": "ge", "value": "57.0"}
            ]}""";

    @Test
    void the_design_example_parses_into_the_model() {
        FilterChain chain = FilterChain.fromJson(KITERS);
        Group root = chain.root();
        assertThat(root.mode()).isEqualTo(FilterNode.Mode.ALL);
        assertThat(root.children()).hasSize(4);
        assertThat(root.children().get(0))
                .isEqualTo(new Condition(Field.SPORTS, Operator.HAS_ANY, List.of("kitesurfing", "windsurfing")));
        Group any = (Group) root.children().get(1);
        assertThat(any.mode()).isEqualTo(FilterNode.Mode.ANY);
        assertThat(any.children())
                .containsExactly(
                        new Condition(Field.COUNTRY, Operator.IN, List.of("PT", "ES")),
                        new Condition(Field.LOCALE, Operator.EQ, List.of("pt")));
        assertThat(chain.conditionCount()).isEqualTo(5);
    }

    @Test
    void the_canonical_tree_round_trips_and_normalizes_values() {
        FilterChain chain = FilterChain.parse(Map.of(
                "any",
                List.of(
                        Map.of("field", "country", "op", "in", "values", List.of("pt", "PT", "es")),
                        Map.of(
                                "field",
                                "installed_at",
                                "op",
                                "between",
                                "values",
                                List.of("2025-01-01", "2026-01-01T12:00:00Z")),
                        Map.of("field", "is_pro", "op", "is_false")),
                "not",
                true));
        Map<String, Object> tree = chain.toTree();
        assertThat(tree)
                .isEqualTo(Map.of(
                        "any",
                        List.of(
                                Map.of("field", "country", "op", "in", "values", List.of("PT", "ES")),
                                Map.of(
                                        "field",
                                        "installed_at",
                                        "op",
                                        "between",
                                        "values",
                                        List.of("2025-01-01T00:00:00Z", "2026-01-01T12:00:00Z")),
                                Map.of("field", "is_pro", "op", "is_false")),
                        "not",
                        true));
        assertThat(FilterChain.fromJson(chain.toJson())).isEqualTo(chain);
    }

    @Test
    void a_range_of_one_point_keeps_both_ends() {
        FilterChain chain = FilterChain.parse(
                Map.of("all", List.of(Map.of("field", "app_version", "op", "between", "values", List.of("57", "57")))));
        assertThat(((Condition) chain.root().children().get(0)).values()).containsExactly("57", "57");
    }

    @Test
    void the_empty_top_level_all_means_everyone_but_other_empty_groups_are_refused() {
        assertThat(FilterChain.parse(Map.of("all", List.of()))).isEqualTo(FilterChain.EVERYONE);
        assertThat(problems(Map.of("any", List.of()))).extracting(Problem::path).containsExactly("any");
        assertThat(problems(Map.of("all", List.of(Map.of("any", List.of())))))
                .extracting(Problem::path)
                .containsExactly("all[0].any");
        assertThat(problems(Map.of("all", List.of(), "not", true)))
                .extracting(Problem::path)
                .containsExactly("all");
    }

    @Test
    void every_problem_is_reported_at_its_place() {
        List<Problem> problems = problems(Map.of(
                "all",
                List.of(
                        Map.of("field", "sport", "op", "eq", "value", "x"),
                        Map.of("field", "country", "op", "has_any", "values", List.of("PT")),
                        Map.of("field", "country", "op", "eq", "value", "Portugal"),
                        Map.of("field", "platform", "op", "in", "values", List.of("ios", "windows")),
                        Map.of("field", "app_version", "op", "between", "values", List.of("58", "57.9")),
                        Map.of("field", "timezone", "op", "eq", "values", List.of("Europe/Lisbon")),
                        Map.of("field", "is_pro", "op", "is_true", "value", "yes"),
                        Map.of("field", "locale", "op", "eq", "value", "pt", "vaule", "x"),
                        "country = PT")));
        assertThat(problems)
                .extracting(Problem::path)
                .containsExactly(
                        "all[0].field",
                        "all[1].op",
                        "all[2].value",
                        "all[3].values[1]",
                        "all[4].values",
                        "all[5].value",
                        "all[6]",
                        "all[7].vaule",
                        "all[8]");
        assertThat(problems.get(0).message()).startsWith("unknown field 'sport'; known fields: app, platform");
        assertThat(problems.get(1).message())
                .isEqualTo("operator 'has_any' does not apply to country; use one of eq, ne, in, not_in");
        assertThat(problems.get(3).message()).contains("'windows'", "allowed: ios, android");
        assertThat(problems.get(4).message()).isEqualTo("the range is empty: 58 comes after 57.9");
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "app_version|eq|57..1",
                "app_version|eq|1000",
                "last_active_at|within_last|P-7D",
                "last_active_at|within_last|PT0S",
                "last_active_at|within_last|P4000D",
                "last_active_at|lt|yesterday",
                "timezone|eq|Mars/Olympus",
                "locale|eq|portuguese",
                "app|eq|''",
                "sports|contains|KITESURFING"
            })
    void values_of_the_wrong_shape_are_refused(String field, String op, String value) {
        assertThat(problems(Map.of("all", List.of(Map.of("field", field, "op", op, "value", value)))))
                .extracting(Problem::path)
                .containsExactly("all[0].value");
    }

    @Test
    void hostile_strings_are_refused_wherever_a_closed_list_or_format_applies() {
        List<String> hostile = List.of(
                "PT' OR 1=1 --", "pt'); DROP TABLE users; --", "\\", "'", "57' OR '1'='1", "P7D' --", "ios\u0000");
        for (Field field : Field.values()) {
            if (field == Field.APP || field.type() == FieldType.BOOLEAN) {
                continue;
            }
            for (Operator op : field.operators()) {
                for (String value : hostile) {
                    Map<String, Object> condition = op.arity() == Operator.Arity.ONE
                            ? Map.of("field", field.code(), "op", op.code(), "value", value)
                            : Map.of("field", field.code(), "op", op.code(), "values", List.of(value, value));
                    assertThat(problems(Map.of("all", List.of(condition))))
                            .as(field + " " + op + " " + value)
                            .isNotEmpty();
                }
            }
        }
    }

    @Test
    void values_must_be_strings_and_lists_bounded() {
        assertThat(problems(Map.of("all", List.of(Map.of("field", "app_version", "op", "ge", "value", 57))))
                        .get(0)
                        .message())
                .startsWith("expected a string such as \"57.3.1\"");
        List<String> many = new ArrayList<>(Collections.nCopies(1001, "PT"));
        assertThat(problems(Map.of("all", List.of(Map.of("field", "country", "op", "in", "values", many))))
                        .get(0)
                        .message())
                .isEqualTo("expected 1 to 1000 values, got 1001");
    }

    @Test
    void nesting_and_size_are_bounded() {
        Object deep = Map.of("field", "is_pro", "op", "is_true");
        for (int i = 0; i < 9; i++) {
            deep = Map.of("all", List.of(deep));
        }
        assertThat(problems(deep)).extracting(Problem::message).contains("groups nest at most 8 deep");
        List<Object> wide = new ArrayList<>(Collections.nCopies(201, Map.of("field", "is_pro", "op", "is_true")));
        assertThat(problems(Map.of("all", wide)))
                .extracting(Problem::message)
                .containsExactly("a group holds at most 200 items, this one 201");
        List<Object> spread = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            spread.add(Map.of(
                    "any", new ArrayList<>(Collections.nCopies(100, Map.of("field", "is_pro", "op", "is_true")))));
        }
        assertThat(problems(Map.of("all", spread)))
                .extracting(Problem::message)
                .containsExactly("a filter chain holds at most 200 conditions");
    }

    @Test
    void a_hostile_chain_costs_a_bounded_number_of_problems() {
        List<Object> zeros = new ArrayList<>(Collections.nCopies(5_000_000, 0));
        assertThat(problems(Map.of("all", zeros))).extracting(Problem::path).containsExactly("all");

        List<Object> junk = new ArrayList<>(Collections.nCopies(200, 0));
        List<Problem> many = problems(Map.of("all", junk));
        assertThat(many).hasSize(FilterChainParser.MAX_PROBLEMS + 1);
        assertThat(many.get(many.size() - 1).message()).startsWith("stopped after 50 problems");

        Map<String, Object> keys = new HashMap<>();
        for (int i = 0; i < 100_000; i++) {
            keys.put("k" + i, i);
        }
        keys.put("all", List.of());
        assertThat(problems(keys)).extracting(Problem::message).containsExactly("100001 keys; expected all, any, not");

        String huge = "x".repeat(1_000_000);
        List<Problem> echoed = problems(Map.of(
                "all",
                List.of(Map.of("field", huge, "op", huge), Map.of("field", "app", "op", "eq", "value", "a", huge, 1))));
        assertThat(echoed)
                .allSatisfy(p ->
                        assertThat(p.path().length() + p.message().length()).isLessThan(400));
    }

    @Test
    void the_top_must_be_a_group_and_json_must_parse() {
        assertThat(problems(List.of())).extracting(Problem::path).containsExactly("");
        assertThat(problems(Map.of("field", "is_pro", "op", "is_true")))
                .extracting(Problem::path)
                .containsExactly("");
        assertThatThrownBy(() -> FilterChain.fromJson("{\"all\": ["))
                .isInstanceOf(InvalidFilterException.class)
                .hasMessageContaining("malformed JSON");
    }

    @Test
    void every_field_has_operators_and_only_closed_fields_list_values() {
        for (Field field : Field.values()) {
            assertThat(field.operators()).isNotEmpty();
            assertThat(field.allowedValues().isEmpty())
                    .isEqualTo(field.type() != FieldType.ENUM && field.type() != FieldType.SET);
        }
    }

    private static List<Problem> problems(Object tree) {
        try {
            FilterChain.parse(tree);
        } catch (InvalidFilterException e) {
            return e.problems();
        }
        throw new AssertionError("expected the chain to be refused: " + tree);
    }
}
