package io.pushflow.core.filter;

import io.pushflow.core.filter.FilterNode.Condition;
import io.pushflow.core.filter.FilterNode.Group;
import io.pushflow.core.user.User;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.ToLongFunction;

/**
 * A filter chain as an in-memory test of one user: the delivery job re-checks cohort membership with it at
 * send time. Compiled once per chain and {@code now}; it accepts exactly the users {@link ClickHouseFilterSql} selects.
 */
public final class UserPredicate {

    private UserPredicate() {}

    public static Predicate<User> of(FilterChain chain, Instant now) {
        return node(chain.root(), now);
    }

    private static Predicate<User> node(FilterNode node, Instant now) {
        Predicate<User> p;
        if (node instanceof Condition c) {
            p = condition(c, now);
        } else {
            Group g = (Group) node;
            List<Predicate<User>> children = new ArrayList<>();
            g.children().forEach(child -> children.add(node(child, now)));
            p = g.mode() == FilterNode.Mode.ALL
                    ? u -> children.stream().allMatch(q -> q.test(u))
                    : u -> children.stream().anyMatch(q -> q.test(u));
            if (g.negated()) {
                p = p.negate();
            }
        }
        return p;
    }

    private static Predicate<User> condition(Condition c, Instant now) {
        return switch (c.field()) {
            case APP -> text(c, User::app);
            case PLATFORM -> text(c, User::platform);
            case DEVICE_TOKEN_KIND -> text(c, u -> u.deviceTokenKind().code());
            case COUNTRY -> text(c, User::country);
            case LOCALE -> text(c, User::locale);
            case TIMEZONE -> text(c, User::timezone);
            case APP_VERSION ->
                number(c, c.values().stream().map(Operands::version).toList(), User::appVersionNum);
            case LAST_ACTIVE_AT ->
                number(
                        c,
                        c.values().stream()
                                .map(v -> Operands.epochSecond(c, v, now))
                                .toList(),
                        u -> u.lastActiveAt().getEpochSecond());
            case INSTALLED_AT ->
                number(
                        c,
                        c.values().stream()
                                .map(v -> Operands.epochSecond(c, v, now))
                                .toList(),
                        u -> u.installedAt().getEpochSecond());
            case IS_PRO -> c.op() == Operator.IS_TRUE ? User::isPro : u -> !u.isPro();
            case SPORTS -> {
                long mask = Operands.sportsMask(c.values());
                yield c.op() == Operator.HAS_ALL
                        ? u -> (u.sportsMask() & mask) == mask
                        : u -> (u.sportsMask() & mask) != 0;
            }
        };
    }

    private static Predicate<User> text(Condition c, Function<User, String> attribute) {
        List<String> values = c.values();
        return switch (c.op()) {
            case EQ, IN -> u -> values.contains(attribute.apply(u));
            case NE, NOT_IN -> u -> !values.contains(attribute.apply(u));
            default -> throw new IllegalArgumentException(c.op() + " on " + c.field());
        };
    }

    private static Predicate<User> number(Condition c, List<Long> bounds, ToLongFunction<User> attribute) {
        long a = bounds.get(0);
        return switch (c.op()) {
            case EQ -> u -> attribute.applyAsLong(u) == a;
            case NE -> u -> attribute.applyAsLong(u) != a;
            case LT, NOT_WITHIN_LAST -> u -> attribute.applyAsLong(u) < a;
            case LE -> u -> attribute.applyAsLong(u) <= a;
            case GT -> u -> attribute.applyAsLong(u) > a;
            case GE, WITHIN_LAST -> u -> attribute.applyAsLong(u) >= a;
            case BETWEEN -> {
                long b = bounds.get(1);
                yield u -> attribute.applyAsLong(u) >= a && attribute.applyAsLong(u) <= b;
            }
            default -> throw new IllegalArgumentException(c.op() + " on " + c.field());
        };
    }
}
