package io.pushflow.admin.events;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushflow.core.campaign.PushEvent;
import io.pushflow.core.campaign.PushEvents;
import io.pushflow.core.json.Json;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The publisher's fast instants write what java.time writes, and the contract reads them back. */
class RfcInstantTest {

    @Test
    void instants_are_written_as_iso_instant_writes_them() throws Exception {
        Random random = new Random(7);
        for (int i = 0; i < 2_000; i++) {
            long second = Instant.parse("1990-01-01T00:00:00Z").getEpochSecond() + (long) (random.nextDouble() * 3e9);
            int nano = switch (i % 4) {
                case 0 -> 0;
                case 1 -> random.nextInt(1000) * 1_000_000;
                case 2 -> random.nextInt(1_000_000) * 1_000;
                default -> random.nextInt(1_000_000_000);
            };
            Instant at = Instant.ofEpochSecond(second, nano);
            PushEvent event = new PushEvent(1, "e" + i, 1, "A", "s", PushEvent.Type.CLICKED, at);
            PushEvents batch = new PushEvents(1, "b", List.of(event));
            byte[] fast = EventPublisher.body(batch);
            assertThat(new String(fast)).isEqualTo(new String(Json.bytes(batch)));
            assertThat(Json.read(fast, PushEvents.class)).isEqualTo(batch);
        }
    }
}
