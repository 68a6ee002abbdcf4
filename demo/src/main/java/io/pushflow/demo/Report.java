package io.pushflow.demo;

import com.fasterxml.jackson.databind.JsonNode;
import io.pushflow.tools.AdminApi;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYErrorRenderer;
import org.jfree.data.xy.XYIntervalSeries;
import org.jfree.data.xy.XYIntervalSeriesCollection;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * The demo's report: {@code index.html} with the summary and three charts drawn with JFreeChart: each variant's
 * share of the waves over time, each variant's click rate with its 95% interval beside the simulator's true
 * rate, and the campaign's cumulative clicks against what an even split of the same sends would have got.
 */
final class Report {

    private static final Duration CALL = Duration.ofSeconds(30);

    private Report() {}

    static void write(
            Path dir,
            Summary s,
            AdminApi api,
            Marketer.Campaign c,
            String simulatorUrl,
            String flinkUrl,
            String adminUrl)
            throws IOException {
        Files.createDirectories(dir);
        String base = "api/v1/campaigns/" + c.id() + "/stats/timeseries?step=PT5S&metric=";
        JsonNode shares = api.get(base + "share", CALL).body();
        JsonNode sends = api.get(base + "sends", CALL).body();
        JsonNode clicks = api.get(base + "clicks", CALL).body();
        Instant start = first(shares, sends);

        XYSeriesCollection shareData = new XYSeriesCollection();
        for (Iterator<Map.Entry<String, JsonNode>> it = shares.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            XYSeries series = new XYSeries(e.getKey() + " " + title(s, e.getKey()));
            e.getValue()
                    .forEach(p -> series.add(seconds(start, p), p.path("value").asDouble() * 100));
            shareData.addSeries(series);
        }
        save(
                dir,
                "share.png",
                ChartFactory.createXYLineChart(
                        "Share of each wave",
                        "seconds since launch",
                        "share of the wave (%)",
                        shareData,
                        PlotOrientation.VERTICAL,
                        true,
                        false,
                        false));

        XYIntervalSeries observed = new XYIntervalSeries("observed click rate, 95% interval");
        XYIntervalSeries truth = new XYIntervalSeries("true click rate (simulator)");
        int i = 1;
        for (Summary.VariantResult v : s.variants()) {
            observed.add(i, i - 0.1, i + 0.1, v.clickRate() * 100, v.clickRateLow() * 100, v.clickRateHigh() * 100);
            truth.add(
                    i + 0.2,
                    i + 0.2,
                    i + 0.2,
                    v.trueClickRate() * 100,
                    v.trueClickRate() * 100,
                    v.trueClickRate() * 100);
            i++;
        }
        XYIntervalSeriesCollection rates = new XYIntervalSeriesCollection();
        rates.addSeries(observed);
        rates.addSeries(truth);
        JFreeChart rateChart = ChartFactory.createScatterPlot(
                "Click rate per variant (1 = A, 2 = B, 3 = C)",
                "variant",
                "clicks per delivered push (%)",
                rates,
                PlotOrientation.VERTICAL,
                true,
                false,
                false);
        XYErrorRenderer errors = new XYErrorRenderer();
        errors.setDrawXError(false);
        ((XYPlot) rateChart.getPlot()).setRenderer(errors);
        save(dir, "click-rate.png", rateChart);

        double evenRate = s.variants().stream()
                .mapToDouble(Summary.VariantResult::trueClickRate)
                .average()
                .orElse(0);
        TreeMap<Double, Double> sent = cumulative(start, sends);
        TreeMap<Double, Double> clicked = cumulative(start, clicks);
        XYSeries actual = new XYSeries("this campaign (bandit)");
        clicked.forEach(actual::add);
        XYSeries even = new XYSeries("even A/B split of the same sends (expected, simulator's true rates)");
        sent.forEach((t, n) -> even.add(t, Double.valueOf(n * evenRate)));
        XYSeriesCollection clickData = new XYSeriesCollection();
        clickData.addSeries(actual);
        clickData.addSeries(even);
        save(
                dir,
                "clicks.png",
                ChartFactory.createXYLineChart(
                        "Cumulative clicks",
                        "seconds since launch",
                        "clicks",
                        clickData,
                        PlotOrientation.VERTICAL,
                        true,
                        false,
                        false));

        StringBuilder rows = new StringBuilder();
        for (Summary.VariantResult v : s.variants()) {
            rows.append(String.format(
                    Locale.ROOT,
                    "<tr><td>%s</td><td>%s</td><td>%.1f%%</td><td>%,d</td><td>%,d</td><td>%,d</td>"
                            + "<td>%.2f%% (%.2f&ndash;%.2f%%)</td><td>%.0f%%</td><td>%.0f%%</td></tr>%n",
                    v.variant(),
                    html(v.title()),
                    v.trueClickRate() * 100,
                    v.sent(),
                    v.delivered(),
                    v.clicks(),
                    v.clickRate() * 100,
                    v.clickRateLow() * 100,
                    v.clickRateHigh() * 100,
                    v.probabilityBest() * 100,
                    v.share() * 100));
        }
        String page = """
                <!doctype html>
                <html lang="en"><head><meta charset="utf-8"><title>pushflow demo report</title>
                <style>body{font-family:sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}table{border-collapse:collapse}
                td,th{border:1px solid #ccc;padding:.3rem .6rem;text-align:right}td:nth-child(2){text-align:left}img{max-width:100%%}</style></head>
                <body><h1>pushflow demo: a bandit campaign</h1>
                <p>%,d users generated; the cohort had %,d; %,d outcomes (%s); %,d sent, %,d failed, skipped %s; pushes sent twice: %d.</p>
                <table><tr><th>variant</th><th>creative</th><th>true click rate</th><th>sent</th><th>delivered</th><th>clicks</th>
                <th>click rate (95%% interval)</th><th>P(best)</th><th>final share</th></tr>
                %s</table>
                <p><b>%s</b> is the best creative; the bandit gave it %.0f%% of the last wave. %,d clicks; an even A/B split of the same
                deliveries would have been expected to get %,.0f: <b>%+,.0f clicks</b> from the bandit.</p>
                <h2>Share of each wave</h2><img src="share.png" alt="share of each wave per variant over time">
                <h2>Click rate per variant</h2><img src="click-rate.png" alt="click rate per variant with its interval and the true rate">
                <h2>Cumulative clicks</h2><img src="clicks.png" alt="cumulative clicks against an even split">
                <p>Swagger UI: <a href="%s/api/openapi/">%s/api/openapi/</a> &middot; Flink dashboard: <a href="%s">%s</a> &middot;
                provider simulator: %s</p></body></html>
                """.formatted(
                        s.users(),
                        s.audience(),
                        s.outcomes(),
                        s.everyUserOneOutcome() ? "every member exactly one" : "not one per member",
                        s.sent(),
                        s.failed(),
                        html(s.skipped().toString()),
                        s.duplicates(),
                        rows,
                        s.bestVariant(),
                        s.bestFinalShare() * 100,
                        s.clicks(),
                        s.evenSplitClicks(),
                        s.clicksGained(),
                        adminUrl.replaceAll("/$", ""),
                        adminUrl.replaceAll("/$", ""),
                        flinkUrl,
                        flinkUrl,
                        simulatorUrl);
        Files.writeString(dir.resolve("index.html"), page);
    }

