package io.pushflow.admin.support;

import java.util.List;
import java.util.Map;

/** Valid request bodies the tests start from (plain Java: the demo's tests use them against a service process). */
public final class ValidBodies {

    private ValidBodies() {}

    /** A valid cohort body. */
    public static Map<String, Object> cohort(String name) {
        return Map.of(
                "name",
                name,
                "description",
                "kiters in Portugal active in the last 7 days on app 57+",
                "filter",
                Map.of(
                        "all",
                        List.of(
                                Map.of("field", "sports", "op", "has_any", "values", List.of("kitesurfing")),
                                Map.of("field", "country", "op", "eq", "value", "PT"),
                                Map.of("field", "last_active_at", "op", "within_last", "value", "P7D"),
                                Map.of("field", "app_version", "op", "ge", "value", "57.0"))));
    }

    /** A valid push body. */
    public static Map<String, Object> push(String name) {
        return Map.of(
                "name",
                name,
                "defaultLocale",
                "en",
                "texts",
                Map.of(
                        "en",
                        Map.of("title", "Wind is on", "body", "25 knots at your spot tomorrow"),
                        "pt",
                        Map.of("title", "Há vento", "body", "25 nós no teu spot amanhã")),
                "deepLink",
                "windy://spot/123",
                "imageUrl",
                "https://cdn.example.com/wind.png",
                "data",
                Map.of("spot", 123));
    }
}
