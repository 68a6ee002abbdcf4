package io.pushflow.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushflow.core.filter.FilterChain;
import io.pushflow.core.user.DeviceTokenKind;
import io.pushflow.core.user.User;
import io.pushflow.core.user.UserGenerator;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class UserImportTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-24T12:00:00Z"), ZoneOffset.UTC);
    private TestClickHouse db;
    private UserStore store;

    @BeforeEach
    void setUp() {
        db = new TestClickHouse();
        store = new UserStore(db.clickHouse);
    }

    @AfterEach
    void tearDown() {
        db.close();
    }

    private static final String GOOD =
            "{\"user_id\": %d, \"platform\": \"android\", \"push_token\": \"t%d\", \"country\": \"pt\", "
                    + "\"locale\": \"pt\", \"timezone\": \"Europe/Lisbon\", \"app_version\": \"57.3\", \"sports\": [\"kitesurfing\"], "
                    + "\"last_active_at\": \"2026-11-23T10:00:00Z\", \"installed_at\": \"2024-01-01T00:00:00Z\"}";

    @Test
    void an_install_reached_only_directly_needs_no_onesignal_subscription_id() {
        String fcm = "cJ3x:" + "a".repeat(60);
        String body = String.join(
                "\n",
                GOOD.formatted(11, 11)
                        .replace(
                                "\"push_token\": \"t11\"",
                                "\"device_token\": \"" + fcm + "\", \"device_token_kind\": \"fcm\""),
                GOOD.formatted(12, 12)
                        .replace(
                                "\"push_token\": \"t12\"",
                                "\"push_token\": \"\", \"device_token\": \"" + "ab".repeat(32)
                                        + "\", \"device_token_kind\": \"apns\""),
                GOOD.formatted(13, 13).replace("\"push_token\": \"t13\"", "\"push_token\": \"\""));
        UserImport.Report report = new UserImport(store, CLOCK, 2).run(stream(body), UserImport.Format.NDJSON);
        assertThat(report.accepted()).isEqualTo(2);
        assertThat(report.rejections()).extracting(UserImport.Rejection::line).containsExactly(3L);
        assertThat(report.rejections().get(0).reason()).startsWith("push_token is missing");
        List<User> users = store.find(List.of(11L, 12L));
        assertThat(users)
                .extracting(u -> u.pushToken() + "|" + u.deviceTokenKind().code())
                .containsExactly("|fcm", "|apns");
        assertThat(users.get(0).deviceToken()).isEqualTo(fcm);
    }

    @Test
    void ndjson_lines_are_checked_one_by_one_and_bad_ones_never_stop_the_rest() {
        String body = String.join(
                "\n",
                GOOD.formatted(1, 1),
                "{not json",
                GOOD.formatted(2, 2).replace("\"pt\", \"locale\"", "\"Portugal\", \"locale\""),
                "",
                GOOD.formatted(3, 3).replace("\"kitesurfing\"", "\"kiting\""),
                GOOD.formatted(4, 4).replace(", \"push_token\": \"t4\"", ""),
                GOOD.formatted(5, 5).replace("57.3", "v57"),
                GOOD.formatted(6, 6).replace("\"platform\"", "\"colour\": \"red\", \"platform\""),
                "null",
                GOOD.formatted(7, 7));
        UserImport.Report report = new UserImport(store, CLOCK, 2).run(stream(body), UserImport.Format.NDJSON);

        assertThat(report.accepted()).isEqualTo(2);
        assertThat(report.rejected()).isEqualTo(7);
        assertThat(report.rejections())
                .extracting(UserImport.Rejection::line)
                .containsExactly(2L, 3L, 5L, 6L, 7L, 8L, 9L);
        assertThat(report.rejections())
                .extracting(UserImport.Rejection::reason)
                .containsExactly(
                        report.rejections().get(0).reason(),
                        "country 'Portugal' is not an ISO 3166-1 alpha-2 code such as PT",
                        report.rejections().get(2).reason(),
                        "push_token is missing (or a device_token with its device_token_kind, for an install reached only directly)",
                        "app_version 'v57' is not a version like 57.3.1",
                        "unknown field 'colour'",
                        "not a JSON object: null");
        assertThat(report.rejections().get(0).reason()).startsWith("not a JSON object");
        assertThat(report.rejections().get(2).reason()).startsWith("sports: unknown sport 'kiting'");

        List<User> users = store.find(List.of(1L, 7L));
        assertThat(users).hasSize(2);
        User first = users.get(0);
        assertThat(first.app()).isEqualTo("windy-android");
        assertThat(first.country()).isEqualTo("PT");
        assertThat(first.tokenValid()).isTrue();
        assertThat(first.subscribed()).isTrue();
        assertThat(first.isPro()).isFalse();
        assertThat(first.version()).isEqualTo(CLOCK.millis());
        assertThat(first.appVersionNum()).isEqualTo(57_003_000L);
    }

    @Test
    void csv_with_a_header_imports_the_same_users() {
        String body = """
                user_id,platform,push_token,country,locale,timezone,app_version,sports,is_pro,subscribed,last_active_at,installed_at,version,device_token_kind,device_token
                10,ios,tok-10,ES,es,Europe/Madrid,56.2.1,windsurfing|sailing,1,0,2026-11-20T08:00:00Z,2023-05-01T00:00:00Z,5,apns,%s
                11,ios,tok-11,ES,es,Europe/Madrid,56.2.1,,true,true,2026-11-20T08:00:00Z,2023-05-01T00:00:00Z,,,
                12,ios,tok-12,ES,es,Mars/Base,56.2.1,,0,1,2026-11-20T08:00:00Z,2023-05-01T00:00:00Z,,,
                13,ios,tok-13,ES,es,Europe/Madrid,56.2.1,,0,1,2026-11-20T08:00:00Z,2023-05-01T00:00:00Z,,fcm,
                """.formatted("AB".repeat(32));
        UserImport.Report report = new UserImport(store, CLOCK, 1000).run(stream(body), UserImport.Format.CSV);
        assertThat(report.accepted()).isEqualTo(2);
        assertThat(report.rejections())
                .containsExactly(
                        new UserImport.Rejection(
                                4, "timezone 'Mars/Base' is not an IANA time zone such as Europe/Lisbon"),
                        new UserImport.Rejection(5, "device_token_kind fcm needs a device_token beside it"));
        List<User> users = store.find(List.of(10L, 11L));
        assertThat(users.get(0).pushToken()).isEqualTo("tok-10");
        assertThat(users.get(0).deviceToken()).isEqualTo("ab".repeat(32));
        assertThat(users.get(0).deviceTokenKind()).isEqualTo(DeviceTokenKind.APNS);
        assertThat(users.get(1).deviceToken()).isEmpty();
        assertThat(users.get(1).deviceTokenKind()).isEqualTo(DeviceTokenKind.NONE);
        assertThat(store.count(
                        FilterChain.parse(Map.of(
                                "all", List.of(Map.of("field", "device_token_kind", "op", "eq", "value", "apns")))),
                        CLOCK.instant(),
                        true))
                .isEqualTo(1);
        assertThat(users.get(0).sports()).containsExactly("windsurfing", "sailing");
        assertThat(users.get(0).isPro()).isTrue();
        assertThat(users.get(0).subscribed()).isFalse();
        assertThat(users.get(0).version()).isEqualTo(5);
        assertThat(users.get(1).sports()).isEmpty();
        assertThat(store.count(FilterChain.EVERYONE, CLOCK.instant(), true)).isEqualTo(2);
    }

    @Test
    void malformed_csv_rows_at_the_start_middle_and_end_of_100k_are_each_reported_and_every_good_row_is_imported() {
        int rows = 100_000;
        UserGenerator generator = new UserGenerator(3, CLOCK.instant());
        // line 1 is the header, so user i is on line i + 1
        Map<Long, String> bad = Map.of(
                2L,
                        "\"1,windy-ios,ios,tok-1,1,1,0,PT,pt,Europe/Lisbon,57.1,,2026-11-20T08:00:00Z,2023-05-01T00:00:00Z,1",
                3L, "2,windy-ios,ios,tok-2,1,1,0,PT,pt,Europe/Lisbon,57.1,2026-11-20T08:00:00Z,2023-05-01T00:00:00Z,1",
                50_001L,
                        "50000,windy-ios,ios,tok,1,1,0,PT,pt,Europe/Lisbon,57.1,,2026-11-20T08:00:00Z,2023-05-01T00:00:00Z,1,extra",
                100_001L,
                        "100000,windy-ios,ios,tok,1,1,0,Portugal,pt,Europe/Lisbon,57.1,,2026-11-20T08:00:00Z,2023-05-01T00:00:00Z,1,,");
        StringBuilder csv = new StringBuilder(CSV_HEADER).append('\n');
        generator
                .users(1, rows)
                .forEach(u ->
                        csv.append(bad.getOrDefault(u.userId() + 1, csvRow(u))).append('\n'));

        UserImport.Report report =
                new UserImport(store, CLOCK, 10_000).run(stream(csv.toString()), UserImport.Format.CSV);

        assertThat(report.rejections())
                .extracting(UserImport.Rejection::line)
                .containsExactly(2L, 3L, 50_001L, 100_001L);
        assertThat(report.rejections().get(0).reason()).startsWith("not a CSV row: ");
        assertThat(report.rejections().get(1).reason()).isEqualTo("14 fields where the header has 17");
        assertThat(report.rejections().get(2).reason()).isEqualTo("16 fields where the header has 17");
        assertThat(report.rejections().get(3).reason())
                .isEqualTo("country 'Portugal' is not an ISO 3166-1 alpha-2 code such as PT");
        assertThat(report.rejected()).isEqualTo(4);
        assertThat(report.accepted()).isEqualTo(rows - 4);
        assertThat(store.count(FilterChain.EVERYONE, CLOCK.instant(), true)).isEqualTo(rows - 4);
        assertThat(store.find(List.of(1L, 2L, 3L, 49_999L, 50_000L, 50_001L, 99_999L, 100_000L)))
                .extracting(User::userId)
                .containsExactly(3L, 49_999L, 50_001L, 99_999L);
        assertThat(store.find(List.of(50_001L)).get(0))
                .isEqualTo(generator.user(50_001).withVersion(CLOCK.millis()));
        // every kind of device token makes the way through CSV and the users table unchanged
        List<User> sample = generator.users(60_000, 200).toList();
        assertThat(sample).extracting(User::deviceTokenKind).contains(DeviceTokenKind.values());
        assertThat(store.find(sample.stream().map(User::userId).toList()))
                .isEqualTo(
                        sample.stream().map(u -> u.withVersion(CLOCK.millis())).toList());
    }

    private static final String CSV_HEADER =
            "user_id,app,platform,push_token,token_valid,subscribed,is_pro,country,locale,timezone,"
                    + "app_version,sports,last_active_at,installed_at,version,device_token,device_token_kind";

    private static String csvRow(User u) {
        return String.join(
                ",",
                Long.toString(u.userId()),
                u.app(),
                u.platform(),
                u.pushToken(),
                bit(u.tokenValid()),
                bit(u.subscribed()),
                bit(u.isPro()),
                u.country(),
                u.locale(),
                u.timezone(),
                u.appVersion(),
                String.join("|", u.sports()),
                u.lastActiveAt().toString(),
                u.installedAt().toString(),
                Long.toString(u.version()),
                u.deviceToken(),
                u.deviceTokenKind() == DeviceTokenKind.NONE
                        ? ""
                        : u.deviceTokenKind().code());
    }

    private static String bit(boolean b) {
        return b ? "1" : "0";
    }

    private static ByteArrayInputStream stream(String body) {
        return new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8));
    }
}
