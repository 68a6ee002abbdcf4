package io.pushflow.demo;

import com.fasterxml.jackson.databind.JsonNode;
import io.pushflow.core.campaign.Provider;
import io.pushflow.core.campaign.RewardSource;
import io.pushflow.tools.AdminApi;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** What a marketer does in the admin API: a cohort from a filter chain, three creatives, a bandit campaign, launch. */
final class Marketer {

    /** The launched campaign: its id, the variants' keys in creative order, the cohort's size at launch. */
    record Campaign(long id, List<String> variants, List<String> titles, long audience) {}

    static final Map<String, Object> FILTER = Map.of(
            "all",
            List.of(
                    Map.of(
                            "field",
                            "sports",
                            "op",
                            "has_any",
                            "values",
                            List.of("kitesurfing", "windsurfing", "wingfoiling", "surfing", "sailing")),
                    Map.of("field", "last_active_at", "op", "within_last", "value", "P30D")));
    private static final Duration CALL = Duration.ofSeconds(60);

    private final AdminApi api;
    private final PrintStream out;

    Marketer(AdminApi api, PrintStream out) {
        this.api = api;
        this.out = out;
    }

    Campaign launch(Duration window, List<String[]> creatives, RewardSource rewards, Provider provider) {
        String tag = Long.toString(System.currentTimeMillis(), 36);
        JsonNode preview = ok(api.postJson("api/v1/cohorts/preview", Map.of("filter", FILTER), CALL), 200)
                .body();
        long audience = preview.path("count").asLong();
        long cohort = ok(
                        api.postJson(
                                "api/v1/cohorts",
                                Map.of(
                                        "name",
                                        "Water sports, active in 30 days (" + tag + ")",
                                        "description",
                                        "kite, windsurf, wing, surf and sailing users active in the last 30 days",
                                        "filter",
                                        FILTER),
                                CALL),
                        201)
                .body()
                .path("id")
                .asLong();
        Demo.step(
                out,
                "cohort %d \"water sports, active in 30 days\": %,d users (preview through POST /api/v1/cohorts/preview)",
                cohort,
                audience);
        List<Map<String, Object>> variants = new ArrayList<>();
        List<String> titles = new ArrayList<>();
        for (String[] c : creatives) {
            long push = ok(
                            api.postJson(
                                    "api/v1/pushes",
                                    Map.of(
                                            "name",
                                            c[0] + " (" + tag + ")",
                                            "defaultLocale",
                                            "en",
                                            "texts",
                                            Map.of("en", Map.of("title", c[0], "body", c[1])),
                                            "deepLink",
                                            "windy://forecast"),
                                    CALL),
                            201)
                    .body()
                    .path("id")
                    .asLong();
            variants.add(Map.of("pushId", push));
            titles.add(c[0]);
        }
        JsonNode created = ok(
                        api.postJson(
                                "api/v1/campaigns",
                                Map.of(
                                        "name",
                                        "Demo bandit " + tag,
                                        "app",
                                        "windy-ios",
                                        "cohortId",
                                        cohort,
                                        "variants",
                                        variants,
                                        "split",
                                        Map.of(
                                                "type",
                                                "BANDIT",
                                                "minShare",
                                                0.05,
                                                "burnIn",
                                                30,
                                                "rewardSource",
                                                rewards.name()),
                                        "duration",
                                        window.toString(),
                                        "provider",
                                        provider.name()),
                                CALL),
                        201)
                .body();
        long id = created.path("id").asLong();
        List<String> keys = new ArrayList<>();
        created.path("variants").forEach(v -> keys.add(v.path("key").asText()));
        ok(api.postJson("api/v1/campaigns/" + id + "/launch", Map.of(), CALL), 200);
        Demo.step(
                out,
                "campaign %d launched: BANDIT over %d creatives, window %s, sent %s, clicks counted from %s",
                id,
                keys.size(),
                window,
                provider == Provider.DIRECT ? "straight to APNs and FCM" : "through OneSignal",
                switch (rewards) {
                    case APP -> "the app's events";
                    case PROVIDER -> "the provider's click counts (the app reports nothing)";
                    case AUTO -> "the app's events and the provider's counts, the larger";
                });
        return new Campaign(id, keys, titles, audience);
    }

    private static AdminApi.Reply ok(AdminApi.Reply r, int expected) {
        if (r.status() != expected) {
            throw new IllegalStateException("the admin service answered " + r.status() + ": " + r.text());
        }
        return r;
    }
}
