package io.pushflow.core.user;

import static java.util.Map.entry;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.random.RandomGenerator;
import java.util.stream.LongStream;
import java.util.stream.Stream;

/**
 * Synthetic app installs shaped like the audience of a weather app for water and wind sports, for tests,
 * demos, benchmarks and the simulators.
 *
 * <p>Deterministic: user {@code n} depends only on the seed, {@code n} and {@code now} (its random stream is
 * derived from seed and id), so any id range can be generated in any order or in parallel, and user 17 is
 * the same whether 100 or 18M users are generated. Every value passes the filter language's checks. Times
 * are whole seconds with {@code installedAt <= lastActiveAt <= now}; {@code version} is {@code now}'s epoch
 * millis, so a later generation run replaces an earlier one in the {@code users} table.
 */
public final class UserGenerator {

    private static final Set<String> ISO_COUNTRIES = Vocabulary.COUNTRIES;
    private static final Set<String> ISO_LANGUAGES = Vocabulary.LANGUAGES;
    private static final Set<String> ZONES = Vocabulary.TIME_ZONES;

    /** The primary sport before a country's leaning; snow sports are never primary (see {@link #SNOW}). */
    private static final Weighted<Sport> PRIMARY_SPORTS = Weighted.parse(
            "kitesurfing:22 windsurfing:11 wingfoiling:6 "
                    + "sailing:13 surfing:12 sup:4 kayaking:3 fishing:13 diving:3 paragliding:6 hiking:3 cycling:4",
            UserGenerator::sport);

    /** What people who follow one sport also follow. */
    private static final Map<Sport, Weighted<Sport>> COMPANIONS = companions(Map.ofEntries(
            entry(Sport.KITESURFING, "windsurfing:30 wingfoiling:30 surfing:20 sup:10 sailing:5 paragliding:5"),
            entry(Sport.WINDSURFING, "kitesurfing:35 wingfoiling:20 sailing:20 sup:15 surfing:10"),
            entry(Sport.WINGFOILING, "kitesurfing:40 windsurfing:30 sup:15 surfing:10 sailing:5"),
            entry(
                    Sport.SAILING,
                    "windsurfing:20 fishing:20 kitesurfing:15 diving:10 kayaking:10 sup:10 surfing:5 wingfoiling:10"),
            entry(
                    Sport.SURFING,
                    "sup:30 kitesurfing:25 windsurfing:10 wingfoiling:10 diving:10 fishing:5 hiking:5 cycling:5"),
            entry(Sport.SUP, "surfing:30 kayaking:30 windsurfing:15 wingfoiling:15 kitesurfing:10"),
            entry(Sport.KAYAKING, "fishing:40 sup:25 hiking:15 diving:10 sailing:10"),
            entry(Sport.FISHING, "kayaking:35 sailing:30 diving:25 sup:5 hiking:5"),
            entry(Sport.DIVING, "fishing:35 sailing:20 kayaking:15 surfing:15 sup:15"),
            entry(Sport.PARAGLIDING, "hiking:45 cycling:20 kitesurfing:20 windsurfing:5 sailing:10"),
            entry(Sport.HIKING, "cycling:35 paragliding:25 kayaking:20 fishing:20"),
            entry(Sport.CYCLING, "hiking:45 paragliding:15 windsurfing:15 sup:15 surfing:10")));

    /** The snow sport of a user whose country's snow share says they have one. */
    private static final Weighted<Sport> SNOW = Weighted.parse("skiing:65 snowboarding:35", UserGenerator::sport);
    /** Mean about two: most follow one or two sports. */
    private static final Weighted<Integer> SPORT_COUNT = Weighted.parse("1:38 2:32 3:20 4:10", Integer::valueOf);

