package io.pushflow.demo;

import com.fasterxml.jackson.databind.JsonNode;
import io.pushflow.cluster.LocalCluster;
import io.pushflow.core.campaign.Provider;
import io.pushflow.core.campaign.RewardSource;
import io.pushflow.core.json.Json;
import io.pushflow.tools.AdminApi;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.flink.api.common.JobID;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;

/**
 * {@code bin/pushflow demo}: a whole bandit campaign on one machine. Synthetic users go into ClickHouse; the three
 * jobs run in a local Flink cluster in this process (dashboard on {@code --flink-port}); the provider simulator
 * plays OneSignal and the users; a cohort, three creatives and a BANDIT campaign are created and launched through
 * the admin service's REST API, as a marketer would; the campaign is watched live from the statistics API; at
 * the end a summary, a report with charts, and (with {@code --json}) the summary as JSON.
 */
public final class Demo {

    /** What a run is told; {@code bin/pushflow demo} runs it against an admin service of its own ({@link DemoAdmin}). */
    public record Options(
            long users,
            Duration window,
            Duration wave,
            List<Double> clickRates,
            long seed,
            String adminUrl,
            String adminUser,
            String adminPassword,
            String clickHouseDatabase,
            String queuePrefix,
            int flinkPort,
            int simulatorPort,
            Path reportDir,
            Path json,
            boolean keepRunning,
            boolean live,
            RewardSource rewards,
            ClusterKind cluster,
            Provider provider) {

        public Options {
            provider = provider == null ? Provider.ONESIGNAL : provider;
        }

        /** Through OneSignal (the simulator's OneSignal API). */
        public Options(
                long users,
                Duration window,
                Duration wave,
                List<Double> clickRates,
                long seed,
                String adminUrl,
                String adminUser,
                String adminPassword,
                String clickHouseDatabase,
                String queuePrefix,
                int flinkPort,
                int simulatorPort,
                Path reportDir,
                Path json,
                boolean keepRunning,
                boolean live,
                RewardSource rewards,
                ClusterKind cluster) {
            this(
                    users,
                    window,
                    wave,
                    clickRates,
                    seed,
                    adminUrl,
                    adminUser,
                    adminPassword,
                    clickHouseDatabase,
                    queuePrefix,
                    flinkPort,
                    simulatorPort,
                    reportDir,
                    json,
                    keepRunning,
                    live,
                    rewards,
                    cluster,
                    Provider.ONESIGNAL);
        }

        /** Everything but the admin password. */
        @Override
        public String toString() {
            return "Options[users=" + users + ", window=" + window + ", wave=" + wave + ", clickRates=" + clickRates
                    + ", seed=" + seed
                    + ", adminUrl=" + adminUrl + ", adminUser=" + adminUser
                    + ", adminPassword=(secret), clickHouseDatabase=" + clickHouseDatabase
                    + ", queuePrefix=" + queuePrefix + ", flinkPort=" + flinkPort + ", simulatorPort=" + simulatorPort
                    + ", reportDir=" + reportDir
                    + ", json=" + json + ", keepRunning=" + keepRunning + ", live=" + live + ", rewards=" + rewards
                    + ", cluster=" + cluster + ", provider=" + provider + "]";
        }
    }

    /** Where the three jobs run: a local cluster in this process (the default, quicker to start) or Flink's standalone cluster. */
    public enum ClusterKind {
        LOCAL,
        STANDALONE
    }

    /** The creatives: what they say and how often the simulated users click them. */
    static final List<String[]> CREATIVES = List.of(
            new String[] {"Wind alert", "Gusts up to 25 knots at your spot tomorrow"},
            new String[] {"Your spot, tomorrow", "Side-shore 18 knots from 10:00, sunny"},
            new String[] {"Session tomorrow?", "Perfect kiting window 10:00-14:00 at your spot - check the forecast"});

    private Demo() {}

