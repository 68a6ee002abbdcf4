package io.pushflow.core.filter;

import io.pushflow.core.filter.FilterNode.Condition;
import io.pushflow.core.filter.FilterNode.Group;

import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Compiles a filter chain into a ClickHouse boolean expression over the {@code users} columns. ClickHouse 18.16
 * has no query parameters, so every value is a literal: strings are quoted and escaped here (the only free-text
 * field is {@code app}; every other value was already checked against a closed list or a strict format), and
 * versions, sports and times become numbers. Relative times are fixed against {@code now}.
 */
public final class ClickHouseFilterSql {

    private ClickHouseFilterSql() {
    }

    public static String where(FilterChain chain, Instant now) {
        return node(chain.root(), now);
    }

    private static String node(FilterNode node, Instant now) {
        if (node instanceof Condition c) {
            return condition(c, now);
        }
        Group g = (Group) node;
        String joined;
        if (g.children().isEmpty()) {
            joined = g.mode() == FilterNode.Mode.ALL ? "1" : "0";
        } else {
            String op = g.mode() == FilterNode.Mode.ALL ? " AND " : " OR ";
            joined = g.children().stream().map(child -> node(child, now)).collect(Collectors.joining(op, "(", ")"));
        }
        return g.negated() ? "NOT " + (joined.startsWith("(") ? joined : "(" + joined + ")") : joined;
    }

    private static String condition(Condition c, Instant now) {
        String column = column(c.field());
        return switch (c.field().type()) {
            case STRING, ENUM, COUNTRY, LANGUAGE, TIMEZONE -> equality(column, c.op(), c.values().stream().map(ClickHouseFilterSql::quote).toList());
            case VERSION -> ordered(column, c.op(), c.values().stream().map(v -> String.valueOf(Operands.version(v))).toList());
            case DATETIME -> ordered(column, c.op(), c.values().stream().map(v -> "toDateTime(" + Operands.epochSecond(c, v, now) + ")").toList());
            case BOOLEAN -> column + (c.op() == Operator.IS_TRUE ? " = 1" : " = 0");
            case SET -> {
                long mask = Operands.sportsMask(c.values());
                yield c.op() == Operator.HAS_ALL
                        ? "bitAnd(" + column + ", " + mask + ") = " + mask
                        : "bitAnd(" + column + ", " + mask + ") != 0";
            }
        };
    }

    private static String equality(String column, Operator op, List<String> literals) {
        return switch (op) {
            case EQ -> column + " = " + literals.get(0);
            case NE -> column + " != " + literals.get(0);
            case IN -> column + " IN (" + String.join(", ", literals) + ")";
            case NOT_IN -> column + " NOT IN (" + String.join(", ", literals) + ")";
            default -> throw new IllegalArgumentException(op + " on " + column);
        };
    }

    private static String ordered(String column, Operator op, List<String> literals) {
        return switch (op) {
            case EQ -> column + " = " + literals.get(0);
            case NE -> column + " != " + literals.get(0);
            case LT -> column + " < " + literals.get(0);
            case LE -> column + " <= " + literals.get(0);
            case GT -> column + " > " + literals.get(0);
            case GE, WITHIN_LAST -> column + " >= " + literals.get(0);
            case NOT_WITHIN_LAST -> column + " < " + literals.get(0);
            case BETWEEN -> "(" + column + " >= " + literals.get(0) + " AND " + column + " <= " + literals.get(1) + ")";
            default -> throw new IllegalArgumentException(op + " on " + column);
        };
    }

    /** The physical column a field is tested on; some are faster encodings of the readable one. */
    static String column(Field field) {
        return switch (field) {
            case APP_VERSION -> "app_version_num";
            case SPORTS -> "sports_mask";
            default -> field.code();
        };
    }

    /** A ClickHouse string literal: backslash and quote escaped, control characters as escapes. */
    public static String quote(String value) {
        StringBuilder out = new StringBuilder(value.length() + 2).append('\'');
        for (int i = 0; i < value.length(); i++) {
            char ch = value.charAt(i);
            switch (ch) {
                case '\\' -> out.append("\\\\");
                case '\'' -> out.append("\\'");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\0' -> out.append("\\0");
                default -> {
                    if (ch < 0x20 || ch == 0x7f) {
                        out.append(String.format("\\x%02X", (int) ch));
                    } else {
                        out.append(ch);
                    }
                }
            }
        }
        return out.append('\'').toString();
    }
}
