package io.pushflow.core.user;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Users as columns: one array per attribute, text attributes dictionary-coded. What a campaign's audience page is
 * read into and what an outbox batch carries, so a wave moves from ClickHouse to the queue without an object per
 * user. Times are epoch seconds, as the users table keeps them.
 */
public class UserColumns {

    public static final int SUBSCRIBED = 1;
    public static final int TOKEN_VALID = 2;
    public static final int PRO = 4;

    public long[] userIds = new long[0];
    public String[] pushTokens = new String[0];
    /** The FCM or APNs token per user, "" where none is known; a batch from before device tokens has none (see {@link #deviceToken}). */
    public String[] deviceTokens = new String[0];
    /** {@link DeviceTokenKind} codes per user, like {@link #deviceTokens} missing from older batches. */
    public TextColumn deviceTokenKinds = new TextColumn();
    /** {@link #SUBSCRIBED}, {@link #TOKEN_VALID}, {@link #PRO} per user. */
    public int[] flags = new int[0];
    /** The user's row version when it was read; a newer {@code user.changes} message wins over it. */
    public long[] versions = new long[0];

    public TextColumn platforms = new TextColumn();
    public TextColumn apps = new TextColumn();
    public TextColumn countries = new TextColumn();
    public TextColumn locales = new TextColumn();
    public TextColumn timezones = new TextColumn();
    public TextColumn appVersions = new TextColumn();
    public long[] sportsMasks = new long[0];
    public long[] lastActiveAt = new long[0];
    public long[] installedAt = new long[0];

    public UserColumns() {}

    public static UserColumns of(List<User> users) {
        UserColumns c = new UserColumns();
        c.fill(users);
        return c;
    }

    public int size() {
        return userIds == null ? 0 : userIds.length;
    }

    public boolean flag(int user, int flag) {
        return (flags[user] & flag) != 0;
    }

    /** The device token of the user at {@code i}; "" in a batch written before device tokens existed. */
    public String deviceToken(int i) {
        return hasDeviceTokens() ? deviceTokens[i] : "";
    }

    /** The device token's kind of the user at {@code i}; {@link DeviceTokenKind#NONE} in a batch from before device tokens. */
    public DeviceTokenKind deviceTokenKind(int i) {
        return hasDeviceTokens()
                ? DeviceTokenKind.fromCode(deviceTokenKinds.get(i)).orElse(DeviceTokenKind.NONE)
                : DeviceTokenKind.NONE;
    }

    /** False for columns written before device tokens (a queued message or a savepoint's state): they carry none. */
    private boolean hasDeviceTokens() {
        return deviceTokens != null
                && deviceTokens.length > 0
                && deviceTokenKinds != null
                && deviceTokenKinds.codes != null
                && deviceTokenKinds.codes.length > 0;
    }

    /** The user at {@code i}. */
    public User user(int i) {
        return new User(
                userIds[i],
                apps.get(i),
                platforms.get(i),
                pushTokens[i],
                deviceToken(i),
                deviceTokenKind(i),
                flag(i, TOKEN_VALID),
                flag(i, SUBSCRIBED),
                flag(i, PRO),
                countries.get(i),
                locales.get(i),
                timezones.get(i),
                appVersions.get(i),
                Sport.codes(sportsMasks[i]),
                Instant.ofEpochSecond(lastActiveAt[i]),
                Instant.ofEpochSecond(installedAt[i]),
                versions[i]);
    }

    /** Every user, as objects (tests and small audiences). */
    public List<User> users() {
        List<User> out = new ArrayList<>(size());
        for (int i = 0; i < size(); i++) {
            out.add(user(i));
        }
        return out;
    }

    /** What is wrong with columns read from outside (a message), or null when every column has one value per user. */
    public String columnProblem() {
        int n = size();
        if (pushTokens == null
                || pushTokens.length != n
                || flags == null
                || flags.length != n
                || versions == null
                || versions.length != n
                || sportsMasks == null
                || sportsMasks.length != n
                || lastActiveAt == null
                || lastActiveAt.length != n
                || installedAt == null
                || installedAt.length != n) {
            return "every column needs one value per user";
        }
        if (hasDeviceTokens() && (deviceTokens.length != n || deviceTokenKinds.codes.length != n)) {
            return "every column needs one value per user";
        }
        TextColumn[] texts = hasDeviceTokens()
                ? new TextColumn[] {platforms, apps, countries, locales, timezones, appVersions, deviceTokenKinds}
                : new TextColumn[] {platforms, apps, countries, locales, timezones, appVersions};
        for (TextColumn c : texts) {
            if (c == null || c.codes == null || c.values == null || c.codes.length != n) {
                return "every column needs one value per user";
            }
            for (int code : c.codes) {
                if (code < 0 || code >= c.values.length) {
                    return "a text column codes a value it does not hold";
                }
            }
        }
        for (long id : userIds) {
            if (id <= 0) {
                return "every user needs a positive user id";
            }
        }
        return null;
    }

