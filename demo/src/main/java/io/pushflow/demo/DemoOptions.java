package io.pushflow.demo;

import io.pushflow.core.Environment;
import io.pushflow.core.campaign.Provider;
import io.pushflow.core.campaign.RewardSource;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** The demo's command line: what a newcomer may change, with defaults that finish in a few minutes. */
final class DemoOptions {

    static final String USAGE = """
            usage: bin/pushflow demo [--users N] [--window PT2M] [--rewards auto|app|provider] [--provider onesignal|direct]
                                     [--cluster local|standalone] [--json FILE] [--keep-running]
              --users N           synthetic users to generate (default 100000)
              --window D          the campaign's send window, ISO 8601 (default PT2M)
              --wave D            time between the dispatch job's waves (default PT5S)
              --click-rates a,b,c the three creatives' true click rates in the simulator (default 0.02,0.03,0.045)
              --rewards S         where the bandit's clicks are counted: auto (default: the larger of the app's and
                                  the provider's count), app (the app's events), provider (the provider's click counts
                                  only; the simulated app then reports nothing, as an uninstrumented app)
              --provider P        how the pushes go out: onesignal (default: the simulator's OneSignal API) or direct
                                  (the simulator's APNs and FCM, one request per device; users without a device token
                                  are skipped; clicks come from the app's events, so not with --rewards provider)
              --cluster C         where the three jobs run: local (default: a Flink cluster in the demo's process) or
                                  standalone (Flink's standalone cluster, a JobManager and two TaskManager processes,
                                  the job jar submitted as bin/pushflow jobs start does, state in RocksDB)
              --json FILE         also write the summary as JSON
              --report DIR        where the report goes (default demo-report)
              --keep-running      leave the cluster, the simulator and the admin service running at the end
              --static            print a status line every few seconds instead of redrawing (for logs)""";

    private DemoOptions() {}

    /** The options, against the admin service DEMO_ADMIN_URL names (as DEMO_ADMIN_USER, DEMO_ADMIN_PASSWORD). */
    static Demo.Options parse(String[] args) {
        return parse(
                args,
                Environment.value("DEMO_ADMIN_URL", "http://127.0.0.1:8080"),
                Environment.value("DEMO_ADMIN_USER", "marketer"),
                Environment.value("DEMO_ADMIN_PASSWORD", "marketer"));
    }

    static Demo.Options parse(String[] args, String url, String user, String password) {
        long users = 100_000;
        Duration window = Duration.ofMinutes(2);
        Duration wave = Duration.ofSeconds(5);
        List<Double> rates = List.of(0.02, 0.03, 0.045);
        Path json = null;
        Path report = Path.of("demo-report");
        boolean keep = false;
        boolean live = true;
        RewardSource rewards = RewardSource.AUTO;
        Demo.ClusterKind cluster = Demo.ClusterKind.LOCAL;
        Provider provider = Provider.ONESIGNAL;
        try {
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--users" -> users = Long.parseLong(args[++i]);
                    case "--window" -> window = Duration.parse(args[++i]);
                    case "--wave" -> wave = Duration.parse(args[++i]);
                    case "--click-rates" ->
                        rates = Arrays.stream(args[++i].split(","))
                                .map(Double::valueOf)
                                .toList();
                    case "--json" -> json = Path.of(args[++i]);
                    case "--report" -> report = Path.of(args[++i]);
                    case "--keep-running" -> keep = true;
                    case "--static" -> live = false;
                    case "--rewards" -> rewards = RewardSource.valueOf(args[++i].toUpperCase(Locale.ROOT));
                    case "--provider" ->
                        provider = switch (args[++i]) {
                            case "onesignal" -> Provider.ONESIGNAL;
                            case "direct" -> Provider.DIRECT;
                            default ->
                                throw new IllegalArgumentException(
                                        "--provider takes onesignal or direct, not '" + args[i] + "'");
                        };
                    case "--cluster" ->
                        cluster = switch (args[++i]) {
                            case "local" -> Demo.ClusterKind.LOCAL;
                            case "standalone" -> Demo.ClusterKind.STANDALONE;
                            default ->
                                throw new IllegalArgumentException(
                                        "--cluster takes local or standalone, not '" + args[i] + "'");
                        };
                    case "-h", "--help" -> {
                        System.out.println(USAGE);
                        System.exit(0);
                    }
                    default -> throw new IllegalArgumentException("unknown argument " + args[i]);
                }
            }
            if (provider == Provider.DIRECT && rewards == RewardSource.PROVIDER) {
                throw new IllegalArgumentException(
                        "APNs and FCM report no clicks: --provider direct needs --rewards app or auto");
            }
            if (users < 100 || users > 20_000_000) {
                throw new IllegalArgumentException("--users must be from 100 to 20,000,000");
            }
            if (rates.size() != Demo.CREATIVES.size() || rates.stream().anyMatch(r -> r <= 0 || r >= 0.3)) {
                throw new IllegalArgumentException(
                        "--click-rates needs " + Demo.CREATIVES.size() + " rates between 0 and 0.3");
            }
            if (window.compareTo(Duration.ofSeconds(30)) < 0 || window.compareTo(Duration.ofHours(1)) > 0) {
                throw new IllegalArgumentException("--window must be from PT30S to PT1H");
            }
            if (wave.isNegative() || wave.isZero() || wave.compareTo(window) > 0) {
                throw new IllegalArgumentException("--wave must be positive and shorter than the window");
            }
        } catch (ArrayIndexOutOfBoundsException | IllegalArgumentException | DateTimeParseException e) {
            System.err.println("demo: " + e.getMessage() + "\n" + USAGE);
            System.exit(2);
        }
        return new Demo.Options(
                users,
                window,
                wave,
                rates,
                7,
                url,
                user,
                password,
                Environment.value("CLICKHOUSE_DATABASE", "pushflow_demo"),
                Environment.value("PUSHFLOW_QUEUE_PREFIX", "demo."),
                Integer.parseInt(Environment.value("FLINK_REST_PORT", "8081")),
                Integer.parseInt(Environment.value("SIMULATOR_PORT", "4010")),
                report,
                json,
                keep,
                live,
                rewards,
                cluster,
                provider);
    }
}
