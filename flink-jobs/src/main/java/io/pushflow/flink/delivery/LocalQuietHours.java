package io.pushflow.flink.delivery;

import io.pushflow.core.delivery.QuietHours;
import io.pushflow.flink.contracts.OutboxBatch;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Map;

/**
 * A campaign's quiet hours decided at one moment in each user's own time zone: send now, defer to their end inside the
 * window, or skip. A batch's zones are decided once each, a zone name is parsed once per gate ({@code zones}).
 */
final class LocalQuietHours {

    private final QuietHours quiet;
    private final Instant now;
    private final Instant windowEnd;
    private final Map<String, ZoneId> zones;
    private final QuietHours.Decision[] byZoneOfBatch;

    private LocalQuietHours(QuietHours quiet, long now, long windowEnd, OutboxBatch b, Map<String, ZoneId> zones) {
        this.quiet = quiet;
        this.now = Instant.ofEpochMilli(now);
        this.windowEnd = Instant.ofEpochMilli(windowEnd);
        this.zones = zones;
        this.byZoneOfBatch = new QuietHours.Decision[b.timezones.values.length];
    }

    /** For the users of {@code b} at {@code now}; null when the campaign has no quiet hours. */
    static LocalQuietHours of(CampaignRules rules, long now, OutboxBatch b, Map<String, ZoneId> zones) {
        QuietHours quiet = rules.quietHours();
        return quiet == null ? null : new LocalQuietHours(quiet, now, rules.windowEndMillis, b, zones);
    }

    /** For the user at {@code i} of the batch, in the zone the batch read. */
    QuietHours.Decision decide(OutboxBatch b, int i) {
        int z = b.timezones.codes[i];
        if (byZoneOfBatch[z] == null) {
            byZoneOfBatch[z] = decide(b.timezones.values[z]);
        }
        return byZoneOfBatch[z];
    }

    QuietHours.Decision decide(String timezone) {
        return quiet.decide(now, zone(timezone), windowEnd);
    }

    private ZoneId zone(String timezone) {
        return zones.computeIfAbsent(timezone == null ? "" : timezone, z -> {
            try {
                return ZoneId.of(z);
            } catch (RuntimeException e) {
                return ZoneOffset.UTC; // the store only accepts known zones; an old row without one is read as UTC
            }
        });
    }
}
