package io.pushflow.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.pushflow.core.filter.FilterChain;
import io.pushflow.core.user.DeviceTokenKind;
import io.pushflow.core.user.User;
import io.pushflow.core.user.UserFields;
import io.pushflow.core.user.UserGenerator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UserStoreTest {

    private static final Instant NOW = Instant.parse("2026-11-24T12:00:00Z");
    private TestClickHouse db;
    private UserStore users;

    @BeforeAll
    void setUp() {
        db = new TestClickHouse();
        users = new UserStore(db.clickHouse);
    }

    @AfterAll
    void tearDown() {
        db.close();
    }

    static User user(long id, String country, long version) {
        return new User(
                id,
                "windy-ios",
                "ios",
                "tok-" + id,
                "",
                DeviceTokenKind.NONE,
                true,
                true,
                id % 2 == 0,
                country,
                "pt",
                "Europe/Lisbon",
                "57.3.1",
                List.of("kitesurfing", "sailing"),
                NOW.minusSeconds(3600),
                NOW.minusSeconds(86_400 * 400),
                version);
    }

    @Test
    void users_round_trip_with_every_field_and_the_newest_version_wins() {
        users.insert(List.of(user(1, "IS", 1), user(2, "MT", 1)));
        users.insert(List.of(user(1, "FR", 2)));
        assertThat(users.find(List.of(1L, 2L, 3L))).containsExactly(user(1, "FR", 2), user(2, "MT", 1));
        FilterChain french =
                FilterChain.parse(Map.of("all", List.of(Map.of("field", "country", "op", "eq", "value", "FR"))));
        assertThat(users.count(french, NOW, true)).isEqualTo(1);
        FilterChain mine = FilterChain.parse(
                Map.of("all", List.of(Map.of("field", "country", "op", "in", "values", List.of("FR", "IS", "MT")))));
        assertThat(users.sampleIds(mine, NOW, 10, true)).containsExactly(1L, 2L);
    }

    @Test
    void pages_walk_the_audience_in_id_order_after_a_cursor() {
        List<User> many = new ArrayList<>();
        for (long id = 100; id < 130; id++) {
            many.add(user(id, id % 3 == 0 ? "ES" : "PT", 1));
        }
        users.insert(many);
        users.insert(List.of(user(101, "ES", 2)));
        FilterChain portugal =
                FilterChain.parse(Map.of("all", List.of(Map.of("field", "country", "op", "eq", "value", "PT"))));
        List<Long> seen = new ArrayList<>();
        long cursor = 99;
        for (List<User> page = users.page(portugal, NOW, cursor, 7).users();
                !page.isEmpty();
                page = users.page(portugal, NOW, cursor, 7).users()) {
            assertThat(page)
                    .hasSizeLessThanOrEqualTo(7)
                    .allMatch(u -> u.country().equals("PT"));
            page.forEach(u -> seen.add(u.userId()));
            cursor = page.get(page.size() - 1).userId();
        }
        List<Long> expected = many.stream()
                .map(User::userId)
                .filter(id -> id % 3 != 0 && id != 101 && id < 130)
                .toList();
        assertThat(seen).isEqualTo(expected);
    }

    @Test
    void a_page_carries_every_attribute_of_the_newest_rows() {
        List<User> generated = new UserGenerator(4, NOW).users(3_000_000, 2_000).toList(); // ids no other test uses
        users.insert(generated);
        User changed = generated.get(10).withVersion(generated.get(10).version() + 1);
        changed = UserFields.apply(
                changed,
                Map.of(
                        "push_token",
                        "sub-new",
                        "country",
                        "nz",
                        "subscribed",
                        false,
                        "device_token",
                        "cd".repeat(32),
                        "device_token_kind",
                        "apns"));
        users.insert(List.of(changed));
        FilterChain everyone = FilterChain.parse(
                Map.of("all", List.of(Map.of("field", "platform", "op", "in", "values", List.of("ios", "android")))));
        List<User> expected = new ArrayList<>(generated);
        expected.set(10, changed);
        assertThat(users.page(everyone, NOW, 2_999_999, 2_000).users()).isEqualTo(expected);
    }

    @Test
    void pages_widen_their_id_range_across_a_sparse_cohort() {
        List<Long> ids = List.of(1_000_001L, 1_004_000L, 1_090_000L, 1_700_000L, 9_000_000L);
        users.insert(ids.stream().map(id -> user(id, "NZ", 1)).toList());
        FilterChain kiwis =
                FilterChain.parse(Map.of("all", List.of(Map.of("field", "country", "op", "eq", "value", "NZ"))));
        assertThat(users.page(kiwis, NOW, 1_000_000, 2).users())
                .extracting(User::userId)
                .containsExactly(1_000_001L, 1_004_000L);
        assertThat(users.page(kiwis, NOW, 1_004_000, 2).users())
                .extracting(User::userId)
                .containsExactly(1_090_000L, 1_700_000L);
        assertThat(users.page(kiwis, NOW, 1_700_000, 2).users())
                .extracting(User::userId)
                .containsExactly(9_000_000L);
        assertThat(users.page(kiwis, NOW, 9_000_000, 2).size()).isZero();
    }

    @Test
    void users_stored_before_device_tokens_read_as_reachable_through_onesignal_only_after_the_migration() {
        ClickHouse before = new ClickHouse(ClickHouse.Config.fromEnvironment()
                .withDatabase(db.clickHouse.config().database() + "_old"));
        try {
            before.createDatabase();
            String create = ClickHouseSchema.statements(new String(
                            getClass()
                                    .getResourceAsStream("/clickhouse/001_users.sql")
                                    .readAllBytes(),
                            StandardCharsets.UTF_8))
                    .get(0);
            assertThat(create).startsWith("CREATE TABLE").doesNotContain("device_token");
            before.execute(create.replace(
                    "${CLICKHOUSE_DATABASE}",
                    ClickHouse.identifier(before.config().database())));
            before.insertJsonEachRow(
                    before.table("users"),
                    ("{\"user_id\": 5, \"app\": \"windy-ios\", \"platform\": \"ios\", \"push_token\": \"sub-5\", "
                                    + "\"token_valid\": 1, \"subscribed\": 1, \"is_pro\": 0, \"country\": \"PT\", \"locale\": \"pt\", "
                                    + "\"timezone\": \"Europe/Lisbon\", \"app_version\": \"57.3.1\", \"app_version_num\": 57003001, \"sports\": [], "
                                    + "\"sports_mask\": 0, \"last_active_at\": \"2026-11-24 11:00:00\", \"installed_at\": \"2025-10-20 12:00:00\", "
                                    + "\"version\": 1}\n")
                            .getBytes(StandardCharsets.UTF_8));

            ClickHouseSchema.apply(before);

            UserStore store = new UserStore(before);
            User old = store.find(List.of(5L)).get(0);
            assertThat(old.pushToken()).isEqualTo("sub-5");
            assertThat(old.deviceToken()).isEmpty();
            assertThat(old.deviceTokenKind()).isEqualTo(DeviceTokenKind.NONE);
            FilterChain none = FilterChain.parse(
                    Map.of("all", List.of(Map.of("field", "device_token_kind", "op", "eq", "value", "none"))));
            assertThat(store.page(none, NOW, 0, 10).users()).containsExactly(old);
            User refreshed = UserFields.apply(old, Map.of("device_token", "ef".repeat(32), "device_token_kind", "apns"))
                    .withVersion(2);
            store.insert(List.of(refreshed));
            assertThat(store.find(List.of(5L))).containsExactly(refreshed);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            before.dropDatabase();
            before.close();
        }
    }

    @Test
    void the_schema_applies_again_without_harm() {
        ClickHouseSchema.apply(db.clickHouse);
        assertThat(db.clickHouse.selectLong("SELECT count() AS n FROM system.tables WHERE database = '"
                        + db.clickHouse.config().database() + "' AND name = 'users'"))
                .isEqualTo(1);
        // a column added by a later ALTER is there once, however often the schema applies
        assertThat(db.clickHouse.selectLong("SELECT count() AS n FROM system.columns WHERE database = '"
                        + db.clickHouse.config().database()
                        + "' AND table = 'provider_notifications' AND name = 'received'"))
                .isEqualTo(1);
        assertThat(db.clickHouse.selectLong("SELECT count() AS n FROM system.columns WHERE database = '"
                        + db.clickHouse.config().database() + "' AND table = 'users' AND name LIKE 'device_token%'"))
                .isEqualTo(2);
    }

    @Test
    void a_statement_the_server_turns_down_is_told_from_a_server_that_was_away_or_slow() {
        ClickHouseException unknown = catchThrowableOfType(
                () -> db.clickHouse.select("SELECT no_such_column FROM system.one"), ClickHouseException.class);
        assertThat(unknown.serverCode()).isEqualTo(47);
        assertThat(unknown.refused()).isTrue();
        ClickHouseException tooLarge = catchThrowableOfType(
                () -> db.clickHouse.select("SELECT '" + "x".repeat(300_000) + "'"), ClickHouseException.class);
        assertThat(tooLarge.refused()).as("over max_query_size").isTrue();
        ClickHouseException slow = catchThrowableOfType(
                () -> db.clickHouse.select("SELECT sleep(2) SETTINGS max_execution_time = 1"),
                ClickHouseException.class);
        assertThat(slow.serverCode()).isEqualTo(159);
        assertThat(slow.refused()).isFalse();
        try (ClickHouse away = new ClickHouse(
                new ClickHouse.Config("http://127.0.0.1:1", "default", "", "default", Duration.ofSeconds(2)))) {
            ClickHouseException gone = catchThrowableOfType(() -> away.select("SELECT 1"), ClickHouseException.class);
            assertThat(gone.serverCode()).isEqualTo(-1);
            assertThat(gone.refused()).isFalse();
        }
    }

    @Test
    void every_file_of_sql_clickhouse_is_applied_in_name_order() throws IOException {
        // services up applies the packaged list, not a directory listing: a file missing from it would never run
        try (var files = Files.list(Path.of("../sql/clickhouse"))) {
            assertThat(ClickHouseSchema.FILES)
                    .isEqualTo(
                            files.map(f -> f.getFileName().toString()).sorted().toList());
        }
    }

    @Test
    void ddl_files_split_into_statements_at_line_end_semicolons() {
        assertThat(ClickHouseSchema.statements(
                        "-- c\nCREATE TABLE a (x UInt8) -- t\nENGINE = Memory;\n\nSELECT ';' ;\n"))
                .containsExactly("CREATE TABLE a (x UInt8)\nENGINE = Memory", "SELECT ';'");
    }
}