    /**
     * Where users live: share, iOS share, share with a snow sport, time zones, app locales, and which
     * primary sports are more (or less) popular there than on average.
     */
    private static final Weighted<Country> COUNTRIES = Weighted.of(List.of(
            country(
                    "US",
                    9.0,
                    .58,
                    .10,
                    "America/New_York:47 America/Chicago:29 America/Denver:5 America/Phoenix:2 "
                            + "America/Los_Angeles:14 America/Anchorage:1 Pacific/Honolulu:2",
                    "en:92 es:8",
                    "surfing:1.3 fishing:1.6 sailing:1.2"),
            country(
                    "DE",
                    8.0,
                    .38,
                    .15,
                    "Europe/Berlin",
                    "de:88 en:10 tr:2",
                    "kitesurfing:1.2 windsurfing:1.3 sailing:1.2"),
            country("FR", 7.0, .35, .15, "Europe/Paris", "fr:95 en:5", "windsurfing:1.3 sailing:1.3 paragliding:1.5"),
            country("GB", 5.0, .52, .05, "Europe/London", "en:97 pl:3", "surfing:1.2 sailing:1.3"),
            country(
                    "ES",
                    5.0,
                    .25,
                    .05,
                    "Europe/Madrid:90 Atlantic/Canary:10",
                    "es:82 ca:8 en:10",
                    "kitesurfing:1.3 windsurfing:1.2 surfing:1.2"),
            country("IT", 4.5, .30, .18, "Europe/Rome", "it:94 en:6", "sailing:1.3 kitesurfing:1.2 fishing:1.2"),
            country(
                    "BR",
                    4.5,
                    .15,
                    .00,
                    "America/Sao_Paulo:70 America/Fortaleza:15 America/Recife:5 America/Bahia:5 "
                            + "America/Manaus:3 America/Belem:2",
                    "pt:95 en:5",
                    "kitesurfing:1.5 surfing:1.5 fishing:1.3"),
            country("PL", 3.5, .20, .10, "Europe/Warsaw", "pl:93 en:7", "kitesurfing:1.3 windsurfing:1.3 sailing:1.2"),
            country(
                    "RU",
                    3.5,
                    .20,
                    .12,
                    "Europe/Moscow:60 Europe/Kaliningrad:5 Europe/Samara:5 Asia/Yekaterinburg:10 "
                            + "Asia/Novosibirsk:8 Asia/Krasnoyarsk:4 Asia/Irkutsk:3 Asia/Vladivostok:5",
                    "ru:97 en:3",
                    "fishing:1.6 kitesurfing:1.2"),
            country(
                    "NL",
                    3.0,
                    .42,
                    .08,
                    "Europe/Amsterdam",
                    "nl:85 en:15",
                    "kitesurfing:1.5 windsurfing:1.4 sailing:1.2"),
            country(
                    "AU",
                    3.0,
                    .55,
                    .02,
                    "Australia/Sydney:35 Australia/Melbourne:25 Australia/Brisbane:20 Australia/Perth:12 "
                            + "Australia/Adelaide:7 Australia/Hobart:1",
                    "en",
                    "surfing:1.7 fishing:1.4"),
            country(
                    "PT",
                    2.5,
                    .28,
                    .02,
                    "Europe/Lisbon:90 Atlantic/Madeira:5 Atlantic/Azores:5",
                    "pt:85 en:15",
                    "surfing:1.8 kitesurfing:1.3"),
            country("CZ", 2.5, .25, .20, "Europe/Prague", "cs:92 sk:3 en:5", "paragliding:1.3 cycling:1.3 hiking:1.3"),
            country(
                    "CA",
                    2.0,
                    .55,
                    .15,
                    "America/Toronto:45 America/Vancouver:20 America/Edmonton:12 America/Winnipeg:5 "
                            + "America/Halifax:5 America/Regina:3 America/St_Johns:2",
                    "en:75 fr:25",
                    "fishing:1.5 sailing:1.3"),
            country("TR", 2.0, .15, .04, "Europe/Istanbul", "tr:95 en:5", "windsurfing:1.3 sailing:1.2 fishing:1.3"),
            country("GR", 1.8, .22, .02, "Europe/Athens", "el:85 en:15", "windsurfing:1.4 kitesurfing:1.3 sailing:1.5"),
            country(
                    "CH",
                    1.5,
                    .55,
                    .45,
                    "Europe/Zurich",
                    "de:63 fr:23 it:6 en:8",
                    "paragliding:2 hiking:1.8 kitesurfing:0.7 surfing:0.5"),
            country("AT", 1.5, .40, .45, "Europe/Vienna", "de:92 en:8", "paragliding:1.8 hiking:1.6 surfing:0.5"),
            // the old id of Kyiv: every tz database knows it, ClickHouse's included
            country("UA", 1.5, .20, .05, "Europe/Kiev", "uk:70 ru:25 en:5", "kitesurfing:1.3 fishing:1.3"),
            country("SE", 1.4, .50, .15, "Europe/Stockholm", "sv:85 en:15", "sailing:1.4 fishing:1.3"),
            country("JP", 1.4, .65, .12, "Asia/Tokyo", "ja:96 en:4", "surfing:1.6 fishing:1.5"),
            country(
                    "MX",
                    1.4,
                    .20,
                    .00,
                    "America/Mexico_City:65 America/Monterrey:10 America/Cancun:8 America/Tijuana:7 "
                            + "America/Mazatlan:5 America/Hermosillo:5",
                    "es:95 en:5",
                    "fishing:1.3 surfing:1.3 kitesurfing:1.2"),
            country("HR", 1.2, .25, .04, "Europe/Zagreb", "hr:85 en:10 de:5", "sailing:1.8 fishing:1.3"),
            country("BE", 1.2, .35, .08, "Europe/Brussels", "nl:55 fr:38 en:7", "kitesurfing:1.3"),
            country("IN", 1.2, .06, .01, "Asia/Kolkata", "en:70 hi:30", "surfing:1.2"),
            country(
                    "DK",
                    1.0,
                    .55,
                    .05,
                    "Europe/Copenhagen",
                    "da:85 en:15",
                    "windsurfing:1.4 kitesurfing:1.3 sailing:1.3"),
            country("NO", 1.0, .55, .25, "Europe/Oslo", "nb:85 en:15", "fishing:1.6 sailing:1.3"),
            country("ZA", 1.0, .30, .00, "Africa/Johannesburg", "en:85 af:15", "kitesurfing:1.6 surfing:1.5"),
            country(
                    "AR",
                    1.0,
                    .18,
                    .05,
                    "America/Argentina/Buenos_Aires:85 America/Argentina/Cordoba:10 " + "America/Argentina/Mendoza:5",
                    "es:96 en:4",
                    "kitesurfing:1.2 fishing:1.3"),
            country("HU", 0.9, .22, .08, "Europe/Budapest", "hu:94 en:6", "sailing:1.3"),
            country("RO", 0.9, .18, .10, "Europe/Bucharest", "ro:94 en:6", ""),
            country("NZ", 0.8, .50, .10, "Pacific/Auckland", "en", "sailing:1.4 surfing:1.3 fishing:1.5"),
            country("CL", 0.8, .25, .08, "America/Santiago", "es:96 en:4", "surfing:1.5 kitesurfing:1.2 fishing:1.2"),
            country("SK", 0.8, .22, .25, "Europe/Bratislava", "sk:90 cs:5 en:5", "hiking:1.3"),
            country("FI", 0.7, .40, .15, "Europe/Helsinki", "fi:88 sv:5 en:7", "sailing:1.3 fishing:1.4"),
            country(
                    "ID",
                    0.7,
                    .12,
                    .00,
                    "Asia/Jakarta:60 Asia/Makassar:38 Asia/Jayapura:2",
                    "id:80 en:20",
                    "surfing:2 diving:1.6"),
            country("IE", 0.6, .48, .02, "Europe/Dublin", "en:97 ga:3", "surfing:1.5 sailing:1.3"),
            country("BG", 0.6, .15, .08, "Europe/Sofia", "bg:93 en:7", ""),
            country("PH", 0.5, .15, .00, "Asia/Manila", "en:70 tl:30", "diving:1.8 surfing:1.3 kitesurfing:1.2"),
            country("TH", 0.5, .30, .00, "Asia/Bangkok", "th:80 en:20", "diving:1.6 kitesurfing:1.2"),
            country("VN", 0.5, .25, .00, "Asia/Ho_Chi_Minh", "vi:85 en:15", "kitesurfing:1.5"),
            country("EG", 0.5, .12, .00, "Africa/Cairo", "ar:70 en:30", "kitesurfing:2 windsurfing:1.5 diving:1.8"),
            country("MA", 0.5, .15, .02, "Africa/Casablanca", "fr:50 ar:40 en:10", "surfing:1.8 kitesurfing:1.5"),
            country("IL", 0.5, .25, .02, "Asia/Jerusalem", "he:85 en:10 ru:5", "windsurfing:1.4 kitesurfing:1.3"),
            country("KR", 0.5, .35, .08, "Asia/Seoul", "ko:95 en:5", "surfing:1.3 fishing:1.4"),
            country("SI", 0.5, .30, .35, "Europe/Ljubljana", "sl:90 en:10", "paragliding:1.5 hiking:1.3"),
            country("CO", 0.5, .15, .00, "America/Bogota", "es:96 en:4", "kitesurfing:1.3"),
            country("PE", 0.4, .15, .00, "America/Lima", "es:96 en:4", "surfing:1.6"),
            country("RS", 0.4, .15, .10, "Europe/Belgrade", "sr:95 en:5", ""),
            country("AE", 0.3, .55, .00, "Asia/Dubai", "en:70 ar:30", "kitesurfing:1.3"),
            country("MY", 0.3, .22, .00, "Asia/Kuala_Lumpur", "ms:50 en:50", "diving:1.5"),
            country("CN", 0.3, .30, .03, "Asia/Shanghai", "zh:90 en:10", "sailing:1.2"),
            country("TW", 0.3, .40, .02, "Asia/Taipei", "zh:92 en:8", "surfing:1.3"),
            country("EE", 0.3, .30, .08, "Europe/Tallinn", "et:75 ru:20 en:5", "windsurfing:1.3 kitesurfing:1.3"),
            country("LV", 0.3, .25, .06, "Europe/Riga", "lv:70 ru:25 en:5", ""),
            country("LT", 0.3, .25, .05, "Europe/Vilnius", "lt:88 ru:7 en:5", "kitesurfing:1.3"),
            country("UY", 0.2, .20, .00, "America/Montevideo", "es:96 en:4", "kitesurfing:1.3"),
            country("CR", 0.2, .25, .00, "America/Costa_Rica", "es:85 en:15", "surfing:2"),
            country("DO", 0.2, .20, .00, "America/Santo_Domingo", "es:92 en:8", "kitesurfing:1.6"),
            country("CY", 0.2, .30, .00, "Asia/Nicosia", "el:85 en:15", "windsurfing:1.3"),
            country("MT", 0.1, .35, .00, "Europe/Malta", "en:60 mt:40", "sailing:1.3 diving:1.5"),
            country("IS", 0.1, .50, .10, "Atlantic/Reykjavik", "is:85 en:15", "fishing:1.5"),
            country("LU", 0.1, .45, .08, "Europe/Luxembourg", "fr:45 de:35 en:20", ""),
            country("MU", 0.1, .25, .00, "Indian/Mauritius", "en:50 fr:50", "kitesurfing:2"),
            country("CV", 0.05, .20, .00, "Atlantic/Cape_Verde", "pt:80 en:20", "kitesurfing:2 windsurfing:1.6")));

