package io.pushflow.core.filter;

import java.util.List;

/** A node of a filter chain: a group of nodes or a single condition. */
public sealed interface FilterNode permits FilterNode.Group, FilterNode.Condition {

    /** {@code all} (AND) or {@code any} (OR) of its children, optionally negated. */
    record Group(Mode mode, boolean negated, List<FilterNode> children) implements FilterNode {
        public Group {
            children = List.copyOf(children);
        }
    }

    /**
     * One test of a user attribute. {@code values} holds the operator's operands in canonical text form
     * (one for {@code eq}, two for {@code between}, none for {@code is_true}), already validated for the field's type.
     */
    record Condition(Field field, Operator op, List<String> values) implements FilterNode {
        public Condition {
            values = List.copyOf(values);
        }

        public String value() {
            return values.get(0);
        }
    }

    enum Mode {
        ALL("all"),
        ANY("any");

        private final String code;

        Mode(String code) {
            this.code = code;
        }

        public String code() {
            return code;
        }
    }
}
