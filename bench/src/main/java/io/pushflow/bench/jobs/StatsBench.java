package io.pushflow.bench.jobs;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import io.pushflow.bench.BenchArgs;
import io.pushflow.bench.Machine;
import io.pushflow.bench.Spread;
import io.pushflow.core.campaign.CampaignCommand;
import io.pushflow.core.campaign.PushEvent;
import io.pushflow.core.campaign.RewardSource;
import io.pushflow.core.json.Json;
import io.pushflow.core.messaging.ChannelDeclarer;
import io.pushflow.core.messaging.Queues;
import io.pushflow.flink.Checkpoints;
import io.pushflow.flink.provider.ProviderFactory;
import io.pushflow.flink.rabbit.RabbitSettings;
import io.pushflow.flink.status.StatusJob;
import io.pushflow.provider.OneSignalFake;
import io.pushflow.store.ClickHouse;
import io.pushflow.store.ClickHouseSchema;
import io.pushflow.tools.AdminApi;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.FileUtils;

/**
 * The statistics benchmark ({@code bin/pushflow bench stats}), against an admin service of its own: a launched
 * campaign with 10 million engagement rows (and 3 million outcome rows, 3,000 notifications) in ClickHouse,
 * then (1) the latency of {@code GET /stats}, R calls, beside the raw ClickHouse queries beneath it, and (2)
 * freshness: with the status job running in this process, one click at a time published on
 * {@code push.events} and the time until the stats call counts it.
 */
public final class StatsBench {

    private static final Duration CALL = Duration.ofSeconds(60);

