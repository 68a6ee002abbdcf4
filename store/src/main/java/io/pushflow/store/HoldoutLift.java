package io.pushflow.store;

import static io.pushflow.store.ClickHouse.longValue;

import io.pushflow.core.stats.ProportionDifference;
import jakarta.annotation.Nullable;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What a campaign's pushes changed: of the members given each variant and of the holdout, the share who opened the
 * app (ClickHouse {@code app_opens}, by their push token in {@code users}) within {@code window} after their wave
 * began (the wave's first outcome row in {@code push_sends}, the same moment for both groups), and the difference
 * with a 95% interval (Newcombe's hybrid score interval). The groups are compared as assigned (intent to treat):
 * a variant counts every member released to it, sent or skipped, because the holdout is set aside before the
 * delivery gate and comparing only the sent would drop the unsubscribed and dead tokens from one side only.
 * The window begins at each member's wave; opens later than {@code window} after it do not count.
 */
public final class HoldoutLift {

    public static final String HOLDOUT = "holdout";

    /** One group: members, how many opened the app within the window, that share. */
    public record Group(String group, long members, long opened, double rate) {}

    /** A group against the holdout: the difference of their shares with its interval. */
    public record Comparison(Group group, ProportionDifference lift) {}

    /** {@code pushed} is every variant together; {@code variants} each one. */
    /**
     * {@code windowClosesAt}: when the last wave's window ends (null before any wave); until then the shares can still
     * grow, and {@code complete} is false.
     */
    public record Lift(
            long campaignId,
            long windowSeconds,
            String interval,
            @Nullable Instant windowClosesAt,
            boolean complete,
            Group holdout,
            Comparison pushed,
            List<Comparison> variants) {}

    private final ClickHouse clickHouse;

    public HoldoutLift(ClickHouse clickHouse) {
        this.clickHouse = clickHouse;
    }

    public Lift of(long campaignId, List<String> variants, Duration window, Instant now) {
        String id = Long.toString(campaignId);
        long w = Math.max(1, window.toSeconds());
        String sends = clickHouse.table("push_sends");
        String members = "SELECT user_id, variant, wave FROM " + sends + " FINAL WHERE campaign_id = " + id
                + " AND reason != 'duplicate'";
        String waves =
                "SELECT wave, min(at) AS wave_at FROM " + sends + " WHERE campaign_id = " + id + " GROUP BY wave";
        String tokens = "SELECT user_id, argMax(push_token, version) AS push_token FROM " + clickHouse.table("users")
                + " WHERE user_id IN (SELECT user_id FROM " + sends + " WHERE campaign_id = " + id
                + ") GROUP BY user_id";
        String bounds = "(SELECT min(at) FROM " + sends + " WHERE campaign_id = " + id + ")";
        String opens =
                "SELECT subscription_id AS push_token, groupArray(at) AS opens FROM " + clickHouse.table("app_opens")
                        + " WHERE at >= " + bounds + " AND at < (SELECT max(at) FROM " + sends + " WHERE campaign_id = "
                        + id + ") + " + w
                        + " AND subscription_id IN (SELECT push_token FROM (" + tokens + ")) GROUP BY subscription_id";
        // 18.16 joins one table per SELECT, so each join nests the one before; and it drops a subquery's column that
        // only
        // a lambda reads, so the outer SELECT also reads wave_at itself (the last wave: when the window closes)
        String sql = "SELECT variant, count() AS members, sum(arrayExists(t -> t >= wave_at AND t < wave_at + " + w
                + ", opens)) AS opened, "
                + "toUnixTimestamp(max(wave_at)) AS last_wave FROM ("
                + "SELECT variant, wave_at, opens FROM ("
                + "SELECT variant, wave_at, push_token FROM ("
                + "SELECT user_id, variant, wave_at FROM (" + members + ") ANY LEFT JOIN (" + waves + ") USING wave"
                + ") ANY LEFT JOIN (" + tokens + ") USING user_id"
                + ") ANY LEFT JOIN (" + opens + ") USING push_token"
                + ") GROUP BY variant";
        long lastWave = 0;
        Map<String, long[]> counts = new HashMap<>();
        for (Map<String, Object> r : clickHouse.select(sql)) {
            counts.put((String) r.get("variant"), new long[] {longValue(r.get("members")), longValue(r.get("opened"))});
            lastWave = Math.max(lastWave, longValue(r.get("last_wave")));
        }
        Group holdout = group(HOLDOUT, counts.getOrDefault(HOLDOUT, new long[2]));
        long[] all = new long[2];
        List<Comparison> each = new ArrayList<>();
        for (String v : variants) {
            long[] c = counts.getOrDefault(v, new long[2]);
            all[0] += c[0];
            all[1] += c[1];
            each.add(compare(group(v, c), holdout));
        }
        Instant closes = lastWave == 0 ? null : Instant.ofEpochSecond(lastWave + w);
        return new Lift(
                campaignId,
                w,
                ProportionDifference.METHOD + ", " + Math.round(CampaignStats.LEVEL * 100) + "%",
                closes,
                closes != null && !now.isBefore(closes),
                holdout,
                compare(group("pushed", all), holdout),
                each);
    }

    private static Group group(String name, long[] c) {
        return new Group(name, c[0], c[1], c[0] == 0 ? 0 : (double) c[1] / c[0]);
    }

    private static Comparison compare(Group g, Group holdout) {
        return new Comparison(
                g,
                ProportionDifference.of(
                        g.opened(), g.members(), holdout.opened(), holdout.members(), CampaignStats.LEVEL));
    }
}
