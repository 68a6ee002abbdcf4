package io.pushflow.core.filter;

import io.pushflow.core.filter.FilterNode.Condition;
import io.pushflow.core.filter.FilterNode.Group;
import io.pushflow.core.json.Json;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A validated filter chain: the root group of a cohort. The JSON shape is the one docs/api.md#filter-chains fixes
 * ({@code {"all": [...]}} / {@code {"any": [...]}} groups of {@code {field, op, value|values}} conditions).
 */
public record FilterChain(Group root) {

    /** Everyone: the empty top-level {@code all}. */
    public static final FilterChain EVERYONE = new FilterChain(new Group(FilterNode.Mode.ALL, false, List.of()));

    /** Validates a generic JSON tree (maps, lists, strings, ...). @throws InvalidFilterException listing every problem */
    public static FilterChain parse(Object tree) {
        return new FilterChain(FilterChainParser.parse(tree));
    }

    public static FilterChain fromJson(String json) {
        Object tree;
        try {
            tree = Json.MAPPER.readValue(json, Object.class);
        } catch (Exception e) {
            throw new InvalidFilterException(List.of(new InvalidFilterException.Problem("", "malformed JSON")));
        }
        return parse(tree);
    }

    /** The canonical JSON tree (values normalized, duplicates dropped), ready for any JSON writer. */
    public Map<String, Object> toTree() {
        return tree(root);
    }

    public String toJson() {
        return Json.write(toTree());
    }

    public int conditionCount() {
        return count(root);
    }

    private static int count(FilterNode node) {
        return node instanceof Group g
                ? g.children().stream().mapToInt(FilterChain::count).sum()
                : 1;
    }

    private static Map<String, Object> tree(FilterNode node) {
        Map<String, Object> out = new LinkedHashMap<>();
        if (node instanceof Group g) {
            out.put(
                    g.mode().code(),
                    g.children().stream().map(FilterChain::tree).toList());
            if (g.negated()) {
                out.put("not", true);
            }
        } else {
            Condition c = (Condition) node;
            out.put("field", c.field().code());
            out.put("op", c.op().code());
            switch (c.op().arity()) {
                case NONE -> {}
                case ONE -> out.put("value", c.value());
                default -> out.put("values", c.values());
            }
        }
        return out;
    }
}