    public static void main(String[] args) throws Exception {
        Map<String, String> o = BenchArgs.parse(
                args,
                "bench stats --url URL --user U --password P --database DB [--events N (10000000)] "
                        + "[--calls R (100)] [--freshness-samples K (20)] [--out FILE (bench-results/stats.json)]",
                List.of("url", "user", "password", "database", "events", "calls", "freshness-samples", "out"),
                List.of("url", "user", "password", "database"));
        AdminApi api = new AdminApi(o.get("url"), o.get("user"), o.get("password"));
        api.requireHealthy();
        long events = Long.parseLong(o.getOrDefault("events", "10000000"));
        int calls = Integer.parseInt(o.getOrDefault("calls", "100"));
        int marks = Integer.parseInt(o.getOrDefault("freshness-samples", "20"));
        Path out = Path.of(o.getOrDefault("out", "bench-results/stats.json"));
        ClickHouse.Config ch = ClickHouse.Config.fromEnvironment().withDatabase(o.get("database"));
        try (ClickHouse clickHouse = new ClickHouse(ch)) {
            ClickHouseSchema.apply(clickHouse);
            Machine machine = Machine.describe(clickHouse);
            long id = campaign(api);
            System.out.printf(
                    Locale.ROOT,
                    "stats benchmark: campaign %d, %,d event rows, %d calls, %d freshness samples%n  on %s%n",
                    id,
                    events,
                    calls,
                    marks,
                    machine);
            long t0 = System.nanoTime();
            load(clickHouse, id, events);
            System.out.printf(Locale.ROOT, "  loaded in %.1f s%n", (System.nanoTime() - t0) / 1e9);

            List<Double> stats = new ArrayList<>();
            List<Double> raw = new ArrayList<>();
            String path = "api/v1/campaigns/" + id + "/stats";
            api.get(path, CALL); // the audience count is cached after the first call
            for (int i = 0; i < calls; i++) {
                long s = System.nanoTime();
                AdminApi.Reply r = api.get(path, CALL);
                stats.add((System.nanoTime() - s) / 1e6);
                if (r.status() != 200) {
                    throw new IllegalStateException("GET " + path + " answered " + r.status() + ": " + r.text());
                }
                s = System.nanoTime();
                rawQueries(clickHouse, id);
                raw.add((System.nanoTime() - s) / 1e6);
            }
            Spread api99 = Spread.of(stats);
            Spread raw99 = Spread.of(raw);
            System.out.printf(
                    Locale.ROOT,
                    "GET /stats          p50 %.0f ms  p90 %.0f ms  p99 %.0f ms  max %.0f ms%n",
                    api99.p50(),
                    api99.p90(),
                    api99.p99(),
                    api99.max());
            System.out.printf(
                    Locale.ROOT,
                    "raw ClickHouse (4)  p50 %.0f ms  p90 %.0f ms  p99 %.0f ms  max %.0f ms  (ratio at p50 %.2f)%n",
                    raw99.p50(),
                    raw99.p90(),
                    raw99.p99(),
                    raw99.max(),
                    api99.p50() / raw99.p50());

            List<Double> distinct = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                long s = System.nanoTime();
                clickHouse.select("SELECT variant, toString(type) AS t, uniqExact(subscription_id) AS u FROM "
                        + clickHouse.table("push_events") + " WHERE campaign_id = " + id + " GROUP BY variant, type");
                distinct.add((System.nanoTime() - s) / 1e6);
            }
            Spread uniq = Spread.of(distinct);
            System.out.printf(
                    Locale.ROOT,
                    "distinct installs counted over the event rows instead (5 runs): p50 %.0f ms  max %.0f ms%n",
                    uniq.p50(),
                    uniq.max());

            long live = campaign(api); // a campaign of its own: the status job's running totals start from zero there
            Spread fresh = freshness(api, "api/v1/campaigns/" + live + "/stats", ch, live, marks);
            System.out.printf(
                    Locale.ROOT,
                    "event on push.events -> counted by GET /stats: p50 %.0f ms  p90 %.0f ms  max %.0f ms (%d samples)%n",
                    fresh.p50(),
                    fresh.p90(),
                    fresh.max(),
                    fresh.n());

            Map<String, Object> json = new LinkedHashMap<>();
            json.put("scenario", "stats");
            json.put("machine", machine);
            json.put("eventRows", events);
            json.put("statsCallMillis", api99);
            json.put("rawClickHouseMillis", raw99);
            json.put("distinctOverEventsMillis", uniq);
            json.put("freshnessMillis", fresh);
            Files.createDirectories(out.toAbsolutePath().getParent());
            Files.writeString(out, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(json));
            System.out.println("written " + out);
        }
        System.exit(0);
    }

    /** A launched three-variant campaign, created the way a marketer would. */
    private static long campaign(AdminApi api) {
        String tag = Long.toString(System.currentTimeMillis(), 36);
        long cohort = id(api.postJson(
                "api/v1/cohorts",
                Map.of(
                        "name",
                        "stats bench " + tag,
                        "filter",
                        Map.of(
                                "all",
                                List.of(Map.of("field", "sports", "op", "has_any", "values", List.of("kitesurfing"))))),
                CALL));
        List<Map<String, Object>> variants = new ArrayList<>();
        for (String v : List.of("A", "B", "C")) {
            long push = id(api.postJson(
                    "api/v1/pushes",
                    Map.of(
                            "name",
                            "stats bench " + tag + " " + v,
                            "defaultLocale",
                            "en",
                            "texts",
                            Map.of("en", Map.of("title", "Wind " + v, "body", "25 knots " + v))),
                    CALL));
            variants.add(Map.of("pushId", push));
        }
        long id = id(api.postJson(
                "api/v1/campaigns",
                Map.of(
                        "name",
                        "stats bench " + tag,
                        "app",
                        "windy-ios",
                        "cohortId",
                        cohort,
                        "variants",
                        variants,
                        "split",
                        Map.of("type", "BANDIT"),
                        "duration",
                        "PT2H"),
                CALL));
        AdminApi.Reply launched = api.postJson("api/v1/campaigns/" + id + "/launch", Map.of(), CALL);
        if (launched.status() != 200) {
            throw new IllegalStateException("launch answered " + launched.status() + ": " + launched.text());
        }
        return id;
    }

    private static long id(AdminApi.Reply r) {
        if (r.status() != 201) {
            throw new IllegalStateException("the admin service answered " + r.status() + ": " + r.text());
        }
        return r.body().path("id").asLong();
    }

    /** Rows in the jobs' shapes, generated inside ClickHouse (INSERT ... SELECT from numbers()). */
    private static void load(ClickHouse ch, long id, long events) {
        String variant = "arrayElement(['A', 'B', 'C'], toUInt32(number % 3) + 1)";
        ch.execute("INSERT INTO " + ch.table("push_events") + " SELECT concat('bench-', toString(number)), " + id + ", "
                + variant
                + ", concat('s', toString(number % 3000000)), CAST(if(number % 4 = 0, 'clicked', 'opened') AS Enum8('opened' = 1, 'clicked' = 2)), "
                + "now() - number % 7200, now() - number % 7200 FROM numbers(" + events + ")");
        ch.execute("INSERT INTO " + ch.table("push_sends") + " SELECT " + id + ", number, " + variant
                + ", intDiv(number, 30000), 'b', "
                + "CAST(if(number % 10 = 0, 'skipped', 'sent') AS Enum8('sent' = 1, 'failed' = 2, 'skipped' = 3)), if(number % 10 = 0, 'unsubscribed', ''), "
                + "'n', '', now() - number % 7200, 1 FROM numbers(3000000)");
        ch.execute("INSERT INTO " + ch.table("provider_notifications") + " SELECT concat('n-', toString(number)), " + id
                + ", " + variant + ", 'r', 900, now(), 900, 0, 0, 0, 0, now(), 1 FROM numbers(3000)");
        ch.execute("INSERT INTO " + ch.table("variant_totals") + " SELECT " + id + ", " + variant
                + ", 900000, 750000, 250000, now(), number " + "FROM numbers(3000)");
        ch.execute("INSERT INTO " + ch.table("campaign_allocations") + " SELECT " + id + ", intDiv(number, 3), "
                + variant + ", 0.333, 30000, now() FROM numbers(300)");
    }

    /** The four queries the stats call makes, straight to ClickHouse (the send-rate query aside). */
    private static void rawQueries(ClickHouse ch, long id) {
        ch.select("SELECT variant, toString(outcome) AS o, reason, count() AS n FROM " + ch.table("push_sends")
                + " FINAL WHERE campaign_id = " + id + " GROUP BY variant, outcome, reason");
        ch.select("SELECT variant, sum(successful) AS d FROM " + ch.table("provider_notifications")
                + " FINAL WHERE campaign_id = " + id + " GROUP BY variant");
        ch.select("SELECT variant, opened, clicked FROM " + ch.table("variant_totals") + " FINAL WHERE campaign_id = "
                + id);
        ch.select("SELECT variant, sum(users) AS a, argMax(share, wave) AS s FROM " + ch.table("campaign_allocations")
                + " FINAL WHERE campaign_id = " + id + " GROUP BY variant");
    }

    /** One click at a time on push.events, with the status job running here, until GET /stats counts it. */
    private static Spread freshness(AdminApi api, String path, ClickHouse.Config ch, long id, int marks)
            throws Exception {
        Queues queues = new Queues("bench.stats." + System.nanoTime() + ".");
        RabbitSettings rabbit = RabbitSettings.fromEnvironment();
        Path checkpoints = Files.createTempDirectory("pushflow-stats-bench");
        try (OneSignalFake provider = new OneSignalFake("bench", "bench");
                Connection connection = rabbit.connectionFactory().newConnection("stats-bench")) {
            Channel channel = connection.createChannel();
            for (String q : Queues.ALL) {
                queues.declare(q, new ChannelDeclarer(channel));
            }
            StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(2);
            StatusJob.build(
                    env,
                    new StatusJob.Settings(
                            queues,
                            rabbit,
                            ch,
                            new ProviderFactory.OneSignal(
                                    provider.baseUrl().toString(), "bench", "bench", Duration.ofSeconds(5), 3),
                            Duration.ofSeconds(2),
                            Duration.ofSeconds(30),
                            Duration.ofHours(1),
                            Duration.ofHours(1),
                            16,
                            Duration.ofSeconds(2),
                            Duration.ofSeconds(30),
                            Duration.ofSeconds(30),
                            Duration.ofSeconds(60),
                            Duration.ofMinutes(10),
                            new Checkpoints(
                                    Duration.ofSeconds(1), checkpoints.toUri().toString()),
                            5_000));
            JobClient job = env.executeAsync("status for the stats benchmark");
            Thread.sleep(5_000); // the job's start
            // the status job takes events only of campaigns it has a command of (the admin service's go to its own
            // queues)
            CampaignCommand launch = BenchCampaigns.launch(id, List.of("A", "B", "C"), RewardSource.AUTO);
            channel.basicPublish(
                    queues.name(Queues.CAMPAIGN_COMMANDS_EXCHANGE),
                    "",
                    new AMQP.BasicProperties.Builder()
                            .correlationId(launch.commandId())
                            .deliveryMode(2)
                            .build(),
                    Json.bytes(launch));
            List<Double> latencies = new ArrayList<>();
            long clicked = clicked(api, path);
            for (int i = 0; i < marks; i++) {
                PushEvent e = new PushEvent(
                        PushEvent.VERSION,
                        UUID.randomUUID().toString(),
                        id,
                        "A",
                        "fresh-" + UUID.randomUUID(),
                        PushEvent.Type.CLICKED,
                        Instant.now());
                long start = System.nanoTime();
                channel.basicPublish(
                        "",
                        queues.name(Queues.PUSH_EVENTS),
                        new AMQP.BasicProperties.Builder()
                                .correlationId(e.eventId())
                                .deliveryMode(2)
                                .build(),
                        Json.write(e).getBytes(StandardCharsets.UTF_8));
                long deadline = System.currentTimeMillis() + 60_000;
                long now;
                while ((now = clicked(api, path)) <= clicked && System.currentTimeMillis() < deadline) {
                    Thread.sleep(20);
                }
                if (now <= clicked) {
                    throw new IllegalStateException("a published click did not show in the stats within a minute");
                }
                latencies.add((System.nanoTime() - start) / 1e6);
                clicked = now;
            }
            job.cancel().get();
            FileUtils.deleteDirectoryQuietly(checkpoints.toFile());
            new ChannelDeclarer(channel).removeAll(queues);
            return Spread.of(latencies);
        }
    }

    private static long clicked(AdminApi api, String path) {
        AdminApi.Reply r = api.get(path, CALL);
        for (var v : r.body().path("variants")) {
            if (v.path("variant").asText().equals("A")) {
                return v.path("clicked").asLong();
            }
        }
        return 0;
    }
}
