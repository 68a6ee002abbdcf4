package io.pushflow.flink.status;

import io.pushflow.core.campaign.PushEvent;
import io.pushflow.core.json.Json;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class StatusEventSchemaTest {

    private final StatusEventSchema events = new StatusEventSchema(StatusEventSchema.Kind.EVENTS, "push.events");
    private final StatusEventSchema notifications = new StatusEventSchema(StatusEventSchema.Kind.NOTIFICATIONS, "push.notifications");

    @Test
    void events_and_notifications_are_read_and_bad_ones_set_aside_with_the_reason() {
        StatusEvent click = events.parse("e1", Json.write(new PushEvent(1, "e1", 7, "A", "s1", PushEvent.Type.CLICKED, Instant.parse("2026-11-25T00:00:00Z"))));
        assertThat(click.readable()).isTrue();
        assertThat(click.engagement.clicked()).isTrue();
        assertThat(click.engagement.jsonEachRow()).contains("\"type\":\"clicked\"", "\"at\":\"2026-11-25 00:00:00\"");

        StatusEvent malformed = events.parse("e2", "{\"v\":1,");
        assertThat(malformed.error).isNotBlank();
        assertThat(malformed.deadLetter().queue).isEqualTo("push.events.dead");
        assertThat(events.parse("e3", "{\"v\":1,\"eventId\":\"e3\",\"campaignId\":7}").error).startsWith("not a v1 push event");
        assertThat(events.parse("e4", "{\"v\":1,\"eventId\":\"e4\",\"campaignId\":7,\"variant\":\"A\",\"subscriptionId\":\"s\",\"type\":\"LIKED\","
                + "\"at\":\"2026-11-25T00:00:00Z\"}").error).isNotBlank();
        assertThat(notifications.parse("n1", "{\"notificationId\":\"\",\"campaignId\":7}").error).contains("needs its id");
    }
}