    private static final long MAX_INSTALL_AGE = Duration.ofDays(6 * 365).toSeconds();
    /** Above 1 skews installs towards recent years: the audience grew. */
    private static final double INSTALL_RECENCY = 1.5;

    /** How long ago a user last opened the app (before clamping to the install time). */
    private static final Weighted<Band> INACTIVITY = Weighted.of(List.of(
            entry(band(0, 1), 32.0),
            entry(band(1, 7), 20.0),
            entry(band(7, 30), 14.0),
            entry(band(30, 90), 10.0),
            entry(band(90, 365), 13.0),
            entry(band(365, 730), 11.0)));

    /** Pro, unsubscribed and dead-token shares by inactivity: churned users unsubscribe and lose tokens. */
    private static final List<Retention> RETENTION = List.of(
            new Retention(days(7), .12, .04, .01),
            new Retention(days(30), .10, .05, .02),
            new Retention(days(180), .07, .09, .06),
            new Retention(Long.MAX_VALUE, .04, .12, .12));

    private static final int LATEST_MAJOR = 57;
    /** 57.0 shipped 45 days before now, so 57.3 is the newest version. */
    private static final long LATEST_MAJOR_AGE = days(45);

    private static final long MAJOR_EVERY = days(60);
    private static final long MINOR_EVERY = days(14);
    private static final int LAST_MINOR = 4;
    private static final Weighted<Integer> PATCH = Weighted.parse("0:55 1:30 2:15", Integer::valueOf);
    /** How long after a release a user runs it: most update within days, a tail never does. */
    private static final Weighted<Band> UPDATE_LAG = Weighted.of(List.of(
            entry(band(0, 3), 45.0), entry(band(3, 14), 25.0), entry(band(14, 60), 18.0), entry(band(60, 365), 12.0)));

