package io.pushflow.flink.rabbit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pushflow.core.json.Json;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PendingSerializerTest {

    private final ConfirmingRabbitSink.PendingSerializer serializer = new ConfirmingRabbitSink.PendingSerializer();

    private static List<AmqpMessage> messages() {
        AmqpMessage outbox = AmqpMessage.of(
                "p.push.outbox",
                "7-1-A-0",
                "OUTBOX",
                "{\"users\":[{\"locale\":\"pt\",\"text\":\"Há vento \\\"forte\\\" 🌬\"}]}");
        AmqpMessage command = AmqpMessage.toExchange("p.campaign.commands", "c-1", "LAUNCH", "{}");
        AmqpMessage dead = AmqpMessage.of("p.push.events.dead", "e-1", "DEAD", "not json at all");
        dead.error = "Unexpected character ('n')";
        return List.of(outbox, command, dead);
    }

    @Test
    void messages_come_back_field_for_field_with_nulls_and_any_text() throws IOException {
        byte[] bytes = serializer.serialize(new ConfirmingRabbitSink.Pending(messages()));
        List<AmqpMessage> back =
                serializer.deserialize(serializer.getVersion(), bytes).messages();
        assertThat(back).usingRecursiveFieldByFieldElementComparator().containsExactlyElementsOf(messages());
        assertThat(back.get(0).exchange).isNull();
        assertThat(back.get(1).queue).isNull();
    }

    @Test
    void committables_of_the_json_version_in_older_checkpoints_are_still_read() throws IOException {
        List<Map<String, String>> json = new ArrayList<>();
        for (AmqpMessage m : messages()) {
            Map<String, String> v1Message = new HashMap<>();
            v1Message.put("exchange", m.exchange);
            v1Message.put("queue", m.queue);
            v1Message.put("correlationId", m.correlationId);
            v1Message.put("type", m.type);
            v1Message.put("body", m.text());
            v1Message.put("error", m.error);
            json.add(v1Message);
        }
        byte[] v1 = Json.MAPPER.writeValueAsBytes(json);
        assertThat(serializer.deserialize(1, v1).messages())
                .usingRecursiveFieldByFieldElementComparator()
                .containsExactlyElementsOf(messages());
    }

    @Test
    void a_cut_short_or_unknown_committable_is_refused() throws IOException {
        byte[] bytes = serializer.serialize(new ConfirmingRabbitSink.Pending(messages()));
        assertThatThrownBy(() -> serializer.deserialize(2, Arrays.copyOf(bytes, bytes.length - 3)))
                .isInstanceOf(IOException.class);
        assertThatThrownBy(() -> serializer.deserialize(9, bytes))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("version 9");
    }
}
