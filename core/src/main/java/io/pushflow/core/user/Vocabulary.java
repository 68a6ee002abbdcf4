package io.pushflow.core.user;

import java.time.ZoneId;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** The closed value sets of user attributes, shared by user validation and the filter language. */
public final class Vocabulary {

    public static final Set<String> COUNTRIES = Set.of(Locale.getISOCountries());
    public static final Set<String> LANGUAGES = Set.of(Locale.getISOLanguages());
    public static final Set<String> TIME_ZONES = ZoneId.getAvailableZoneIds();
    public static final List<String> PLATFORMS = List.of("ios", "android");

    private Vocabulary() {}
}