    private static String title(Summary s, String variant) {
        return s.variants().stream()
                .filter(v -> v.variant().equals(variant))
                .map(Summary.VariantResult::title)
                .findFirst()
                .orElse("");
    }

    private static Instant first(JsonNode... series) {
        Instant first = null;
        for (JsonNode byVariant : series) {
            for (JsonNode points : byVariant) {
                for (JsonNode p : points) {
                    Instant at = Instant.parse(p.path("at").asText());
                    first = first == null || at.isBefore(first) ? at : first;
                }
            }
        }
        return first == null ? Instant.now() : first;
    }

    private static double seconds(Instant start, JsonNode point) {
        return Duration.between(start, Instant.parse(point.path("at").asText())).toSeconds();
    }

    /** The series of all variants added up and accumulated over time. */
    private static TreeMap<Double, Double> cumulative(Instant start, JsonNode byVariant) {
        TreeMap<Double, Double> steps = new TreeMap<>();
        for (JsonNode points : byVariant) {
            points.forEach(p -> steps.merge(seconds(start, p), p.path("value").asDouble(), Double::sum));
        }
        double total = 0;
        TreeMap<Double, Double> out = new TreeMap<>();
        for (Map.Entry<Double, Double> e : steps.entrySet()) {
            total += e.getValue();
            out.put(e.getKey(), total);
        }
        return out;
    }

    private static void save(Path dir, String name, JFreeChart chart) throws IOException {
        ChartUtils.saveChartAsPNG(dir.resolve(name).toFile(), chart, 900, 450);
    }

    private static String html(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
