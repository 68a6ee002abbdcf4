package io.pushflow.flink.contracts;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushflow.core.json.Json;
import io.pushflow.core.user.DeviceTokenKind;
import io.pushflow.core.user.User;
import io.pushflow.core.user.UserFields;
import io.pushflow.core.user.UserGenerator;
import io.pushflow.flink.delivery.DeliveryEvent;
import io.pushflow.flink.delivery.DeliveryEventSchema;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OutboxBatchTest {

    static final List<User> USERS = new UserGenerator(8, Instant.parse("2026-11-24T12:00:00Z"))
            .users(65_530, 12)
            .toList();
    private final DeliveryEventSchema schema = new DeliveryEventSchema(DeliveryEventSchema.Kind.OUTBOX, "push.outbox");

    /** The batch as version 1 wrote it: a list of user objects. */
    static String version1(List<User> users) {
        List<Map<String, Object>> list = new ArrayList<>();
        for (User u : users) {
            OutboxUser o = OutboxUser.of(u);
            list.add(Json.MAPPER.convertValue(o, LinkedHashMap.class));
        }
        return Json.write(Map.of(
                "v",
                1,
                "batchId",
                "7-1-A-0",
                "campaignId",
                7,
                "campaignVersion",
                1,
                "variant",
                "A",
                "wave",
                1,
                "users",
                list));
    }

    /** The users as a batch from before device tokens carries them: with none. */
    static List<User> withoutDeviceTokens(List<User> users) {
        return users.stream()
                .map(u -> UserFields.apply(u, Map.of("device_token_kind", "none")))
                .toList();
    }

    @Test
    void a_version_1_batch_is_read_into_columns_and_split_at_the_chunk_border() {
        DeliveryEvent read = schema.parse("7-1-A-0", version1(USERS));
        assertThat(read.readable()).isTrue();
        OutboxBatch batch = read.batch;
        assertThat(batch.v).isEqualTo(OutboxBatch.VERSION);
        assertThat(batch.users()).isEqualTo(withoutDeviceTokens(USERS));

        List<OutboxBatch> parts = batch.byChunk();
        assertThat(parts).extracting(b -> b.batchId).containsExactly("7-1-A-0/c0", "7-1-A-0/c1");
        assertThat(parts.get(0).userIds).containsExactly(65_530, 65_531, 65_532, 65_533, 65_534, 65_535);
        assertThat(parts.get(1).chunk()).isEqualTo(1);
        assertThat(parts.stream().flatMap(b -> b.users().stream()).toList()).isEqualTo(withoutDeviceTokens(USERS));
        assertThat(batch.byChunk())
                .extracting(b -> b.batchId)
                .as("a replay splits the same way")
                .containsExactly("7-1-A-0/c0", "7-1-A-0/c1");
        assertThat(parts.get(1).byChunk()).containsExactly(parts.get(1));
    }

    @Test
    void a_batch_carries_each_users_device_token_and_one_queued_before_device_tokens_reads_as_none() {
        assertThat(USERS).extracting(User::deviceTokenKind).contains(DeviceTokenKind.APNS, DeviceTokenKind.FCM);
        OutboxBatch batch = OutboxBatch.of("7-1-A-0", 7, 1, "A", 1, USERS);
        DeliveryEvent read = schema.parse("7-1-A-0", Json.write(batch));
        assertThat(read.readable()).isTrue();
        assertThat(read.batch.users()).isEqualTo(USERS);
        assertThat(read.batch.byChunk().stream()
                        .flatMap(b -> b.users().stream())
                        .toList())
                .isEqualTo(USERS);

        @SuppressWarnings("unchecked")
        Map<String, Object> before = Json.MAPPER.convertValue(batch, LinkedHashMap.class);
        before.remove("deviceTokens");
        before.remove("deviceTokenKinds");
        DeliveryEvent old = schema.parse("7-1-A-0", Json.write(before));
        assertThat(old.readable()).isTrue();
        assertThat(old.batch.users()).isEqualTo(withoutDeviceTokens(USERS));
        assertThat(old.batch.byChunk().stream().flatMap(b -> b.users().stream()).toList())
                .isEqualTo(withoutDeviceTokens(USERS));
    }

    @Test
    void a_batch_whose_columns_disagree_goes_to_the_dead_letters_with_the_reason() {
        OutboxBatch batch = OutboxBatch.of("7-1-A-0", 7, 1, "A", 1, USERS);
        assertThat(schema.parse("ok", Json.write(batch)).readable()).isTrue();

        batch.pushTokens = Arrays.copyOf(batch.pushTokens, 3);
        assertThat(schema.parse("short", Json.write(batch)).error).contains("one value per user");
        OutboxBatch codes = OutboxBatch.of("7-1-A-0", 7, 1, "A", 1, USERS);
        codes.timezones.codes[0] = 99;
        assertThat(schema.parse("codes", Json.write(codes)).error).contains("does not hold");
        OutboxBatch tokens = OutboxBatch.of("7-1-A-0", 7, 1, "A", 1, USERS);
        tokens.deviceTokens = Arrays.copyOf(tokens.deviceTokens, 3);
        assertThat(schema.parse("device tokens", Json.write(tokens)).error).contains("one value per user");
        OutboxBatch kinds = OutboxBatch.of("7-1-A-0", 7, 1, "A", 1, USERS);
        kinds.deviceTokenKinds.codes[0] = 99;
        assertThat(schema.parse("kinds", Json.write(kinds)).error).contains("does not hold");
        assertThat(schema.parse("v3", Json.write(batch).replace("\"v\":2", "\"v\":3")).error)
                .contains("not a v1 or v2");
        assertThat(schema.parse("nulls", version1(USERS).replace("[{", "[null,{")).error)
                .contains("positive user id");
        assertThat(schema.parse("empty", "{\"v\":2,\"batchId\":\"x\",\"variant\":\"A\"}").error)
                .contains("an id, a variant and users");
    }
}
