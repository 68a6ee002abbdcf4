package io.pushflow.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushflow.core.filter.Field;
import io.pushflow.core.filter.FilterChain;
import io.pushflow.core.filter.Operator;
import io.pushflow.core.filter.UserPredicate;
import io.pushflow.core.user.AppVersion;
import io.pushflow.core.user.DeviceTokenKind;
import io.pushflow.core.user.Sport;
import io.pushflow.core.user.User;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * The two compilers of one filter chain agree: for random chains over a population of users with awkward
 * values (versions that compare differently as text, times on the edges of relative windows, hostile app
 * names), the users ClickHouse returns for the SQL are exactly the users the in-memory predicate accepts.
 */
class FilterChainAgreementTest {

    static final Instant NOW = Instant.parse("2026-11-24T12:00:00Z");
    static final List<String> HOSTILE = List.of(
            "x' OR 1=1 --",
            "'); DROP TABLE users; --",
            "back\\slash",
            "\\'",
            "\\",
            "quote'd",
            "\"double\"",
            "`tick`",
            "%_like*",
            "ünïcødé 🚀",
            "${CLICKHOUSE_DATABASE}",
            "a\\' OR \\'1\\'=\\'1");
    static final List<String> APPS = concat(List.of("windy-ios", "windy-android"), HOSTILE);
    static final List<String> COUNTRIES = List.of("PT", "ES", "US", "DE", "BR", "");
    static final List<String> LOCALES = List.of("pt", "es", "en", "de");
    static final List<String> ZONES = List.of("Europe/Lisbon", "Europe/Madrid", "America/New_York", "Australia/Perth");
    static final List<String> VERSIONS =
            List.of("57", "57.0.0", "57.10", "57.9.9", "56.2", "58.0.1", "0", "999.999.999", "57.3.1");
    static final List<Duration> WINDOWS =
            List.of(Duration.ofDays(7), Duration.ofHours(12), Duration.ofDays(30), Duration.ofSeconds(1));

    static TestClickHouse db;
    static UserStore store;
    static List<User> population;

    @BeforeContainer
    static void load() {
        db = new TestClickHouse();
        store = new UserStore(db.clickHouse);
        population = population(1_500, new Random(20261124));
        store.insert(population);
    }

    @AfterContainer
    static void drop() {
        db.close();
    }

    @Property(tries = 250)
    void sql_and_predicate_select_the_same_users(@ForAll("chains") Map<String, Object> tree) {
        FilterChain chain = FilterChain.parse(tree);
        var predicate = UserPredicate.of(chain, NOW);
        List<Long> expected =
                population.stream().filter(predicate).map(User::userId).sorted().toList();
        assertThat(store.matchingIds(chain, NOW)).as(chain.toJson()).isEqualTo(expected);
    }

    @Property(tries = 60)
    void hostile_strings_are_values_never_sql(@ForAll("hostileConditions") Map<String, Object> condition) {
        FilterChain chain = FilterChain.parse(Map.of("all", List.of(condition)));
        List<Long> expected = population.stream()
                .filter(UserPredicate.of(chain, NOW))
                .map(User::userId)
                .sorted()
                .toList();
        assertThat(store.matchingIds(chain, NOW)).as(chain.toJson()).isEqualTo(expected);
        assertThat(store.countAll()).isEqualTo(population.size());
    }

    @Provide
    Arbitrary<Map<String, Object>> hostileConditions() {
        Arbitrary<String> value = Arbitraries.oneOf(
                Arbitraries.of(HOSTILE),
                Arbitraries.strings()
                        .withChars("'\\\"`;-%_ ()=aZ0\u00e9\u00fc".toCharArray())
                        .ofMinLength(1)
                        .ofMaxLength(12));
        return Combinators.combine(
                        Arbitraries.of("eq", "ne", "in", "not_in"),
                        value.list().ofMinSize(1).ofMaxSize(3))
                .as((op, values) -> op.endsWith("in")
                        ? Map.of("field", "app", "op", op, "values", values)
                        : Map.of("field", "app", "op", op, "value", values.get(0)));
    }

    @Provide
    Arbitrary<Map<String, Object>> chains() {
        return group(3);
    }

    private Arbitrary<Map<String, Object>> group(int depth) {
        Arbitrary<Object> child = depth <= 1
                ? condition().map(c -> (Object) c)
                : Arbitraries.frequencyOf(
                        Tuple.of(4, condition().map(c -> (Object) c)),
                        Tuple.of(1, Arbitraries.lazy(() -> group(depth - 1)).map(g -> (Object) g)));
        return Combinators.combine(
                        Arbitraries.of("all", "any"),
                        Arbitraries.of(false, false, true),
                        child.list().ofMinSize(1).ofMaxSize(4))
                .as((mode, not, children) -> {
                    Map<String, Object> g = new LinkedHashMap<>();
                    g.put(mode, children);
                    if (not) {
                        g.put("not", true);
                    }
                    return g;
                });
    }

