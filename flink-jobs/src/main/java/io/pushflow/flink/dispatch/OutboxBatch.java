package io.pushflow.flink.dispatch;

import com.fasterxml.jackson.annotation.JsonSetter;
import io.pushflow.core.user.Sport;
import io.pushflow.core.user.User;

import java.time.Instant;
import java.util.List;

/**
 * A message for {@code push.outbox}: users of one campaign, variant and wave, and (from version 2) of one chunk of
 * user ids, with what sending and the cohort re-check need, as columns: one array per attribute, text attributes
 * dictionary-coded. {@code batchId} is deterministic (campaign, wave, variant, chunk), so a replayed wave produces
 * the same ids and the consumer drops repeats. The holdout group travels as variant {@value #HOLDOUT}, so its
 * members also get their outcome.
 *
 * <p>Version 1 carried a list of user objects ({@code users}); it is still read and turned into columns.
 */
public class OutboxBatch {

    public static final int VERSION = 2;
    public static final String HOLDOUT = "holdout";
    /** Users whose ids agree above these low bits share a chunk: the delivery gate keeps its state per chunk. */
    public static final int CHUNK_BITS = 16;

    public static final int SUBSCRIBED = 1;
    public static final int TOKEN_VALID = 2;
    public static final int PRO = 4;

    public int v = VERSION;
    public String batchId;
    public long campaignId;
    public long campaignVersion;
    public String variant;
    public long wave;
    public long[] userIds;
    public String[] pushTokens;
    /** {@link #SUBSCRIBED}, {@link #TOKEN_VALID}, {@link #PRO} per user. */
    public int[] flags;
    /** The user's row version when the audience page read it; a newer {@code user.changes} message wins over it. */
    public long[] versions;
    public TextColumn platforms;
    public TextColumn apps;
    public TextColumn countries;
    public TextColumn locales;
    public TextColumn timezones;
    public TextColumn appVersions;
    public long[] sportsMasks;
    /** Epoch seconds, as the users table keeps them. */
    public long[] lastActiveAt;
    public long[] installedAt;

    public OutboxBatch() {
    }

    public static String batchId(long campaignId, long wave, String variant, int chunk) {
        return campaignId + "-" + wave + "-" + variant + "-" + chunk;
    }

    public static long chunkOf(long userId) {
        return userId >>> CHUNK_BITS;
    }

    public int size() {
        return userIds == null ? 0 : userIds.length;
    }

    /** The chunk of the first user; a batch from this project's planner holds one chunk only. */
    public long chunk() {
        return chunkOf(userIds[0]);
    }

    public boolean flag(int user, int flag) {
        return (flags[user] & flag) != 0;
    }

    /** The user at {@code i} as the audience page read them. */
    public User user(int i) {
        return new User(userIds[i], apps.get(i), platforms.get(i), pushTokens[i], flag(i, TOKEN_VALID), flag(i, SUBSCRIBED), flag(i, PRO),
                countries.get(i), locales.get(i), timezones.get(i), appVersions.get(i), Sport.codes(sportsMasks[i]),
                Instant.ofEpochSecond(lastActiveAt[i]), Instant.ofEpochSecond(installedAt[i]), versions[i]);
    }

    /** What is wrong with a batch read from the queue, or null when it can be delivered. */
    public String problem() {
        if (batchId == null || batchId.isBlank() || variant == null || variant.isBlank() || size() == 0) {
            return "not an outbox batch with an id, a variant and users";
        }
        int n = userIds.length;
        if (pushTokens == null || pushTokens.length != n || flags == null || flags.length != n || versions == null || versions.length != n
                || sportsMasks == null || sportsMasks.length != n || lastActiveAt == null || lastActiveAt.length != n
                || installedAt == null || installedAt.length != n) {
            return "every column of an outbox batch needs one value per user";
        }
        for (TextColumn c : new TextColumn[]{platforms, apps, countries, locales, timezones, appVersions}) {
            if (c == null || c.codes == null || c.values == null || c.codes.length != n) {
                return "every column of an outbox batch needs one value per user";
            }
            for (int code : c.codes) {
                if (code < 0 || code >= c.values.length) {
                    return "a text column codes a value it does not hold";
                }
            }
        }
        for (long id : userIds) {
            if (id <= 0) {
                return "every user of a batch needs a positive user id";
            }
        }
        return null;
    }