    /** SplitMix64's increment: offsets the id so user 0 does not get the bare seed. */
    /** Installs OneSignal knows whose device token pushflow never learned (an app release before it reported them). */
    private static final double NO_DEVICE_TOKEN = 0.04;

    private static final String BASE64_URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;

    private final long seed;
    private final long nowSeconds;
    private final long version;

    /** @param now the reference time: nothing happens after it; must be after 1970 (its millis are the row version) */
    public UserGenerator(long seed, Instant now) {
        if (now.toEpochMilli() <= 0) {
            throw new IllegalArgumentException("now must be after 1970-01-01T00:00:00Z: " + now);
        }
        this.seed = seed;
        this.nowSeconds = now.getEpochSecond();
        this.version = now.toEpochMilli();
    }

    /** User number {@code userId} (0 or more), the same however many users are generated around it. */
    public User user(long userId) {
        if (userId < 0) {
            throw new IllegalArgumentException("user ids are unsigned: " + userId);
        }
        SplittableRandom random = new SplittableRandom(seed ^ mix64(userId + GOLDEN_GAMMA));
        String pushToken = pushToken(random);
        Country country = COUNTRIES.pick(random);
        String timezone = country.zones().pick(random);
        String locale = country.locales().pick(random);
        String platform = random.nextDouble() < country.iosShare() ? "ios" : "android";
        List<String> sports = sports(country, random);
        long installedAt = nowSeconds - (long) (MAX_INSTALL_AGE * StrictMath.pow(random.nextDouble(), INSTALL_RECENCY));
        long lastActiveAt = lastActiveAt(installedAt, random);
        Retention retention = retention(nowSeconds - lastActiveAt);
        boolean isPro = random.nextDouble() < retention.pro();
        boolean subscribed = random.nextDouble() >= retention.unsubscribed();
        boolean tokenValid = random.nextDouble() >= retention.deadToken();
        String appVersion = appVersion(
                Math.max(installedAt, lastActiveAt - UPDATE_LAG.pick(random).sample(random)), random);
        // drawn last, so every other attribute is what the same seed gave before device tokens existed
        DeviceTokenKind kind = random.nextDouble() < NO_DEVICE_TOKEN
                ? DeviceTokenKind.NONE
                : platform.equals("ios") ? DeviceTokenKind.APNS : DeviceTokenKind.FCM;
        String deviceToken = switch (kind) {
            case NONE -> "";
            case APNS -> apnsToken(random);
            case FCM -> fcmToken(random);
        };
        return new User(
                userId,
                "windy-" + platform,
                platform,
                pushToken,
                deviceToken,
                kind,
                tokenValid,
                subscribed,
                isPro,
                country.code(),
                locale,
                timezone,
                appVersion,
                sports,
                Instant.ofEpochSecond(lastActiveAt),
                Instant.ofEpochSecond(installedAt),
                version);
    }

