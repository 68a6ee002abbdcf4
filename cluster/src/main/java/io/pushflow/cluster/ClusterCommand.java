package io.pushflow.cluster;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The command line of {@link StandaloneCluster} (a hand-made parser: this module keeps Flink alone on its classpath).
 * Exit code 0 when done, 1 when it failed (the reason on standard error), 2 for a bad argument.
 */
final class ClusterCommand {

    static final String USAGE = """
            usage: bin/pushflow cluster start [--taskmanagers N] [--slots S] | status | stop | add-taskmanager
                   bin/pushflow cluster --local     (the one-JVM cluster, in the foreground)
              start            a JobManager and N TaskManager processes in the background (default 2 of 3 slots); waits until
                               the REST API counts them all, prints the dashboard's address and the settings the jobs will see
              status           each process (pid, running or not) and what the REST API counts
              stop             TERM to every process, KILL to those still running after 30 s
              add-taskmanager  one more TaskManager (in place of one that stopped), waits until it is registered
            options: --taskmanagers N, --slots S, --rest-port P (FLINK_REST_PORT, 8081; 0: a free one), --rpc-port P
                     (FLINK_RPC_PORT, 6123), --timeout SECONDS (180), --state-dir DIR (bin/pushflow: its state directory/cluster)
            memory: FLINK_TM_MEMORY (3g a TaskManager process), FLINK_MANAGED_MEMORY (1g of it), FLINK_JM_MEMORY (1600m)""";

    private ClusterCommand() {}

    static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0 || List.of("-h", "--help", "help").contains(args[0])) {
            out.println(USAGE);
            return args.length == 0 ? 2 : 0;
        }
        if (args[0].startsWith("-")) {
            err.println("cluster: name a command first: start, status, stop or add-taskmanager");
            err.println(USAGE);
            return 2;
        }
        String command = args[0];
        Path stateDir = null;
        Integer taskManagers = null;
        Integer slots = null;
        Integer restPort = null;
        Integer rpcPort = null;
        Duration timeout = StandaloneCluster.START_TIMEOUT;
        try {
            for (int i = 1; i < args.length; i++) {
                String option = args[i];
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException(option + " needs a value");
                }
                String value = args[++i];
                switch (option) {
                    case "--state-dir" -> stateDir = Path.of(value);
                    case "--taskmanagers" -> taskManagers = positive(option, value);
                    case "--slots" -> slots = positive(option, value);
                    case "--rest-port" -> restPort = Integer.parseInt(value);
                    case "--rpc-port" -> rpcPort = Integer.parseInt(value);
                    case "--timeout" -> timeout = Duration.ofSeconds(positive(option, value));
                    default -> throw new IllegalArgumentException("unknown option " + option);
                }
            }
            if (stateDir == null) {
                throw new IllegalArgumentException("--state-dir is missing");
            }
            if (!command.equals("start")
                    && (taskManagers != null || slots != null || restPort != null || rpcPort != null)) {
                throw new IllegalArgumentException(
                        "--taskmanagers, --slots and the ports apply to start only (the others read the running cluster's)");
            }
        } catch (IllegalArgumentException e) {
            err.println("cluster: " + e.getMessage());
            err.println(USAGE);
            return 2;
        }
        ClusterSettings s = ClusterSettings.fromEnvironment(stateDir);
        s = s.withSize(taskManagers == null ? s.taskManagers() : taskManagers, slots == null ? s.slots() : slots)
                .withPorts(restPort == null ? s.restPort() : restPort, rpcPort == null ? s.rpcPort() : rpcPort);
        StandaloneCluster cluster = new StandaloneCluster(s, out);
        try {
            switch (command) {
                case "start" -> cluster.start(timeout);
                case "status" -> cluster.printStatus();
                case "stop" -> cluster.stop(StandaloneCluster.STOP_GRACE);
                case "add-taskmanager" -> cluster.addTaskManager(timeout);
                default -> {
                    err.println("cluster: unknown command " + command);
                    err.println(USAGE);
                    return 2;
                }
            }
            return 0;
        } catch (RuntimeException e) {
            err.println("cluster: error: " + e.getMessage());
            return 1;
        }
    }

    private static int positive(String option, String value) {
        int n;
        try {
            n = Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " takes a number, not '" + value + "'");
        }
        if (n < 1) {
            throw new IllegalArgumentException(option + " must be at least 1");
        }
        return n;
    }
}
