package io.pushflow.flink.delivery;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import org.roaringbitmap.RoaringBitmap;

/**
 * A campaign's frequency cap across campaigns over one chunk's send history (per hour, who got a push of which campaign
 * when): whether one more push keeps a user below the cap, and the history with a batch's pushes added.
 */
final class FrequencyCap {

    /** How far ahead a deferred push may be recorded: quiet hours are shorter than a day. */
    static final long LONGEST_DEFERRAL_MILLIS = Duration.ofDays(1).toMillis();

    private final int count;
    private final long period;
    private final List<Long> moments = new ArrayList<>();
    private final List<RoaringBitmap> users = new ArrayList<>();

    /** The campaign's cap over the history it reads ({@link #hoursToRead}); none when the campaign has no cap. */
    FrequencyCap(CampaignRules rules, Collection<SendHour> history) {
        count = rules.capCount;
        period = rules.capPeriodMillis;
        for (SendHour h : history) {
            for (int i = 0; i < h.at.length; i++) {
                moments.add(h.at[i]);
                users.add(ChunkBitmaps.read(h.users[i]));
            }
        }
    }

    /** The hours of history a cap decided at {@code now} counts: a period back, and forward as far as a push may be deferred. */
    static List<Long> hoursToRead(CampaignRules rules, long now) {
        List<Long> hours = new ArrayList<>();
        if (rules.capCount > 0) {
            for (long hour = SendHour.hourOf(now - rules.capPeriodMillis);
                    hour <= SendHour.hourOf(now + LONGEST_DEFERRAL_MILLIS);
                    hour++) {
                hours.add(hour);
            }
        }
        return hours;
    }

    /** Whether one more push at {@code at} keeps the user below the cap's count in the period before it. */
    boolean allows(long userId, long at) {
        if (count == 0) {
            return true;
        }
        int low = ChunkBitmaps.low(userId);
        long since = at - period;
        int recent = 0;
        for (int i = 0; i < moments.size(); i++) {
            if (moments.get(i) > since && users.get(i).contains(low)) {
                recent++;
            }
        }
        return recent < count;
    }

    /** The hours that pushes at these moments (moment to users) are recorded in. */
    static Set<Long> hoursOf(Map<Long, RoaringBitmap> sentAt) {
        Set<Long> hours = new TreeSet<>();
        sentAt.keySet().forEach(moment -> hours.add(SendHour.hourOf(moment)));
        return hours;
    }

    /** Those hours to store: each the stored one ({@code stored}, null or missing when none) with the campaign's pushes added. */
    static Map<Long, SendHour> recorded(long campaignId, Map<Long, RoaringBitmap> sentAt, Map<Long, SendHour> stored) {
        Map<Long, SendHour> hours = new HashMap<>();
        sentAt.forEach((moment, sent) -> hours.computeIfAbsent(
                        SendHour.hourOf(moment), hour -> Objects.requireNonNullElseGet(stored.get(hour), SendHour::new))
                .add(moment, campaignId, sent));
        return hours;
    }
}
