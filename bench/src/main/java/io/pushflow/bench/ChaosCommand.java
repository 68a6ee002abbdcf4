package io.pushflow.bench;

import io.pushflow.bench.pipeline.ChaosBench;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code bin/pushflow chaos [ARGS]}: the fault suite ({@link ChaosBench} starts the cluster and injects the faults)
 * against an admin service of its own; each run in a directory of its own under the state directory, where a failed
 * round's logs stay.
 */
@Command(name = "chaos", description = "the chaos suite; its arguments go to it (--help: its options)")
final class ChaosCommand implements Callable<Integer> {

    private static final String DATABASE = "pushflow_chaos";

    @Parameters(paramLabel = "ARG")
    private List<String> args = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        return run(new BenchHost(), args);
    }

    static int run(BenchHost host, List<String> args) throws Exception {
        if (args.contains("-h") || args.contains("--help")) {
            return host.runJava(ChaosBench.class.getName(), List.of("--help"));
        }
        host.servicesUp();
        Path work = host.stateDir("chaos")
                .resolve(ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        String prefix = "chaos." + System.currentTimeMillis() / 1000 + ".";
        Path adminLog = host.stateDir("chaos-admin.log");
        try (HelperAdmin admin =
                new HelperAdmin(host, "chaos suite", host.freePort(18480), DATABASE, DATABASE, prefix, adminLog)) {
            List<String> all = new ArrayList<>(List.of(
                    "--url",
                    admin.url,
                    "--user",
                    BenchHost.USER,
                    "--password",
                    BenchHost.PASSWORD,
                    "--database",
                    DATABASE,
                    "--queue-prefix",
                    prefix,
                    "--simulator-port",
                    Integer.toString(host.freePort(14410)),
                    "--app-id",
                    "pushflow-chaos",
                    "--app-key",
                    "chaos-key",
                    "--cluster-classpath",
                    host.clusterClasspath(),
                    "--job-jar",
                    host.jobJar().toString(),
                    "--flink-port",
                    Integer.toString(host.freePort(18581)),
                    "--work-dir",
                    work.toString(),
                    "--services",
                    host.root.resolve("bin/pushflow") + " services",
                    "--admin-log",
                    adminLog.toString()));
            all.addAll(args);
            return host.runJava(ChaosBench.class.getName(), all);
        } finally {
            host.say("the run's logs: " + work);
        }
    }
}