    /** Copies the users at {@code rows}, in that order, into {@code into}. */
    public <T extends UserColumns> T selectInto(T into, int[] rows) {
        into.userIds = new long[rows.length];
        into.pushTokens = new String[rows.length];
        into.deviceTokens = new String[rows.length];
        into.flags = new int[rows.length];
        into.versions = new long[rows.length];
        into.sportsMasks = new long[rows.length];
        into.lastActiveAt = new long[rows.length];
        into.installedAt = new long[rows.length];
        for (int i = 0; i < rows.length; i++) {
            int r = rows[i];
            into.userIds[i] = userIds[r];
            into.pushTokens[i] = pushTokens[r];
            into.deviceTokens[i] = deviceToken(r);
            into.flags[i] = flags[r];
            into.versions[i] = versions[r];
            into.sportsMasks[i] = sportsMasks[r];
            into.lastActiveAt[i] = lastActiveAt[r];
            into.installedAt[i] = installedAt[r];
        }
        into.deviceTokenKinds = hasDeviceTokens() ? deviceTokenKinds.select(rows) : noDeviceTokenKinds(rows.length);
        into.platforms = platforms.select(rows);
        into.apps = apps.select(rows);
        into.countries = countries.select(rows);
        into.locales = locales.select(rows);
        into.timezones = timezones.select(rows);
        into.appVersions = appVersions.select(rows);
        return into;
    }

    private static TextColumn noDeviceTokenKinds(int n) {
        TextColumn.Builder none = new TextColumn.Builder(n);
        for (int i = 0; i < n; i++) {
            none.add(DeviceTokenKind.NONE.code());
        }
        return none.build();
    }

    protected void fill(List<User> users) {
        Builder b = new Builder(users.size());
        users.forEach(b::add);
        b.buildInto(this);
    }

    /** Collects users one by one into columns. */
    public static final class Builder {
        private long[] userIds;
        private String[] pushTokens;
        private String[] deviceTokens;
        private int[] flags;
        private long[] versions;
        private long[] sportsMasks;
        private long[] lastActiveAt;
        private long[] installedAt;
        private final TextColumn.Builder deviceTokenKinds;
        private final TextColumn.Builder platforms;
        private final TextColumn.Builder apps;
        private final TextColumn.Builder countries;
        private final TextColumn.Builder locales;
        private final TextColumn.Builder timezones;
        private final TextColumn.Builder appVersions;
        private int size;

        public Builder(int expected) {
            int n = Math.max(1, expected);
            userIds = new long[n];
            pushTokens = new String[n];
            deviceTokens = new String[n];
            flags = new int[n];
            versions = new long[n];
            sportsMasks = new long[n];
            lastActiveAt = new long[n];
            installedAt = new long[n];
            deviceTokenKinds = new TextColumn.Builder(n);
            platforms = new TextColumn.Builder(n);
            apps = new TextColumn.Builder(n);
            countries = new TextColumn.Builder(n);
            locales = new TextColumn.Builder(n);
            timezones = new TextColumn.Builder(n);
            appVersions = new TextColumn.Builder(n);
        }

        public int size() {
            return size;
        }

        public Builder add(User u) {
            return add(
                    u.userId(),
                    u.pushToken(),
                    u.deviceToken(),
                    u.deviceTokenKind(),
                    (u.subscribed() ? SUBSCRIBED : 0) | (u.tokenValid() ? TOKEN_VALID : 0) | (u.isPro() ? PRO : 0),
                    u.version(),
                    u.platform(),
                    u.app(),
                    u.country(),
                    u.locale(),
                    u.timezone(),
                    u.appVersion(),
                    u.sportsMask(),
                    u.lastActiveAt().getEpochSecond(),
                    u.installedAt().getEpochSecond());
        }

        public Builder add(
                long userId,
                String pushToken,
                String deviceToken,
                DeviceTokenKind deviceTokenKind,
                int flag,
                long version,
                String platform,
                String app,
                String country,
                String locale,
                String timezone,
                String appVersion,
                long sportsMask,
                long lastActiveSecond,
                long installedSecond) {
            if (size == userIds.length) {
                grow();
            }
            userIds[size] = userId;
            pushTokens[size] = pushToken;
            deviceTokens[size] = deviceToken;
            deviceTokenKinds.add(deviceTokenKind.code());
            flags[size] = flag;
            versions[size] = version;
            sportsMasks[size] = sportsMask;
            lastActiveAt[size] = lastActiveSecond;
            installedAt[size] = installedSecond;
            platforms.add(platform);
            apps.add(app);
            countries.add(country);
            locales.add(locale);
            timezones.add(timezone);
            appVersions.add(appVersion);
            size++;
            return this;
        }

        private void grow() {
            int n = userIds.length * 2;
            userIds = Arrays.copyOf(userIds, n);
            pushTokens = Arrays.copyOf(pushTokens, n);
            deviceTokens = Arrays.copyOf(deviceTokens, n);
            flags = Arrays.copyOf(flags, n);
            versions = Arrays.copyOf(versions, n);
            sportsMasks = Arrays.copyOf(sportsMasks, n);
            lastActiveAt = Arrays.copyOf(lastActiveAt, n);
            installedAt = Arrays.copyOf(installedAt, n);
        }

        public UserColumns build() {
            return buildInto(new UserColumns());
        }

        public <T extends UserColumns> T buildInto(T c) {
            c.userIds = Arrays.copyOf(userIds, size);
            c.pushTokens = Arrays.copyOf(pushTokens, size);
            c.deviceTokens = Arrays.copyOf(deviceTokens, size);
            c.deviceTokenKinds = deviceTokenKinds.build();
            c.flags = Arrays.copyOf(flags, size);
            c.versions = Arrays.copyOf(versions, size);
            c.sportsMasks = Arrays.copyOf(sportsMasks, size);
            c.lastActiveAt = Arrays.copyOf(lastActiveAt, size);
            c.installedAt = Arrays.copyOf(installedAt, size);
            c.platforms = platforms.build();
            c.apps = apps.build();
            c.countries = countries.build();
            c.locales = locales.build();
            c.timezones = timezones.build();
            c.appVersions = appVersions.build();
            return c;
        }
    }
}
