package io.pushflow.core.user;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pushflow.core.filter.FilterChain;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class UserGeneratorTest {

    private static final long SEED = 42;
    private static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");
    private static final UserGenerator GENERATOR = new UserGenerator(SEED, NOW);

    private static List<User> population;

    @BeforeAll
    static void generatePopulation() {
        population = GENERATOR.users(1, 100_000).toList();
    }

    @Test
    void the_same_seed_gives_the_same_users_and_another_seed_others() {
        List<User> again = new UserGenerator(SEED, NOW).users(1, 1_000).toList();
        List<User> other = new UserGenerator(SEED + 1, NOW).users(1, 1_000).toList();

        assertThat(again).isEqualTo(population.subList(0, 1_000));
        assertThat(other).isNotEqualTo(again);
        assertThat(other)
                .extracting(User::pushToken)
                .doesNotContainAnyElementsOf(again.stream().map(User::pushToken).toList());
    }

    @Test
    void a_user_does_not_depend_on_the_range_or_the_order_it_is_generated_in() {
        assertThat(GENERATOR.user(17))
                .isEqualTo(GENERATOR.users(1, 100).skip(16).findFirst().orElseThrow());
        assertThat(GENERATOR.users(50_001, 100).toList()).isEqualTo(population.subList(50_000, 50_100));
        assertThat(GENERATOR.users(1, 20_000).parallel().toList()).isEqualTo(population.subList(0, 20_000));
    }

    @Test
    void a_pinned_user_stays_bit_for_bit_the_same_on_every_jvm() {
        // changes when the generator's tables change, and should: data sets generated before would differ
        assertThat(GENERATOR.user(17))
                .isEqualTo(new User(
                        17,
                        "windy-android",
                        "android",
                        "7c541620-424c-44fb-a97d-c3a549100175",
                        "_voVAFYsnX8vsYSDU54SX0:APA91bgk44MIYsj_oOAj0B9iFesNSjTxduR9OzgYD0GvNTN0aX6Rplp9b69s9DAyLKuPTklNChy38_Tyb6f1btdOwmSAHnNq"
                                + "-EVOy743P5KBbYbeqPq34hOR6HIK7vvP57jB8cuD1-8N",
                        DeviceTokenKind.FCM,
                        true,
                        true,
                        false,
                        "US",
                        "en",
                        "America/Denver",
                        "46.3.0",
                        List.of("kitesurfing", "skiing"),
                        Instant.parse("2024-08-15T18:20:15Z"),
                        Instant.parse("2020-09-18T08:48:43Z"),
                        NOW.toEpochMilli()));
    }

    @Test
    void every_user_passes_the_filter_languages_checks_unchanged() {
        for (User user : population.subList(0, 5_000)) {
            Map<String, Object> tree = Map.of(
                    "all",
                    List.of(
                            eq("app", user.app()),
                            eq("platform", user.platform()),
                            eq("device_token_kind", user.deviceTokenKind().code()),
                            eq("country", user.country()),
                            eq("locale", user.locale()),
                            eq("timezone", user.timezone()),
                            eq("app_version", user.appVersion()),
                            Map.of("field", "sports", "op", "has_all", "values", user.sports()),
                            Map.of(
                                    "field",
                                    "installed_at",
                                    "op",
                                    "le",
                                    "value",
                                    user.lastActiveAt().toString())));

            // the canonical tree equals the input: no value needed normalizing (case, duplicates)
            assertThat(FilterChain.parse(tree).toTree()).as("user %s", user).isEqualTo(tree);
        }
    }

    @Test
    void every_user_is_well_formed() {
        assertThat(population).allSatisfy(user -> {
            assertThat(user.app()).isEqualTo("windy-" + user.platform());
            assertThat(user.locale()).hasSize(2);
            assertThat(AppVersion.isValid(user.appVersion())).isTrue();
            assertThat(user.appVersion()).matches("\\d+\\.\\d+\\.\\d+");
            assertThat(user.sports()).hasSizeBetween(1, 4).doesNotHaveDuplicates();
            assertThat(user.sports())
                    .allSatisfy(code -> assertThat(Sport.fromCode(code)).isPresent());
            assertThat(UUID.fromString(user.pushToken()).version()).isEqualTo(4);
            assertThat(UUID.fromString(user.pushToken()).toString()).isEqualTo(user.pushToken());
            assertThat(user.installedAt()).isBeforeOrEqualTo(user.lastActiveAt());
            assertThat(user.lastActiveAt()).isBeforeOrEqualTo(NOW);
            assertThat(user.installedAt()).isAfter(NOW.minus(Duration.ofDays(6 * 365 + 1)));
            assertThat(user.lastActiveAt().getNano()).isZero();
            assertThat(user.installedAt().getNano()).isZero();
            assertThat(user.version()).isEqualTo(NOW.toEpochMilli());
        });
        assertThat(population).extracting(User::pushToken).doesNotHaveDuplicates();
    }

    @Test
    void ios_installs_carry_apns_tokens_android_fcm_and_a_few_none() {
        assertThat(population).allSatisfy(user -> {
            DeviceTokenKind kind = user.deviceTokenKind();
            if (kind != DeviceTokenKind.NONE) {
                assertThat(kind).isEqualTo(user.platform().equals("ios") ? DeviceTokenKind.APNS : DeviceTokenKind.FCM);
            }
            assertThat(user.deviceToken())
                    .matches(
                            switch (kind) {
                                case NONE -> "";
                                case APNS -> "[0-9a-f]{64}";
                                case FCM -> "[A-Za-z0-9_-]{22}:APA91b[A-Za-z0-9_-]{134}";
                            });
            // the same user through the import's checks: every generated token is one the import accepts as it is
            Map<String, Object> set = kind == DeviceTokenKind.NONE
                    ? Map.of("device_token_kind", "none")
                    : Map.of("device_token", user.deviceToken(), "device_token_kind", kind.code());
            assertThat(UserFields.apply(user, set)).isEqualTo(user);
        });
        assertThat(share(u -> u.deviceTokenKind() == DeviceTokenKind.NONE)).isBetween(.03, .05);
        assertThat(share(u -> u.deviceTokenKind() == DeviceTokenKind.APNS)).isBetween(.25, .60);
        assertThat(population.stream().filter(u -> !u.deviceToken().isEmpty()))
                .extracting(User::deviceToken)
                .doesNotHaveDuplicates();
    }

    @Test
    void shares_look_like_the_apps_audience() {
        assertThat(share(User::isPro)).isBetween(.08, .12);
        assertThat(share(u -> !u.subscribed())).isBetween(.04, .09);
        assertThat(share(u -> !u.tokenValid())).isBetween(.02, .07);
        assertThat(share(u -> u.platform().equals("ios"))).isBetween(.30, .60);
        assertThat(share(u -> u.lastActiveAt().isAfter(NOW.minus(Duration.ofDays(7)))))
                .isBetween(.30, .70);
        assertThat(share(u -> u.lastActiveAt().isBefore(NOW.minus(Duration.ofDays(365)))))
                .isBetween(.03, .20);
        assertThat(share(u -> u.appVersion().startsWith("57.") || u.appVersion().startsWith("56.")))
                .isBetween(.50, .85);
        assertThat(share(u -> AppVersion.parse(u.appVersion()).major() < 50)).isBetween(.01, .15);
    }

    @Test
    void kitesurfing_is_among_the_top_three_sports_and_snow_sports_live_in_the_alps() {
        Map<String, Long> followers = population.stream()
                .flatMap(u -> u.sports().stream())
                .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
        List<String> top3 = followers.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder()))
                .limit(3)
                .map(Map.Entry::getKey)
                .toList();

        assertThat(top3).contains("kitesurfing");
        assertThat(snowShare("CH")).isGreaterThan(3 * snowShare("ES"));
    }

    @Test
    void the_less_active_unsubscribe_and_lose_tokens_more_often() {
        Predicate<User> dormant = u -> u.lastActiveAt().isBefore(NOW.minus(Duration.ofDays(180)));

        assertThat(share(dormant, u -> !u.subscribed()))
                .isGreaterThan(2 * share(dormant.negate(), u -> !u.subscribed()));
        assertThat(share(dormant, u -> !u.tokenValid()))
                .isGreaterThan(2 * share(dormant.negate(), u -> !u.tokenValid()));
    }

    @Test
    void ios_is_more_common_in_the_us_than_in_brazil() {
        Predicate<User> ios = u -> u.platform().equals("ios");

        assertThat(share(u -> u.country().equals("US"), ios))
                .isGreaterThan(2 * share(u -> u.country().equals("BR"), ios));
    }

    @Test
    void negative_ids_and_counts_are_refused() {
        assertThatThrownBy(() -> GENERATOR.user(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> GENERATOR.users(0, -1)).isInstanceOf(IllegalArgumentException.class);
    }

    private static Map<String, Object> eq(String field, String value) {
        return Map.of("field", field, "op", "eq", "value", value);
    }

    private static double share(Predicate<User> which) {
        return share(u -> true, which);
    }

    private static double share(Predicate<User> among, Predicate<User> which) {
        List<User> group = population.stream().filter(among).toList();
        return (double) group.stream().filter(which).count() / group.size();
    }

    private static double snowShare(String country) {
        return share(
                u -> u.country().equals(country),
                u -> u.sports().contains("skiing") || u.sports().contains("snowboarding"));
    }
}
