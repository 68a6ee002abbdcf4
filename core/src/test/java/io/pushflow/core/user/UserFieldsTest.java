package io.pushflow.core.user;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pushflow.core.user.UserFields.InvalidUserException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class UserFieldsTest {

    static final String APNS = "a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90";
    static final String FCM = "dQw4w9WgXcQ-_abcdefghi:APA91bHun4MxP5egoKMwt2KZFBaFUH-1RYqx";

    static Map<String, Object> record(Map<String, Object> extra) {
        Map<String, Object> r = new HashMap<>(Map.of(
                "user_id",
                7,
                "platform",
                "ios",
                "push_token",
                "5f1c0a1e-0000-4000-8000-000000000007",
                "country",
                "PT",
                "locale",
                "pt",
                "timezone",
                "Europe/Lisbon",
                "app_version",
                "57.3.1",
                "last_active_at",
                "2026-11-23T18:02:11Z",
                "installed_at",
                "2024-04-02T09:00:00Z"));
        r.putAll(extra);
        return r;
    }

    @Test
    void a_user_without_a_device_token_has_none_beside_the_subscription_id() {
        User u = UserFields.user(record(Map.of()), 1);
        assertThat(u.pushToken()).isEqualTo("5f1c0a1e-0000-4000-8000-000000000007");
        assertThat(u.deviceToken()).isEmpty();
        assertThat(u.deviceTokenKind()).isEqualTo(DeviceTokenKind.NONE);
    }

    @Test
    void a_device_token_is_read_with_its_kind_and_apns_hex_in_lower_case() {
        User apns = UserFields.user(record(Map.of("device_token", APNS.toUpperCase(), "device_token_kind", "apns")), 1);
        assertThat(apns.deviceToken()).isEqualTo(APNS);
        assertThat(apns.deviceTokenKind()).isEqualTo(DeviceTokenKind.APNS);
        assertThat(apns.pushToken()).isEqualTo("5f1c0a1e-0000-4000-8000-000000000007");

        User fcm = UserFields.user(
                record(Map.of("platform", "android", "device_token", FCM, "device_token_kind", "fcm")), 1);
        assertThat(fcm.deviceToken()).isEqualTo(FCM);
        assertThat(fcm.deviceTokenKind()).isEqualTo(DeviceTokenKind.FCM);
    }

    @Test
    void bad_device_tokens_and_kinds_are_named() {
        assertThatThrownBy(() -> UserFields.user(record(Map.of("device_token", APNS)), 1))
                .isInstanceOf(InvalidUserException.class)
                .hasMessage("device_token needs device_token_kind (fcm or apns) beside it");
        assertThatThrownBy(() -> UserFields.user(record(Map.of("device_token_kind", "apns")), 1))
                .isInstanceOf(InvalidUserException.class)
                .hasMessage("device_token_kind apns needs a device_token beside it");
        assertThatThrownBy(() -> UserFields.user(record(Map.of("device_token", FCM, "device_token_kind", "apns")), 1))
                .isInstanceOf(InvalidUserException.class)
                .hasMessage("device_token is not an APNs device token (64 to 200 hex digits) (device_token_kind apns)");
        assertThatThrownBy(
                        () -> UserFields.user(record(Map.of("device_token", "short", "device_token_kind", "fcm")), 1))
                .isInstanceOf(InvalidUserException.class)
                .hasMessageStartingWith("device_token is not an FCM registration token");
        assertThatThrownBy(() ->
                        UserFields.user(record(Map.of("device_token", APNS, "device_token_kind", "onesignal")), 1))
                .isInstanceOf(InvalidUserException.class)
                .hasMessage("device_token_kind 'onesignal' is not one of [none, fcm, apns]");
        assertThatThrownBy(() -> UserFields.user(
                        record(Map.of("device_token", "x".repeat(4097), "device_token_kind", "fcm")), 1))
                .isInstanceOf(InvalidUserException.class)
                .hasMessage("device_token must be a text of 1 to 4096 characters");
    }

    @Test
    void a_change_sets_the_token_with_its_kind_or_forgets_it_whatever_the_stored_row_holds() {
        User apns = UserFields.user(record(Map.of("device_token", APNS, "device_token_kind", "apns")), 1);
        User none = UserFields.user(record(Map.of()), 1);
        String refreshed = "ff".repeat(32);

        assertThat(UserFields.apply(apns, Map.of("device_token", refreshed, "device_token_kind", "apns"))
                        .deviceToken())
                .isEqualTo(refreshed);
        assertThat(UserFields.apply(none, Map.of("device_token", refreshed, "device_token_kind", "apns"))
                        .deviceToken())
                .isEqualTo(refreshed);
        User forgotten = UserFields.apply(apns, Map.of("device_token_kind", "none"));
        assertThat(forgotten.deviceToken()).isEmpty();
        assertThat(forgotten.deviceTokenKind()).isEqualTo(DeviceTokenKind.NONE);
        User moved = UserFields.apply(apns, Map.of("device_token", FCM, "device_token_kind", "fcm"));
        assertThat(moved.deviceTokenKind()).isEqualTo(DeviceTokenKind.FCM);
        assertThat(moved.deviceToken()).isEqualTo(FCM);
        // the same verdict on any stored row: the delivery job checks changes without one
        for (User stored : List.of(apns, none)) {
            assertThatThrownBy(() -> UserFields.apply(stored, Map.of("device_token", refreshed)))
                    .isInstanceOf(InvalidUserException.class)
                    .hasMessage("device_token needs device_token_kind (fcm or apns) beside it");
            assertThatThrownBy(() -> UserFields.apply(stored, Map.of("device_token_kind", "fcm")))
                    .isInstanceOf(InvalidUserException.class)
                    .hasMessage("device_token_kind fcm needs a device_token beside it");
        }
        assertThat(UserFields.apply(apns, Map.of("subscribed", false)).deviceToken())
                .isEqualTo(APNS);
        assertThat(UserFields.CHANGEABLE).contains("device_token", "device_token_kind");
    }

    @Test
    void columns_carry_the_device_token_and_columns_from_before_read_as_none() {
        User apns = UserFields.user(record(Map.of("device_token", APNS, "device_token_kind", "apns")), 1);
        User none = UserFields.user(record(Map.of("user_id", 8)), 1);
        UserColumns columns = UserColumns.of(List.of(apns, none));
        assertThat(columns.users()).containsExactly(apns, none);
        assertThat(columns.selectInto(new UserColumns(), new int[] {1, 0}).users())
                .containsExactly(none, apns);

        columns.deviceTokens = new String[0];
        columns.deviceTokenKinds = new TextColumn();
        assertThat(columns.columnProblem()).isNull();
        assertThat(columns.user(0).deviceTokenKind()).isEqualTo(DeviceTokenKind.NONE);
        assertThat(columns.user(0).deviceToken()).isEmpty();
        UserColumns selected = columns.selectInto(new UserColumns(), new int[] {0});
        assertThat(selected.columnProblem()).isNull();
        assertThat(selected.deviceTokenKind(0)).isEqualTo(DeviceTokenKind.NONE);

        columns.deviceTokens = new String[] {APNS};
        columns.deviceTokenKinds = UserColumns.of(List.of(apns)).deviceTokenKinds;
        assertThat(columns.columnProblem()).isEqualTo("every column needs one value per user");
    }
}
