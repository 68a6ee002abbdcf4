package io.pushflow.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.pushflow.admin.messaging.BatchConsumer;
import io.pushflow.admin.support.ApiTestBase;
import io.pushflow.admin.support.TestEnvironment;
import io.pushflow.admin.users.UserTables;
import io.pushflow.core.json.Json;
import io.pushflow.core.messaging.Queues;
import io.pushflow.core.user.DeviceTokenKind;
import io.pushflow.core.user.User;
import io.pushflow.core.user.UserChange;
import io.pushflow.store.UserStore;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Token refreshes, unsubscribes and attribute changes on user.changes reach ClickHouse users within seconds. */
@MicronautTest
class UserChangesTest extends ApiTestBase {

    private static final Instant T = Instant.parse("2026-11-20T10:00:00Z");

    @Inject
    UserStore users;

    @Inject
    UserTables tables;

    private Connection connection;
    private Channel channel;

    @BeforeAll
    void connect() throws Exception {
        tables.ensure();
        users.insert(List.of(
                user(1, "tok-1", 10),
                user(2, "tok-2", 10),
                user(3, "tok-3", 10),
                user(4, "tok-4", 10),
                user(5, "tok-5", 10),
                user(6, "tok-6", 10)));
        connection = TestEnvironment.rabbit().newConnection();
        channel = connection.createChannel();
    }

    @AfterAll
    void disconnect() throws Exception {
        connection.close();
    }

    static User user(long id, String token, long version) {
        return new User(
                id,
                "windy-ios",
                "ios",
                token,
                "",
                DeviceTokenKind.NONE,
                true,
                true,
                false,
                "PT",
                "pt",
                "Europe/Lisbon",
                "57.1.0",
                List.of("surfing"),
                T,
                T.minusSeconds(86_400 * 100),
                version);
    }

    private void publish(String body) throws Exception {
        channel.basicPublish(
                env.queues().name(Queues.USER_CHANGES_EXCHANGE),
                "",
                new AMQP.BasicProperties.Builder()
                        .contentType("application/json")
                        .deliveryMode(2)
                        .build(),
                body.getBytes(StandardCharsets.UTF_8));
    }

    private void change(long userId, long version, Map<String, Object> set) throws Exception {
        publish(Json.write(new UserChange(1, userId, version, set)));
    }

    private User await(long id, Predicate<User> condition) {
        AtomicReference<User> last = new AtomicReference<>();
        Awaitility.await()
                .atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(50))
                .untilAsserted(() -> {
                    List<User> found = users.find(List.of(id));
                    last.set(found.isEmpty() ? null : found.get(0));
                    assertThat(last.get()).as("user %d", id).isNotNull().matches(condition);
                });
        return last.get();
    }

    @Test
    void changes_are_merged_onto_the_newest_row() throws Exception {
        change(1, 20, Map.of("push_token", "tok-1-refreshed"));
        change(2, 20, Map.of("subscribed", false));
        change(3, 20, Map.of("country", "es", "sports", List.of("kitesurfing", "sailing"), "app_version", "57.2"));
        change(6, 20, Map.of("device_token", "AB".repeat(32), "device_token_kind", "apns"));

        User refreshed = await(1, u -> u.version() == 20);
        assertThat(refreshed)
                .isEqualTo(new User(
                        1,
                        "windy-ios",
                        "ios",
                        "tok-1-refreshed",
                        "",
                        DeviceTokenKind.NONE,
                        true,
                        true,
                        false,
                        "PT",
                        "pt",
                        "Europe/Lisbon",
                        "57.1.0",
                        List.of("surfing"),
                        T,
                        T.minusSeconds(86_400 * 100),
                        20));
        assertThat(await(2, u -> u.version() == 20).subscribed()).isFalse();
        User moved = await(3, u -> u.version() == 20);
        assertThat(moved.country()).isEqualTo("ES");
        assertThat(moved.sports()).containsExactly("kitesurfing", "sailing");
        assertThat(moved.appVersion()).isEqualTo("57.2");
        assertThat(moved.pushToken()).isEqualTo("tok-3");
        User direct = await(6, u -> u.version() == 20);
        assertThat(direct.deviceToken()).isEqualTo("ab".repeat(32));
        assertThat(direct.deviceTokenKind()).isEqualTo(DeviceTokenKind.APNS);
        assertThat(direct.pushToken())
                .as("the OneSignal subscription id stays beside it")
                .isEqualTo("tok-6");
    }

    @Test
    void an_older_change_never_overwrites_a_newer_one_and_a_new_user_needs_every_field() throws Exception {
        change(4, 30, Map.of("is_pro", true));
        change(4, 25, Map.of("is_pro", false, "push_token", "stale"));
        change(4, 35, Map.of("push_token", "tok-4-refreshed"));
        User latest = await(4, u -> u.version() == 35);
        assertThat(latest.isPro()).isTrue();
        assertThat(latest.pushToken()).isEqualTo("tok-4-refreshed");

        change(
                77,
                5,
                Map.of(
                        "platform",
                        "android",
                        "push_token",
                        "t77",
                        "country",
                        "BR",
                        "locale",
                        "pt",
                        "timezone",
                        "America/Sao_Paulo",
                        "app_version",
                        "56.0",
                        "last_active_at",
                        "2026-11-01T00:00:00Z",
                        "installed_at",
                        "2025-01-01T00:00:00Z"));
        User created = await(77, u -> true);
        assertThat(created.app()).isEqualTo("windy-android");
        assertThat(created.version()).isEqualTo(5);
    }

    @Test
    void malformed_changes_go_to_the_dead_letter_queue_with_the_reason() throws Exception {
        publish("{not json");
        publish("null");
        change(5, 40, Map.of("favourite_colour", "red"));
        change(88, 40, Map.of("push_token", "t88"));
        change(5, 41, Map.of("country", "Portugal"));
        publish(Json.write(new UserChange(9, 5, 42, Map.of("subscribed", true))));
        change(5, 43, Map.of("device_token", "ab".repeat(32)));

        List<String> reasons = new ArrayList<>();
        Awaitility.await()
                .atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(50))
                .untilAsserted(() -> {
                    for (GetResponse r;
                            reasons.size() < 7
                                    && (r = channel.basicGet(env.queues().dead(Queues.USER_CHANGES), true)) != null; ) {
                        reasons.add(String.valueOf(r.getProps().getHeaders().get(BatchConsumer.REASON_HEADER)));
                    }
                    assertThat(reasons).hasSize(7);
                });
        assertThat(reasons).contains("the message is JSON null, not a user change");
        assertThat(reasons).anyMatch(r -> r.startsWith("malformed JSON"));
        assertThat(reasons).anyMatch(r -> r.startsWith("set.favourite_colour is not a field a change may set"));
        assertThat(reasons)
                .anyMatch(r -> r.startsWith(
                        "user 88 is not in the store and the change cannot create it: platform is missing"));
        assertThat(reasons).anyMatch(r -> r.equals("country 'Portugal' is not an ISO 3166-1 alpha-2 code such as PT"));
        assertThat(reasons).anyMatch(r -> r.startsWith("unsupported contract version v=9"));
        assertThat(reasons).anyMatch(r -> r.equals("device_token needs device_token_kind (fcm or apns) beside it"));
        assertThat(users.find(List.of(5L)).get(0)).isEqualTo(user(5, "tok-5", 10));
    }
}
