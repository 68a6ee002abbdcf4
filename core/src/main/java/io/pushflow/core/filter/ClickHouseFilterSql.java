package io.pushflow.core.filter;

import io.pushflow.core.filter.FilterNode.Condition;
import io.pushflow.core.filter.FilterNode.Group;
import io.pushflow.core.filter.InvalidFilterException.Problem;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.stream.Collectors;

/**
 * Compiles a filter chain into a ClickHouse boolean expression over the {@code users} columns. ClickHouse 18.16
 * has no query parameters, so every value is a literal: strings are quoted and escaped here (the only free-text
 * field is {@code app}; every other value was already checked against a closed list or a strict format), and
 * versions, sports and times become numbers. Relative times are fixed against {@code now}.
 */
public final class ClickHouseFilterSql {

    /**
     * The longest clause (UTF-8 bytes) a chain may compile to: ClickHouse refuses a query over its
     * {@code max_query_size} (256 KiB by default), and the audience queries add their own text around the clause.
     */
    public static final int MAX_WHERE_BYTES = 200 * 1024;

    private ClickHouseFilterSql() {}

    public static String where(FilterChain chain, Instant now) {
        return node(chain.root(), now);
    }

    /**
     * Refuses a chain whose clause would be longer than {@link #MAX_WHERE_BYTES}, naming the largest conditions
     * (by their place in the chain, e.g. {@code all[2]}) until what is left would fit.
     * @throws InvalidFilterException when the clause is too long
     */
    public static void requireFits(FilterChain chain) {
        Instant now = Instant.EPOCH;
        int total = bytes(where(chain, now));
        if (total <= MAX_WHERE_BYTES) {
            return;
        }
        record Sized(String path, int bytes) {}
        List<Sized> conditions = new ArrayList<>();
        collect(
                chain.root(),
                "",
                (path, condition) -> conditions.add(new Sized(path, bytes(condition(condition, now)))));
        conditions.sort(Comparator.comparingInt(Sized::bytes).reversed());
        List<Problem> problems = new ArrayList<>();
        int left = total;
        for (Sized c : conditions) {
            if (left <= MAX_WHERE_BYTES) {
                break;
            }
            problems.add(new Problem(
                    c.path(),
                    "this condition compiles to " + c.bytes() + " bytes of SQL and the whole chain to " + total
                            + ", over the " + MAX_WHERE_BYTES
                            + " the user store (ClickHouse) takes: use fewer or shorter values"));
            left -= c.bytes();
        }
        throw new InvalidFilterException(problems);
    }

    private static void collect(FilterNode node, String path, BiConsumer<String, Condition> out) {
        if (node instanceof Condition c) {
            out.accept(path, c);
            return;
        }
        Group g = (Group) node;
        String list = path.isEmpty() ? g.mode().code() : path + "." + g.mode().code();
        for (int i = 0; i < g.children().size(); i++) {
            collect(g.children().get(i), list + "[" + i + "]", out);
        }
    }

    private static int bytes(String sql) {
        return sql.getBytes(StandardCharsets.UTF_8).length;
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
            case STRING, ENUM, COUNTRY, LANGUAGE, TIMEZONE ->
                equality(
                        column,
                        c.op(),
                        c.values().stream().map(ClickHouseFilterSql::quote).toList());
            case VERSION ->
                ordered(
                        column,
                        c.op(),
                        c.values().stream()
                                .map(v -> String.valueOf(Operands.version(v)))
                                .toList());
            case DATETIME ->
                ordered(
                        column,
                        c.op(),
                        c.values().stream()
                                .map(v -> "toDateTime(" + Operands.epochSecond(c, v, now) + ")")
                                .toList());
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
