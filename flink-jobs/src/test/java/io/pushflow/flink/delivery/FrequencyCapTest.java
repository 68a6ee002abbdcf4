package io.pushflow.flink.delivery;

import static io.pushflow.flink.delivery.DeliveryGateTest.HOUR;
import static io.pushflow.flink.delivery.DeliveryGateTest.T0;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.roaringbitmap.RoaringBitmap;

class FrequencyCapTest {

    static CampaignRules capped(int count, long period) {
        CampaignRules r = DeliveryGateTest.rules(7, 1, CampaignRules.Status.RUNNING);
        r.capCount = count;
        r.capPeriodMillis = period;
        return r;
    }

    @Test
    void a_push_counts_while_it_is_inside_the_period_before_the_new_one() {
        SendHour hour = new SendHour();
        hour.add(T0, 1, RoaringBitmap.bitmapOf(1, 2));
        hour.add(T0 + HOUR / 2, 2, RoaringBitmap.bitmapOf(1));
        FrequencyCap cap = new FrequencyCap(capped(2, 3 * HOUR), List.of(hour));
        assertThat(cap.allows(1, T0 + HOUR)).isFalse(); // two in the 3 hours before
        assertThat(cap.allows(2, T0 + HOUR)).isTrue();
        assertThat(cap.allows(1, T0 + 3 * HOUR)).isTrue(); // the first has left the period
        assertThat(cap.allows(1 + (1L << 16), T0 + HOUR)).isFalse(); // the same low bits: the history is per chunk
    }

    @Test
    void without_a_cap_nothing_is_read_and_everyone_is_allowed() {
        CampaignRules none = capped(0, 0);
        assertThat(FrequencyCap.hoursToRead(none, T0)).isEmpty();
        SendHour hour = new SendHour();
        hour.add(T0, 1, RoaringBitmap.bitmapOf(1));
        assertThat(new FrequencyCap(none, List.of(hour)).allows(1, T0)).isTrue();
        // a cap reads its period back and a day ahead, where deferred pushes are recorded
        long now = SendHour.hourOf(T0);
        assertThat(FrequencyCap.hoursToRead(capped(1, 2 * HOUR), T0))
                .startsWith(now - 2, now - 1, now)
                .endsWith(now + 23, now + 24)
                .hasSize(27);
    }

    @Test
    void pushes_are_recorded_into_the_stored_hour_or_a_new_one() {
        SendHour stored = new SendHour();
        stored.add(T0, 8, RoaringBitmap.bitmapOf(5));
        Map<Long, RoaringBitmap> sentAt =
                new TreeMap<>(Map.of(T0, RoaringBitmap.bitmapOf(1), T0 + 2 * HOUR, RoaringBitmap.bitmapOf(2)));
        assertThat(FrequencyCap.hoursOf(sentAt)).containsExactly(SendHour.hourOf(T0), SendHour.hourOf(T0) + 2);
        Map<Long, SendHour> written = FrequencyCap.recorded(7, sentAt, Map.of(SendHour.hourOf(T0), stored));
        assertThat(written).containsOnlyKeys(SendHour.hourOf(T0), SendHour.hourOf(T0) + 2);
        assertThat(written.get(SendHour.hourOf(T0)).campaigns).containsExactly(8, 7);
        assertThat(written.get(SendHour.hourOf(T0) + 2).campaigns).containsExactly(7);
        FrequencyCap cap = new FrequencyCap(capped(2, HOUR), written.values());
        assertThat(cap.allows(1, T0 + 1)).isTrue();
        assertThat(new FrequencyCap(capped(1, HOUR), written.values()).allows(1, T0 + 1))
                .isFalse();
    }
}
