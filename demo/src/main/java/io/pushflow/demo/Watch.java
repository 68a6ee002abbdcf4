package io.pushflow.demo;

import com.fasterxml.jackson.databind.JsonNode;
import io.pushflow.tools.AdminApi;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;

/**
 * The live view: every second the statistics API's numbers as a progress bar and a table per variant, redrawn in
 * place on a terminal (or a line every few seconds with {@code --static}), until the campaign is over and the
 * late clicks are in.
 */
final class Watch {

    private static final Duration CALL = Duration.ofSeconds(30);

    private final AdminApi api;
    private final Marketer.Campaign campaign;
    private final PrintStream out;
    private final boolean live;
    /** After the last outcome, clicks keep coming for a while: wait until they stop changing this long. */
    private final long quietMillis;

    private int drawn;

    Watch(AdminApi api, Marketer.Campaign campaign, PrintStream out, boolean live, Duration quiet) {
        this.api = api;
        this.campaign = campaign;
        this.out = out;
        this.live = live;
        this.quietMillis = quiet.toMillis();
    }

    /** The last statistics once the campaign is over and nothing changed for a while, or when {@code limit} passes. */
    JsonNode untilDone(Duration limit) throws InterruptedException {
        long deadline = System.currentTimeMillis() + limit.toMillis();
        long lastChange = System.currentTimeMillis();
        String lastNumbers = "";
        long tick = 0;
        JsonNode stats = null;
        while (System.currentTimeMillis() < deadline) {
            Thread.sleep(1_000);
            stats = api.get("api/v1/campaigns/" + campaign.id() + "/stats", CALL)
                    .body();
            String status = api.get("api/v1/campaigns/" + campaign.id(), CALL)
                    .body()
                    .path("status")
                    .asText();
            if (live || tick++ % 5 == 0) {
                draw(stats, status);
            }
            String numbers =
                    stats.path("outcomes").asText() + stats.path("variants").toString();
            if (!numbers.equals(lastNumbers)) {
                lastNumbers = numbers;
                lastChange = System.currentTimeMillis();
            }
            boolean over = status.equals("COMPLETED") || status.equals("STOPPED");
            if (over
                    && stats.path("outcomes").asLong() >= stats.path("audience").asLong()
                    && System.currentTimeMillis() - lastChange > quietMillis) {
                draw(stats, status);
                return stats;
            }
        }
        out.println("the campaign did not finish within " + limit + "; showing what there is");
        return stats;
    }

    private void draw(JsonNode s, String status) {
        StringBuilder b = new StringBuilder();
        long audience = s.path("audience").asLong();
        long outcomes = s.path("outcomes").asLong();
        double progress = s.path("progress").asDouble();
        int filled = (int) Math.round(progress * 40);
        b.append(String.format(
                Locale.ROOT,
                "%-9s [%s%s] %5.1f%%  %s / %s users  %,.0f sent/s  ETA %s%n",
                status,
                "#".repeat(filled),
                ".".repeat(40 - filled),
                progress * 100,
                Demo.people(outcomes),
                Demo.people(audience),
                s.path("sendRatePerSecond").asDouble(),
                s.path("etaSeconds").isNull() || s.path("etaSeconds").isMissingNode()
                        ? "-"
                        : Demo.duration(s.path("etaSeconds").asLong())));
        b.append(String.format(
                Locale.ROOT,
                "  %-22s %9s %10s %7s %11s %7s %7s%n",
                "variant",
                "sent",
                "delivered",
                "clicks",
                "click rate",
                "P(best)",
                "share"));
        int i = 0;
        for (JsonNode v : s.path("variants")) {
            String title = i < campaign.titles().size() ? campaign.titles().get(i) : "";
            i++;
            JsonNode rate = v.path("clickRate");
            b.append(String.format(
                    Locale.ROOT,
                    "  %-22s %9s %10s %7s %10.2f%% %6.0f%% %6.0f%%%n",
                    v.path("variant").asText() + " " + title,
                    Demo.people(v.path("sent").asLong()),
                    Demo.people(v.path("delivered").asLong()),
                    Demo.people(v.path("clicked").asLong()),
                    rate.path("rate").asDouble() * 100,
                    v.path("probabilityBest").asDouble() * 100,
                    v.path("share").isNumber() ? v.path("share").asDouble() * 100 : 0.0));
        }
        String text = b.toString();
        if (live && drawn > 0) {
            out.print("\033[" + drawn + "A\033[J"); // back to the top of the last drawing
        }
        out.print(text);
        out.flush();
        drawn = (int) text.chars().filter(c -> c == '\n').count();
    }
}