    /** The users at {@code rows}, as a batch of its own with the same campaign, variant and wave. */
    public OutboxBatch select(String id, int[] rows) {
        OutboxBatch b = header(id);
        b.userIds = new long[rows.length];
        b.pushTokens = new String[rows.length];
        b.flags = new int[rows.length];
        b.versions = new long[rows.length];
        b.sportsMasks = new long[rows.length];
        b.lastActiveAt = new long[rows.length];
        b.installedAt = new long[rows.length];
        for (int i = 0; i < rows.length; i++) {
            int r = rows[i];
            b.userIds[i] = userIds[r];
            b.pushTokens[i] = pushTokens[r];
            b.flags[i] = flags[r];
            b.versions[i] = versions[r];
            b.sportsMasks[i] = sportsMasks[r];
            b.lastActiveAt[i] = lastActiveAt[r];
            b.installedAt[i] = installedAt[r];
        }
        b.platforms = platforms.select(rows);
        b.apps = apps.select(rows);
        b.countries = countries.select(rows);
        b.locales = locales.select(rows);
        b.timezones = timezones.select(rows);
        b.appVersions = appVersions.select(rows);
        return b;
    }

    private OutboxBatch header(String id) {
        OutboxBatch b = new OutboxBatch();
        b.v = v;
        b.batchId = id;
        b.campaignId = campaignId;
        b.campaignVersion = campaignVersion;
        b.variant = variant;
        b.wave = wave;
        return b;
    }

    /** A batch of these users, in this order. */
    public static OutboxBatch of(String batchId, long campaignId, long campaignVersion, String variant, long wave, List<User> users) {
        OutboxBatch b = new OutboxBatch();
        b.batchId = batchId;
        b.campaignId = campaignId;
        b.campaignVersion = campaignVersion;
        b.variant = variant;
        b.wave = wave;
        b.fill(users);
        return b;
    }

    private void fill(List<User> users) {
        int n = users.size();
        userIds = new long[n];
        pushTokens = new String[n];
        flags = new int[n];
        versions = new long[n];
        sportsMasks = new long[n];
        lastActiveAt = new long[n];
        installedAt = new long[n];
        TextColumn.Builder platform = new TextColumn.Builder(n);
        TextColumn.Builder app = new TextColumn.Builder(n);
        TextColumn.Builder country = new TextColumn.Builder(n);
        TextColumn.Builder locale = new TextColumn.Builder(n);
        TextColumn.Builder timezone = new TextColumn.Builder(n);
        TextColumn.Builder appVersion = new TextColumn.Builder(n);
        for (int i = 0; i < n; i++) {
            User u = users.get(i);
            userIds[i] = u.userId();
            pushTokens[i] = u.pushToken();
            flags[i] = (u.subscribed() ? SUBSCRIBED : 0) | (u.tokenValid() ? TOKEN_VALID : 0) | (u.isPro() ? PRO : 0);
            versions[i] = u.version();
            sportsMasks[i] = u.sportsMask();
            lastActiveAt[i] = u.lastActiveAt().getEpochSecond();
            installedAt[i] = u.installedAt().getEpochSecond();
            platform.add(u.platform());
            app.add(u.app());
            country.add(u.country());
            locale.add(u.locale());
            timezone.add(u.timezone());
            appVersion.add(u.appVersion());
        }
        platforms = platform.build();
        apps = app.build();
        countries = country.build();
        locales = locale.build();
        timezones = timezone.build();
        appVersions = appVersion.build();
    }

    /** Version 1's users, read from an older message: turned into this version's columns. */
    @JsonSetter("users")
    public void usersOfVersion1(OutboxUser[] users) {
        if (users != null && java.util.Arrays.stream(users).anyMatch(u -> u == null)) {
            throw new IllegalArgumentException("every user of a batch needs a positive user id");
        }
        fill(users == null ? List.of() : java.util.Arrays.stream(users).map(OutboxUser::toUser).toList());
    }

    /**
     * This batch as batches of one chunk each (itself when it holds one): the planner cuts at chunk borders, an
     * older or foreign producer may not. A part's id names its chunk, so a replay splits the same way.
     */
    public List<OutboxBatch> byChunk() {
        long first = chunk();
        boolean one = true;
        for (long id : userIds) {
            one &= chunkOf(id) == first;
        }
        if (one) {
            return List.of(this);
        }
        java.util.Map<Long, List<Integer>> rows = new java.util.TreeMap<>();
        for (int i = 0; i < userIds.length; i++) {
            rows.computeIfAbsent(chunkOf(userIds[i]), c -> new java.util.ArrayList<>()).add(i);
        }
        List<OutboxBatch> parts = new java.util.ArrayList<>();
        rows.forEach((chunk, at) -> parts.add(select(batchId + "/c" + chunk, at.stream().mapToInt(Integer::intValue).toArray())));
        return parts;
    }
}