    private Arbitrary<Map<String, Object>> condition() {
        return Arbitraries.of(Field.values())
                .flatMap(field -> Arbitraries.of(field.operators())
                        .flatMap(op -> operands(field, op).map(values -> {
                            Map<String, Object> c = new HashMap<>();
                            c.put("field", field.code());
                            c.put("op", op.code());
                            switch (op.arity()) {
                                case NONE -> {}
                                case ONE -> c.put("value", values.get(0));
                                default -> c.put("values", values);
                            }
                            return c;
                        })));
    }

    private Arbitrary<List<String>> operands(Field field, Operator op) {
        Arbitrary<String> one = switch (field) {
            case APP -> Arbitraries.of(APPS);
            case PLATFORM -> Arbitraries.of("ios", "android");
            case DEVICE_TOKEN_KIND -> Arbitraries.of(DeviceTokenKind.codes());
            case COUNTRY -> Arbitraries.of(COUNTRIES.subList(0, COUNTRIES.size() - 1));
            case LOCALE -> Arbitraries.of(LOCALES);
            case TIMEZONE -> Arbitraries.of(ZONES);
            case APP_VERSION -> Arbitraries.of(VERSIONS);
            case SPORTS -> Arbitraries.of(Sport.codes());
            case IS_PRO -> Arbitraries.just("");
            case LAST_ACTIVE_AT, INSTALLED_AT ->
                op == Operator.WITHIN_LAST || op == Operator.NOT_WITHIN_LAST
                        ? Arbitraries.of(WINDOWS).map(Duration::toString)
                        : Arbitraries.of(edges()).map(Instant::toString);
        };
        return switch (op.arity()) {
            case NONE -> Arbitraries.just(List.of());
            case ONE -> one.map(List::of);
            case TWO -> one.list().ofSize(2).map(pair -> sorted(field, pair));
            case MANY -> one.list().ofMinSize(1).ofMaxSize(4);
        };
    }

    private static List<String> sorted(Field field, List<String> pair) {
        List<String> copy = new ArrayList<>(pair);
        if (field == Field.APP_VERSION) {
            copy.sort((a, b) -> AppVersion.parse(a).compareTo(AppVersion.parse(b)));
        } else {
            copy.sort((a, b) -> Instant.parse(a).compareTo(Instant.parse(b)));
        }
        return copy;
    }

    /** Instants on and around the edges of every relative window, plus a few far ones. */
    static List<Instant> edges() {
        List<Instant> out = new ArrayList<>();
        for (Duration w : WINDOWS) {
            Instant edge = NOW.minus(w);
            out.add(edge.minusSeconds(1));
            out.add(edge);
            out.add(edge.plusSeconds(1));
        }
        out.add(NOW);
        out.add(NOW.minus(Duration.ofDays(700)));
        out.add(Instant.parse("2020-01-01T00:00:00Z"));
        return out;
    }

    static List<User> population(int size, Random random) {
        List<Instant> times = edges();
        List<User> users = new ArrayList<>();
        for (int i = 1; i <= size; i++) {
            List<String> sports = new ArrayList<>();
            for (String code : Sport.codes()) {
                if (random.nextInt(5) == 0) {
                    sports.add(code);
                }
            }
            String platform = random.nextBoolean() ? "ios" : "android";
            DeviceTokenKind kind = pick(List.of(DeviceTokenKind.values()), random);
            String deviceToken = kind == DeviceTokenKind.NONE
                    ? ""
                    : kind == DeviceTokenKind.APNS ? "%064x".formatted(i) : "fcm-token-" + "0".repeat(22) + i;
            users.add(new User(
                    i,
                    pick(APPS, random),
                    platform,
                    "token-" + i,
                    deviceToken,
                    kind,
                    random.nextInt(10) > 0,
                    random.nextInt(10) > 0,
                    random.nextInt(4) == 0,
                    pick(COUNTRIES, random),
                    pick(LOCALES, random),
                    pick(ZONES, random),
                    pick(VERSIONS, random),
                    sports,
                    pick(times, random),
                    pick(times, random),
                    1));
        }
        return users;
    }

    private static <T> T pick(List<T> items, Random random) {
        return items.get(random.nextInt(items.size()));
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }
}