    public static void main(String[] args) throws Exception {
        Options o = DemoOptions.parse(args);
        if (System.getenv("DEMO_ADMIN_URL") == null) {
            String url = DemoAdmin.start(o.clickHouseDatabase(), o.queuePrefix(), System.out).url;
            o = DemoOptions.parse(args, url, DemoAdmin.USER, DemoAdmin.PASSWORD);
        }
        Summary summary = run(o, System.out);
        System.exit(summary.everyUserOneOutcome() && summary.duplicates() == 0 ? 0 : 1);
    }

    public static Summary run(Options o, PrintStream out) throws Exception {
        AdminApi api = new AdminApi(o.adminUrl(), o.adminUser(), o.adminPassword());
        api.requireHealthy();
        try (Stage stage = Stage.start(o, out)) {
            Marketer marketer = new Marketer(api, out);
            Marketer.Campaign campaign = marketer.launch(o.window(), CREATIVES, o.rewards(), o.provider());
            // the provider's click counts are looked at every few seconds (Stage's poller), so they go quiet for longer
            // between changes
            Watch watch = new Watch(
                    api, campaign, out, o.live(), Duration.ofSeconds(o.rewards() == RewardSource.PROVIDER ? 12 : 6));
            JsonNode stats = watch.untilDone(o.window().plusMinutes(3));
            Summary summary = Summary.of(o.users(), stats, stage.simulator(), campaign.id(), o.clickRates(), CREATIVES);
            summary.print(out);
            Report.write(
                    o.reportDir(),
                    summary,
                    api,
                    campaign,
                    stage.simulator().baseUrl().toString(),
                    stage.flinkUrl(),
                    o.adminUrl());
            step(out, "report: %s", o.reportDir().resolve("index.html").toAbsolutePath());
            if (o.json() != null) {
                Files.createDirectories(o.json().toAbsolutePath().getParent());
                Files.writeString(
                        o.json(), Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(summary));
                step(out, "summary as JSON: %s", o.json().toAbsolutePath());
            }
            out.printf(
                    Locale.ROOT,
                    "%nConsole:          %s/console/%nSwagger UI:       %s/api/openapi/%nFlink dashboard:  %s%nReport:           %s%n",
                    o.adminUrl().replaceAll("/$", ""),
                    o.adminUrl().replaceAll("/$", ""),
                    stage.flinkUrl(),
                    o.reportDir().resolve("index.html").toAbsolutePath());
            if (o.keepRunning()) {
                out.println("\nEverything keeps running (--keep-running); stop with Ctrl-C.");
                Thread.currentThread().join();
            }
            return summary;
        }
    }

    static void step(PrintStream out, String format, Object... args) {
        out.printf(Locale.ROOT, "==> " + format + "%n", args);
    }

    /** A local Flink cluster with its dashboard, running the jobs in this process. */
    static final class Cluster implements AutoCloseable {

        private final MiniCluster mini;
        private final List<JobID> jobs = new ArrayList<>();

        Cluster(int port) throws Exception {
            mini = LocalCluster.start(port, 8);
        }

        String url() {
            try {
                return mini.getRestAddress().get().toString();
            } catch (Exception e) {
                throw new IllegalStateException("the local Flink cluster has no REST address", e);
            }
        }

        void submit(String name, Consumer<StreamExecutionEnvironment> build) throws Exception {
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
            env.setParallelism(2);
            build.accept(env);
            StreamGraph graph = env.getStreamGraph();
            graph.setJobName(name);
            jobs.add(mini.submitJob(graph.getJobGraph()).get().getJobID());
        }

        @Override
        public void close() throws Exception {
            for (JobID job : jobs) {
                try {
                    mini.cancelJob(job).get();
                } catch (Exception ignored) {
                    // a job that already ended
                }
            }
            mini.close();
        }
    }

    /** Seconds as "1m05s". */
    static String duration(long seconds) {
        return seconds >= 60 ? String.format(Locale.ROOT, "%dm%02ds", seconds / 60, seconds % 60) : seconds + "s";
    }

    /** 1234567 as "1.2M", 12345 as "12.3k". */
    static String people(long n) {
        return n >= 1_000_000
                ? String.format(Locale.ROOT, "%.1fM", n / 1e6)
                : n >= 10_000 ? String.format(Locale.ROOT, "%.1fk", n / 1e3) : Long.toString(n);
    }

    static Map<String, Object> map(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }
}
