package io.pushflow.demo;

import com.fasterxml.jackson.databind.JsonNode;
import io.pushflow.simulator.provider.ProviderSimulator;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What the demo shows at the end and writes with {@code --json}: the outcomes (every audience member exactly
 * once?), duplicates the simulated provider saw, per variant sends and clicks against its true rate, the best
 * variant's final share, and the clicks the bandit gained over an even split of the same deliveries; where the clicks were
 * counted (the campaign's reward source, whether the simulated app reported events) and how many the simulated users made.
 */
public record Summary(
        long users,
        long audience,
        long outcomes,
        boolean everyUserOneOutcome,
        long sent,
        long failed,
        Map<String, Long> skipped,
        long duplicates,
        List<VariantResult> variants,
        String bestVariant,
        double bestFinalShare,
        boolean bestAhead,
        long clicks,
        double expectedClicks,
        double evenSplitClicks,
        double clicksGained,
        String rewardSource,
        boolean appEvents,
        long usersClicked,
        Map<String, Long> deliveredByProvider) {

    public record VariantResult(
            String variant,
            String title,
            double trueClickRate,
            long assigned,
            long sent,
            long delivered,
            long clicks,
            double clickRate,
            double clickRateLow,
            double clickRateHigh,
            double probabilityBest,
            double share) {}

    static Summary of(
            long users,
            JsonNode stats,
            ProviderSimulator simulator,
            long campaign,
            List<Double> rates,
            List<String[]> creatives) {
        long sent = 0;
        long failed = 0;
        Map<String, Long> skipped = new LinkedHashMap<>();
        List<VariantResult> variants = new ArrayList<>();
        long clicks = 0;
        long usersClicked = 0;
        long delivered = 0;
        double expected = 0;
        int i = 0;
        for (JsonNode v : stats.path("variants")) {
            sent += v.path("sent").asLong();
            failed += v.path("failed").asLong();
            v.path("skipped")
                    .fields()
                    .forEachRemaining(
                            e -> skipped.merge(e.getKey(), e.getValue().asLong(), Long::sum));
            double truth = rates.get(i);
            long d = v.path("delivered").asLong();
            delivered += d;
            clicks += v.path("clicked").asLong();
            ProviderSimulator.Tally tally =
                    simulator.tally(campaign, v.path("variant").asText());
            usersClicked += tally == null ? 0 : tally.clicked.get();
            expected += d * truth;
            JsonNode r = v.path("clickRate");
            variants.add(new VariantResult(
                    v.path("variant").asText(),
                    creatives.get(i)[0],
                    truth,
                    v.path("assigned").asLong(),
                    v.path("sent").asLong(),
                    d,
                    v.path("clicked").asLong(),
                    r.path("rate").asDouble(),
                    r.path("low").asDouble(),
                    r.path("high").asDouble(),
                    v.path("probabilityBest").asDouble(),
                    v.path("share").asDouble()));
            i++;
        }
        double even = delivered
                * rates.stream().mapToDouble(Double::doubleValue).average().orElse(0);
        VariantResult best = variants.stream()
                .max(Comparator.comparingDouble(VariantResult::trueClickRate))
                .orElseThrow();
        boolean ahead = variants.stream()
                .filter(v -> v != best)
                .allMatch(v -> best.share() > v.share() && best.delivered() > v.delivered());
        long audience = stats.path("audience").asLong();
        long outcomes = stats.path("outcomes").asLong();
        Map<String, Long> byProvider = new LinkedHashMap<>();
        stats.path("providers")
                .forEach(p -> byProvider.put(
                        p.path("provider").asText(), p.path("delivered").asLong()));
        return new Summary(
                users,
                audience,
                outcomes,
                outcomes == audience,
                sent,
                failed,
                skipped,
                ((Number) simulator.ledger().get("duplicates")).longValue(),
                variants,
                best.variant(),
                best.share(),
                ahead,
                clicks,
                expected,
                even,
                expected - even,
                stats.path("rewardSource").asText(),
                (Boolean) simulator.ledger().get("appEvents"),
                usersClicked,
                byProvider);
    }

    void print(PrintStream out) {
        out.printf(Locale.ROOT, "%n== Summary ==%n");
        out.printf(
                Locale.ROOT,
                "users %,d; audience %,d; outcomes %,d (%s); sent %,d, failed %,d, skipped %s; sent twice: %d%n",
                users,
                audience,
                outcomes,
                everyUserOneOutcome ? "every member exactly one" : "NOT one per member",
                sent,
                failed,
                skipped,
                duplicates);
        out.printf(Locale.ROOT, "delivered by provider: %s%n", deliveredByProvider);
        out.printf(
                Locale.ROOT,
                "  %-22s %6s %9s %10s %7s %17s %7s %7s%n",
                "variant",
                "true",
                "sent",
                "delivered",
                "clicks",
                "click rate (95%)",
                "P(best)",
                "share");
        for (VariantResult v : variants) {
            out.printf(
                    Locale.ROOT,
                    "  %-22s %5.1f%% %9s %10s %7s %5.2f%% %4.2f-%4.2f%% %6.0f%% %6.0f%%%n",
                    v.variant() + " " + v.title(),
                    v.trueClickRate() * 100,
                    Demo.people(v.sent()),
                    Demo.people(v.delivered()),
                    Demo.people(v.clicks()),
                    v.clickRate() * 100,
                    v.clickRateLow() * 100,
                    v.clickRateHigh() * 100,
                    v.probabilityBest() * 100,
                    v.share() * 100);
        }
        out.printf(
                Locale.ROOT,
                "clicks counted from %s%s: %,d of the %,d the simulated users made%n",
                rewardSource,
                appEvents ? "" : " (the app reported nothing)",
                clicks,
                usersClicked);
        out.printf(
                Locale.ROOT,
                "best creative: %s, final share %.0f%%; clicks %,d; expected from these deliveries %,.0f, under an even split %,.0f: "
                        + "%+,.0f clicks (%+.1f%%) from the bandit%n",
                bestVariant,
                bestFinalShare * 100,
                clicks,
                expectedClicks,
                evenSplitClicks,
                clicksGained,
                evenSplitClicks == 0 ? 0 : 100 * clicksGained / evenSplitClicks);
    }
}
