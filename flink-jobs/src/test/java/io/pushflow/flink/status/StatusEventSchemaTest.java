package io.pushflow.flink.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushflow.core.campaign.PushEvent;
import io.pushflow.core.campaign.PushEvents;
import io.pushflow.core.json.Json;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class StatusEventSchemaTest {

    private final StatusEventSchema events = new StatusEventSchema(StatusEventSchema.Kind.EVENTS, "push.events");
    private final StatusEventSchema notifications =
            new StatusEventSchema(StatusEventSchema.Kind.NOTIFICATIONS, "push.notifications");

    @Test
    void events_and_notifications_are_read_and_bad_ones_set_aside_with_the_reason() {
        StatusEvent click = events.parse(
                "e1",
                Json.write(new PushEvent(
                        1, "e1", 7, "A", "s1", PushEvent.Type.CLICKED, Instant.parse("2026-11-25T00:00:00Z"))));
        assertThat(click.readable()).isTrue();
        assertThat(click.engagements).hasSize(1);
        assertThat(click.engagements[0].clicked()).isTrue();
        assertThat(click.engagements[0].jsonEachRow())
                .contains("\"type\":\"clicked\"", "\"at\":\"2026-11-25 00:00:00\"");

        StatusEvent malformed = events.parse("e2", "{\"v\":1,");
        assertThat(malformed.error).isNotBlank();
        assertThat(malformed.deadLetter().queue).isEqualTo("push.events.dead");
        assertThat(events.parse("e3", "{\"v\":1,\"eventId\":\"e3\",\"campaignId\":7}").error)
                .startsWith("not a v1 push event");
        assertThat(events.parse(
                                "e4",
                                "{\"v\":1,\"eventId\":\"e4\",\"campaignId\":7,\"variant\":\"A\",\"subscriptionId\":\"s\",\"type\":\"LIKED\","
                                        + "\"at\":\"2026-11-25T00:00:00Z\"}")
                        .error)
                .isNotBlank();
        assertThat(events.parse("e5", "{\"v\":1,\"batchId\":\"b\",\"events\":[]}").error)
                .startsWith("not a v1 push event or a batch");
        assertThat(notifications.parse("n1", "{\"notificationId\":\"\",\"campaignId\":7}").error)
                .contains("needs its id");
    }

    @Test
    void a_batch_of_events_is_read_event_by_event_and_refused_whole_when_one_is_bad() {
        Instant at = Instant.parse("2026-11-25T00:00:00Z");
        PushEvents batch = new PushEvents(
                1,
                "b1",
                List.of(
                        new PushEvent(1, "e1", 7, "A", "s1", PushEvent.Type.OPENED, at),
                        new PushEvent(1, "e2", 7, "B", "s2", PushEvent.Type.CLICKED, at)));
        StatusEvent read = events.parse("b1", Json.write(batch));
        assertThat(read.readable()).isTrue();
        assertThat(read.engagements)
                .extracting(e -> e.eventId + ":" + e.variant + ":" + e.type)
                .containsExactly("e1:A:OPENED", "e2:B:CLICKED");

        String oneBad = Json.write(batch).replace("\"s2\"", "null");
        assertThat(events.parse("b2", oneBad).error).startsWith("not a v1 push event");
        assertThat(events.parse("b3", Json.write(batch).replace("\"v\":1,\"batchId\"", "\"v\":2,\"batchId\"")).error)
                .startsWith("not a v1 batch");
    }

    @Test
    void an_app_open_needs_no_campaign_and_goes_to_its_own_rows() {
        Instant at = Instant.parse("2026-11-25T00:00:00Z");
        StatusEvent read =
                events.parse("a1", Json.write(new PushEvent(1, "a1", 0, null, "s1", PushEvent.Type.APP_OPENED, at)));
        assertThat(read.readable()).isTrue();
        assertThat(read.engagements[0].appOpened()).isTrue();
        assertThat(read.engagements[0].clicked()).isFalse();
        assertThat(read.engagements[0].appOpenRow())
                .contains("\"event_id\":\"a1\"", "\"campaign_id\":0", "\"variant\":\"\"");
        assertThat(events.parse("a2", Json.write(new PushEvent(1, "a2", 0, "A", "s1", PushEvent.Type.CLICKED, at)))
                        .error)
                .startsWith("not a v1 push event");
        assertThat(events.parse("a3", Json.write(new PushEvent(1, "a3", 0, null, null, PushEvent.Type.APP_OPENED, at)))
                        .error)
                .startsWith("not a v1 push event");
    }
}