    /** Users {@code firstId .. firstId + count - 1} in id order; safe to run {@code .parallel()}. */
    public Stream<User> users(long firstId, long count) {
        if (firstId < 0 || count < 0) {
            throw new IllegalArgumentException("expected firstId >= 0 and count >= 0: " + firstId + ", " + count);
        }
        return LongStream.range(firstId, Math.addExact(firstId, count)).mapToObj(this::user);
    }

    /** A OneSignal subscription id: a random (version 4) UUID from this user's stream. */
    private static String pushToken(RandomGenerator random) {
        long msb = (random.nextLong() & ~0xF000L) | 0x4000L;
        long lsb = (random.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
        return new UUID(msb, lsb).toString();
    }

    /** 32 random bytes as lower-case hex, the way APNs device tokens are registered. */
    private static String apnsToken(RandomGenerator random) {
        StringBuilder hex = new StringBuilder(64);
        for (int i = 0; i < 4; i++) {
            hex.append(String.format("%016x", random.nextLong()));
        }
        return hex.toString();
    }

    /** An FCM registration token's shape: an instance id, ':', then "APA91b" and a base64url body (163 characters). */
    private static String fcmToken(RandomGenerator random) {
        StringBuilder token = new StringBuilder(163);
        appendBase64Url(token, 22, random);
        token.append(":APA91b");
        appendBase64Url(token, 134, random);
        return token.toString();
    }

    private static void appendBase64Url(StringBuilder out, int length, RandomGenerator random) {
        for (int i = 0; i < length; i++) {
            out.append(BASE64_URL.charAt(random.nextInt(BASE64_URL.length())));
        }
    }

    /** One primary sport (by the country's taste), maybe a snow sport, then companions of the primary. */
    private static List<String> sports(Country country, RandomGenerator random) {
        Sport primary = country.primarySports().pick(random);
        EnumSet<Sport> sports = EnumSet.of(primary);
        int wanted = SPORT_COUNT.pick(random);
        if (random.nextDouble() < country.snowShare()) {
            sports.add(SNOW.pick(random));
        }
        Weighted<Sport> companions = COMPANIONS.get(primary);
        // a few extra draws make up for repeats; a user may end with fewer than wanted
        for (int draw = 0; draw < 2 * wanted && sports.size() < wanted; draw++) {
            sports.add(companions.pick(random));
        }
        return sports.stream().map(Sport::code).toList();
    }

    private long lastActiveAt(long installedAt, RandomGenerator random) {
        long installAge = nowSeconds - installedAt;
        long inactive = INACTIVITY.pick(random).sample(random);
        if (inactive > installAge) {
            // installed after the drawn time: active any time since the install instead
            inactive = random.nextLong(installAge + 1);
        }
        return nowSeconds - inactive;
    }

    /** The version a user ran at {@code seconds}: the newest released then (see the release cadence above). */
    private String appVersion(long seconds, RandomGenerator random) {
        long latestRelease = nowSeconds - LATEST_MAJOR_AGE;
        long majorsBack = seconds >= latestRelease ? 0 : Math.floorDiv(latestRelease - seconds - 1, MAJOR_EVERY) + 1;
        long released = latestRelease - majorsBack * MAJOR_EVERY;
        long minor = Math.min(LAST_MINOR, (seconds - released) / MINOR_EVERY);
        return (LATEST_MAJOR - majorsBack) + "." + minor + "." + PATCH.pick(random);
    }

    private static Retention retention(long inactiveSeconds) {
        return RETENTION.stream()
                .filter(r -> inactiveSeconds <= r.inactiveUpTo())
                .findFirst()
                .orElseThrow();
    }

    /** Stafford's variant 13 finalizer (SplitMix64's): spreads consecutive ids over all 64 bits. */
    private static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    private static long days(long days) {
        return Duration.ofDays(days).toSeconds();
    }

    private static Band band(long fromDays, long toDays) {
        return new Band(days(fromDays), days(toDays));
    }

    private static Sport sport(String code) {
        return Sport.fromCode(code).orElseThrow(() -> new IllegalStateException("unknown sport " + code));
    }

    private static Map<Sport, Weighted<Sport>> companions(Map<Sport, String> specs) {
        Map<Sport, Weighted<Sport>> companions = new EnumMap<>(Sport.class);
        specs.forEach((sport, spec) -> companions.put(sport, Weighted.parse(spec, UserGenerator::sport)));
        PRIMARY_SPORTS.forEachWeighted((sport, weight) ->
                check(sport.code(), companions.containsKey(sport), "primary sport without companions"));
        return companions;
    }

    /** One row of the country table, checked against the values the filter language accepts. */
    private static Map.Entry<Country, Double> country(
            String code,
            double share,
            double iosShare,
            double snowShare,
            String zones,
            String locales,
            String leaning) {
        if (!ISO_COUNTRIES.contains(code)) {
            throw new IllegalStateException("not an ISO 3166 country: " + code);
        }
        Weighted<String> zoneWeights = Weighted.parse(zones, zone -> check(zone, ZONES.contains(zone), "time zone"));
        Weighted<String> localeWeights = Weighted.parse(
                locales,
                locale -> check(locale, locale.length() == 2 && ISO_LANGUAGES.contains(locale), "ISO 639-1 language"));
        return entry(new Country(code, iosShare, snowShare, zoneWeights, localeWeights, primarySports(leaning)), share);
    }

    /** The primary sports with a country's leaning ({@code "surfing:1.8 kitesurfing:1.3"}) multiplied in. */
    private static Weighted<Sport> primarySports(String leaning) {
        Map<Sport, Double> factors = new EnumMap<>(Sport.class);
        for (String item : leaning.isBlank() ? new String[0] : leaning.split("\\s+")) {
            String[] sportAndFactor = item.split(":");
            factors.put(sport(sportAndFactor[0]), Double.parseDouble(sportAndFactor[1]));
        }
        List<Map.Entry<Sport, Double>> primary = new ArrayList<>();
        PRIMARY_SPORTS.forEachWeighted(
                (sport, weight) -> primary.add(entry(sport, weight * factors.getOrDefault(sport, 1.0))));
        return Weighted.of(primary);
    }

    private static String check(String value, boolean valid, String what) {
        if (!valid) {
            throw new IllegalStateException("not a valid " + what + ": " + value);
        }
        return value;
    }

    private record Country(
            String code,
            double iosShare,
            double snowShare,
            Weighted<String> zones,
            Weighted<String> locales,
            Weighted<Sport> primarySports) {}

    /** A span of seconds, drawn uniformly. */
    private record Band(long fromSeconds, long toSeconds) {
        long sample(RandomGenerator random) {
            return random.nextLong(fromSeconds, toSeconds);
        }
    }

    /** Shares among users inactive for at most {@code inactiveUpTo} seconds. */
    private record Retention(long inactiveUpTo, double pro, double unsubscribed, double deadToken) {}

    /** Values drawn in proportion to their weights, in the order they are listed (so draws never depend on hashing). */
    private static final class Weighted<T> {
        private final List<T> values;
        private final double[] weights;
        private final double[] cumulative;

        private Weighted(List<T> values, double[] weights) {
            if (values.isEmpty() || Arrays.stream(weights).anyMatch(w -> !(w > 0))) {
                throw new IllegalStateException("weights must be positive: " + values);
            }
            this.values = List.copyOf(values);
            this.weights = weights;
            this.cumulative = new double[weights.length];
            double sum = 0;
            for (int i = 0; i < weights.length; i++) {
                sum += weights[i];
                cumulative[i] = sum;
            }
        }

        static <T> Weighted<T> of(List<Map.Entry<T, Double>> entries) {
            return new Weighted<>(
                    entries.stream().map(Map.Entry::getKey).toList(),
                    entries.stream().mapToDouble(Map.Entry::getValue).toArray());
        }

        /** {@code "a:3 b:1"}; a weight defaults to 1, so {@code "a"} alone always draws a. */
        static <T> Weighted<T> parse(String spec, Function<String, T> value) {
            List<Map.Entry<T, Double>> entries = new ArrayList<>();
            for (String item : spec.trim().split("\\s+")) {
                int colon = item.lastIndexOf(':');
                entries.add(
                        colon < 0
                                ? entry(value.apply(item), 1.0)
                                : entry(
                                        value.apply(item.substring(0, colon)),
                                        Double.parseDouble(item.substring(colon + 1))));
            }
            return of(entries);
        }

        T pick(RandomGenerator random) {
            double x = random.nextDouble() * cumulative[cumulative.length - 1];
            int i = Arrays.binarySearch(cumulative, x);
            // binarySearch returns -(insertion point) - 1 on a miss: the first cumulative weight above x;
            // the min guards x rounding up to the total
            return values.get(Math.min(i >= 0 ? i + 1 : -i - 1, values.size() - 1));
        }

        void forEachWeighted(BiConsumer<T, Double> action) {
            for (int i = 0; i < values.size(); i++) {
                action.accept(values.get(i), weights[i]);
            }
        }
    }
}
