package io.pushflow.bench.admin;

import com.fasterxml.jackson.core.type.TypeReference;
import io.pushflow.core.filter.FilterChain;
import io.pushflow.core.json.Json;
import java.util.List;
import java.util.Map;

/** Filter chains of 3 to 5 conditions shaped like the cohorts marketers of a wind and water sports app build. */
final class TypicalChains {

    /** A named chain, as the API takes it and as the compiler sees it. */
    record Chain(String name, String description, Map<String, Object> filter, FilterChain chain) {}

    private static final TypeReference<Map<String, Object>> TREE = new TypeReference<>() {};

    private TypicalChains() {}

    static List<Chain> all() {
        return List.of(
                chain("kite-pt-7d-v57", "kiters in Portugal active in the last 7 days on app >= 57", """
                        {"all": [
                          {"field": "sports", "op": "has_any", "values": ["kitesurfing"]},
                          {"field": "country", "op": "eq", "value": "PT"},
                          {"field": "last_active_at", "op": "within_last", "value": "P7D"},
                          {"field": "app_version", "op": "ge", "value": "57"}]}"""),
                chain("pro-wind-wing-es-pt-fr", "pro windsurfers or wing foilers in ES/PT/FR", """
                        {"all": [
                          {"field": "is_pro", "op": "is_true"},
                          {"field": "sports", "op": "has_any", "values": ["windsurfing", "wingfoiling"]},
                          {"field": "country", "op": "in", "values": ["ES", "PT", "FR"]}]}"""),
                chain(
                        "ios-dach-de-1y-not-sailing",
                        "iOS users in DE/AT/CH with locale de who installed in the last year, not sailing",
                        """
                        {"all": [
                          {"field": "platform", "op": "eq", "value": "ios"},
                          {"field": "country", "op": "in", "values": ["DE", "AT", "CH"]},
                          {"field": "locale", "op": "eq", "value": "de"},
                          {"field": "installed_at", "op": "within_last", "value": "P365D"},
                          {"all": [{"field": "sports", "op": "contains", "value": "sailing"}], "not": true}]}"""),
                chain("fishing-us-tz-30d", "fishermen in US time zones (America/*) active within 30 days", """
                        {"all": [
                          {"field": "sports", "op": "contains", "value": "fishing"},
                          {"field": "timezone", "op": "in", "values": ["America/New_York", "America/Chicago", "America/Denver",
                            "America/Phoenix", "America/Los_Angeles", "America/Anchorage"]},
                          {"field": "last_active_at", "op": "within_last", "value": "P30D"}]}"""),
                chain("surf-winback-lapsed", "surfers and SUPers lapsed 30 days to a year, still on an old app", """
                        {"all": [
                          {"field": "sports", "op": "has_any", "values": ["surfing", "sup"]},
                          {"field": "last_active_at", "op": "not_within_last", "value": "P30D"},
                          {"field": "last_active_at", "op": "within_last", "value": "P365D"},
                          {"field": "app_version", "op": "lt", "value": "57"}]}"""),
                chain(
                        "kite-and-snow-alps-android",
                        "Android kiters who also ski or snowboard, in the Alps countries",
                        """
                        {"all": [
                          {"field": "sports", "op": "contains", "value": "kitesurfing"},
                          {"field": "sports", "op": "has_any", "values": ["skiing", "snowboarding"]},
                          {"field": "country", "op": "in", "values": ["AT", "CH", "IT", "FR", "DE", "SI"]},
                          {"field": "platform", "op": "eq", "value": "android"}]}"""),
                chain(
                        "lusophone-kite",
                        "Brazilian kiters or anyone whose app speaks Portuguese, on 56.x-57.x, active in 14 days",
                        """
                        {"all": [
                          {"any": [
                            {"all": [{"field": "country", "op": "eq", "value": "BR"},
                                     {"field": "sports", "op": "has_any", "values": ["kitesurfing", "wingfoiling"]}]},
                            {"field": "locale", "op": "eq", "value": "pt"}]},
                          {"field": "app_version", "op": "between", "values": ["56", "57.9"]},
                          {"field": "last_active_at", "op": "within_last", "value": "P14D"}]}"""),
                chain(
                        "android-old-free-europe",
                        "free Android users in big EU time zones below 56.2 (upgrade nudge)",
                        """
                        {"all": [
                          {"field": "platform", "op": "eq", "value": "android"},
                          {"field": "app_version", "op": "lt", "value": "56.2"},
                          {"field": "is_pro", "op": "is_false"},
                          {"field": "timezone", "op": "in", "values": ["Europe/Berlin", "Europe/Paris", "Europe/Madrid",
                            "Europe/Rome", "Europe/London", "Europe/Warsaw", "Europe/Amsterdam"]}]}"""));
    }

    private static Chain chain(String name, String description, String json) {
        Map<String, Object> filter = read(json);
        return new Chain(name, description, filter, FilterChain.parse(filter));
    }

    private static Map<String, Object> read(String json) {
        try {
            return Json.MAPPER.readValue(json, TREE);
        } catch (Exception e) {
            throw new IllegalStateException("a built-in chain is not JSON: " + e.getMessage(), e);
        }
    }
}
