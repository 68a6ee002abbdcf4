package io.pushflow.core.filter;

import io.pushflow.core.filter.FilterNode.Condition;
import io.pushflow.core.filter.FilterNode.Group;
import io.pushflow.core.filter.FilterNode.Mode;
import io.pushflow.core.filter.InvalidFilterException.Problem;
import io.pushflow.core.user.AppVersion;
import io.pushflow.core.user.Vocabulary;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Reads a filter chain from a generic JSON tree (maps, lists, strings, numbers, booleans as any JSON
 * library produces them), checking every field, operator and value, and collecting problems with their
 * paths instead of stopping at the first. A hostile tree costs little: lists and objects over their limits are
 * refused before they are walked, the walk stops after {@link #MAX_PROBLEMS} problems or
 * {@link #MAX_CONDITIONS} conditions, and text echoed back is cut to {@link #MAX_ECHO} characters.
 */
final class FilterChainParser {

    static final int MAX_DEPTH = 8;
    static final int MAX_CONDITIONS = 200;
    static final int MAX_VALUES = 1_000;
    static final int MAX_TEXT = 100;
    static final int MAX_PROBLEMS = 50;
    static final int MAX_ECHO = 40;
    static final Duration MAX_RELATIVE = Duration.ofDays(3_650);

    private static final Set<String> GROUP_KEYS = Set.of("all", "any", "not");
    private static final Set<String> CONDITION_KEYS = Set.of("field", "op", "value", "values");

    private final List<Problem> problems = new ArrayList<>();
    private int conditions;

    /** Ends the walk: enough is known to refuse the chain. */
    private static final class Enough extends RuntimeException {
        Enough() {
            super(null, null, false, false);
        }
    }

    static Group parse(Object tree) {
        FilterChainParser parser = new FilterChainParser();
        Group root = null;
        try {
            root = parser.root(tree);
        } catch (Enough e) {
            // the problems so far say what to fix
        }
        if (!parser.problems.isEmpty()) {
            throw new InvalidFilterException(parser.problems);
        }
        return root;
    }

    private Group root(Object tree) {
        if (!(tree instanceof Map<?, ?> map) || !(map.containsKey("all") || map.containsKey("any"))) {
            problem("", "the top of a filter chain is a group: {\"all\": [...]} or {\"any\": [...]}");
            return null;
        }
        return group(map, "", 1, true);
    }

    private FilterNode node(Object o, String path, int depth) {
        if (o instanceof Map<?, ?> map) {
            if (map.containsKey("all") || map.containsKey("any")) {
                return group(map, path, depth, false);
            }
            if (map.containsKey("field")) {
                return condition(map, path);
            }
        }
        problem(
                path,
                "expected a group {\"all\"|\"any\": [...]} or a condition {\"field\", \"op\", \"value\"|\"values\"}");
        return null;
    }

    private Group group(Map<?, ?> map, String path, int depth, boolean root) {
        if (!unknownKeys(map, GROUP_KEYS, path)) {
            return null;
        }
        if (map.containsKey("all") && map.containsKey("any")) {
            problem(path, "a group is either \"all\" or \"any\", not both: nest one inside the other");
            return null;
        }
        Mode mode = map.containsKey("all") ? Mode.ALL : Mode.ANY;
        boolean negated = false;
        if (map.containsKey("not")) {
            if (map.get("not") instanceof Boolean b) {
                negated = b;
            } else {
                problem(at(path, "not"), "expected true or false");
            }
        }
        if (depth > MAX_DEPTH) {
            problem(path, "groups nest at most " + MAX_DEPTH + " deep");
            return null;
        }
        String listPath = at(path, mode.code());
        if (!(map.get(mode.code()) instanceof List<?> items)) {
            problem(listPath, "expected a list of groups and conditions");
            return null;
        }
        if (items.size() > MAX_CONDITIONS) {
            problem(listPath, "a group holds at most " + MAX_CONDITIONS + " items, this one " + items.size());
            throw new Enough();
        }
        if (items.isEmpty() && !(root && mode == Mode.ALL && !negated)) {
            problem(
                    listPath,
                    "an empty group: add conditions or remove it (only the top {\"all\": []} means everyone)");
        }
        List<FilterNode> children = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            FilterNode child = node(items.get(i), listPath + "[" + i + "]", depth + 1);
            if (child != null) {
                children.add(child);
            }
        }
        return new Group(mode, negated, children);
    }

    private Condition condition(Map<?, ?> map, String path) {
        if (++conditions > MAX_CONDITIONS) {
            problem("", "a filter chain holds at most " + MAX_CONDITIONS + " conditions");
            throw new Enough();
        }
        if (!unknownKeys(map, CONDITION_KEYS, path)) {
            return null;
        }
        Field field = null;
        if (map.get("field") instanceof String name) {
            field = Field.fromCode(name).orElse(null);
            if (field == null) {
                problem(
                        at(path, "field"),
                        "unknown field '" + echo(name) + "'; known fields: " + codes(Arrays.asList(Field.values())));
            }
        } else {
            problem(at(path, "field"), "expected a field name such as \"country\"");
        }
        Operator op = null;
        if (map.get("op") instanceof String name) {
            op = Operator.fromCode(name).orElse(null);
            if (op == null) {
                problem(
                        at(path, "op"),
                        "unknown operator '" + echo(name) + "'; operators: " + codes(Arrays.asList(Operator.values())));
            } else if (field != null && !field.operators().contains(op)) {
                problem(
                        at(path, "op"),
                        "operator '" + name + "' does not apply to " + field.code() + "; use one of "
                                + codes(field.operators()));
                op = null;
            }
        } else {
            problem(at(path, "op"), "expected an operator such as \"eq\"");
        }
        if (field == null || op == null) {
            return null;
        }
        List<String> values = operands(map, field, op, path);
        return values == null ? null : new Condition(field, op, values);
    }

    private List<String> operands(Map<?, ?> map, Field field, Operator op, String path) {
        boolean hasValue = map.containsKey("value");
        boolean hasValues = map.containsKey("values");
        switch (op.arity()) {
            case NONE -> {
                if (hasValue || hasValues) {
                    problem(path, "operator '" + op.code() + "' takes no value");
                    return null;
                }
                return List.of();
            }
            case ONE -> {
                if (!hasValue || hasValues) {
                    problem(at(path, "value"), "operator '" + op.code() + "' takes one \"value\" (not \"values\")");
                    return null;
                }
                String v = value(field, op, map.get("value"), at(path, "value"));
                return v == null ? null : List.of(v);
            }
            default -> {
                String listPath = at(path, "values");
                if (!hasValues || hasValue) {
                    problem(listPath, "operator '" + op.code() + "' takes a list \"values\" (not \"value\")");
                    return null;
                }
                if (!(map.get("values") instanceof List<?> raw)) {
                    problem(listPath, "expected a list");
                    return null;
                }
                if (op.arity() == Operator.Arity.TWO && raw.size() != 2) {
                    problem(listPath, "operator '" + op.code() + "' takes exactly two values [from, to]");
                    return null;
                }
                if (raw.isEmpty() || raw.size() > MAX_VALUES) {
                    problem(listPath, "expected 1 to " + MAX_VALUES + " values, got " + raw.size());
                    return null;
                }
                List<String> values = new ArrayList<>();
                for (int i = 0; i < raw.size(); i++) {
                    values.add(value(field, op, raw.get(i), listPath + "[" + i + "]"));
                }
                if (values.contains(null)) {
                    return null;
                }
                if (op == Operator.BETWEEN && compare(field, values.get(0), values.get(1)) > 0) {
                    problem(listPath, "the range is empty: " + values.get(0) + " comes after " + values.get(1));
                    return null;
                }
                return op.arity() == Operator.Arity.TWO
                        ? values
                        : values.stream().distinct().toList();
            }
        }
    }

    /** Checks one operand against the field's type and returns its canonical text, or null after recording a problem. */
    private String value(Field field, Operator op, Object raw, String path) {
        if (!(raw instanceof String text)) {
            problem(path, "expected a string" + example(field, op));
            return null;
        }
        if (text.isEmpty() || text.length() > MAX_TEXT) {
            problem(path, "expected 1 to " + MAX_TEXT + " characters" + example(field, op));
            return null;
        }
        String canonical = switch (field.type()) {
            case STRING -> text.chars().anyMatch(Character::isISOControl) ? null : text;
            case ENUM, SET -> field.allowedValues().contains(text) ? text : null;
            case COUNTRY ->
                Vocabulary.COUNTRIES.contains(text.toUpperCase(Locale.ROOT)) ? text.toUpperCase(Locale.ROOT) : null;
            case LANGUAGE ->
                Vocabulary.LANGUAGES.contains(text.toLowerCase(Locale.ROOT)) ? text.toLowerCase(Locale.ROOT) : null;
            case TIMEZONE -> Vocabulary.TIME_ZONES.contains(text) ? text : null;
            case VERSION -> AppVersion.isValid(text) ? text : null;
            case DATETIME ->
                op == Operator.WITHIN_LAST || op == Operator.NOT_WITHIN_LAST ? duration(text) : instant(text);
            case BOOLEAN -> null;
        };
        if (canonical == null) {
            String allowed =
                    field.allowedValues().isEmpty() ? "" : "; allowed: " + String.join(", ", field.allowedValues());
            problem(path, "'" + text + "' is not a valid " + field.code() + " value" + example(field, op) + allowed);
        }
        return canonical;
    }

    private static String duration(String text) {
        try {
            Duration d = Duration.parse(text);
            return d.isNegative() || d.isZero() || d.compareTo(MAX_RELATIVE) > 0 ? null : text;
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static String instant(String text) {
        try {
            return Instant.parse(text).truncatedTo(ChronoUnit.SECONDS).toString();
        } catch (DateTimeParseException e) {
            try {
                return LocalDate.parse(text)
                        .atStartOfDay(ZoneOffset.UTC)
                        .toInstant()
                        .toString();
            } catch (DateTimeParseException e2) {
                return null;
            }
        }
    }

    private static int compare(Field field, String a, String b) {
        return switch (field.type()) {
            case VERSION -> AppVersion.parse(a).compareTo(AppVersion.parse(b));
            case DATETIME -> Instant.parse(a).compareTo(Instant.parse(b));
            default -> a.compareTo(b);
        };
    }

    private static String example(Field field, Operator op) {
        return switch (field.type()) {
            case STRING -> " such as \"windy-ios\"";
            case ENUM, SET, BOOLEAN -> "";
            case COUNTRY -> " such as \"PT\" (ISO 3166-1 alpha-2)";
            case LANGUAGE -> " such as \"pt\" (ISO 639-1)";
            case TIMEZONE -> " such as \"Europe/Lisbon\" (IANA)";
            case VERSION -> " such as \"57.3.1\"";
            case DATETIME ->
                op == Operator.WITHIN_LAST || op == Operator.NOT_WITHIN_LAST
                        ? " such as \"P7D\" or \"PT12H\" (ISO 8601 duration, up to 3650 days)"
                        : " such as \"2026-11-01T00:00:00Z\" or \"2026-11-01\" (UTC)";
        };
    }

    /** Records each unknown key; false (one problem, keys unread) for an object with more keys than could be known. */
    private boolean unknownKeys(Map<?, ?> map, Set<String> allowed, String path) {
        String expected =
                "expected " + String.join(", ", allowed.stream().sorted().toList());
        if (map.size() > allowed.size()) {
            problem(path, map.size() + " keys; " + expected);
            return false;
        }
        for (Object key : map.keySet()) {
            if (!allowed.contains(String.valueOf(key))) {
                problem(at(path, echo(String.valueOf(key))), "unknown key; " + expected);
            }
        }
        return true;
    }

    private void problem(String path, String message) {
        problems.add(new Problem(path, message));
        if (problems.size() == MAX_PROBLEMS) {
            problems.add(
                    new Problem("", "stopped after " + MAX_PROBLEMS + " problems; fix these and send the chain again"));
            throw new Enough();
        }
    }

    /** Text from the request as a message quotes it: at most {@link #MAX_ECHO} characters. */
    private static String echo(String text) {
        return text.length() <= MAX_ECHO ? text : text.substring(0, MAX_ECHO) + "…";
    }

    private static String at(String path, String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    private static String codes(List<?> items) {
        return items.stream()
                .map(i -> i instanceof Field f ? f.code() : ((Operator) i).code())
                .collect(Collectors.joining(", "));
    }
}
