package io.pushflow.tools;

import io.pushflow.store.ClickHouse;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine;

/**
 * Runs a program's picocli command: {@code --help} prints its usage, a bad argument prints what is wrong (and a
 * pointer to --help) and exits 2, a failure prints its cause chain and exits 1.
 */
public final class Cli {

    private Cli() {}

    public static void main(Object command, String[] args) {
        System.exit(execute(command, args));
    }

    public static int execute(Object command, String... args) {
        return commandLine(command).execute(args);
    }

    /** The command with this project's handling of bad arguments and failures. */
    public static CommandLine commandLine(Object command) {
        CommandLine commandLine = new CommandLine(command);
        commandLine.setExecutionExceptionHandler((e, cl, parsed) -> {
            StringBuilder message =
                    new StringBuilder(cl.getCommandName()).append(": error: ").append(e);
            for (Throwable cause = e.getCause(); cause != null && cause != cause.getCause(); cause = cause.getCause()) {
                message.append("\n  caused by: ").append(cause);
            }
            cl.getErr().println(message);
            return 1;
        });
        commandLine.setParameterExceptionHandler((e, given) -> {
            CommandLine cl = e.getCommandLine();
            cl.getErr().println(cl.getCommandName() + ": " + e.getMessage());
            CommandLine.UnmatchedArgumentException.printSuggestions(e, cl.getErr());
            cl.getErr().println("try '" + cl.getCommandName() + " --help' for the options");
            return CommandLine.ExitCode.USAGE;
        });
        return commandLine;
    }

    /** A bad argument found after parsing (a range, a combination): exit 2, like a parse error. */
    public static CommandLine.ParameterException invalid(CommandLine.Model.CommandSpec spec, String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }

    /** ClickHouse as the environment names it (CLICKHOUSE_URL, _USER, _PASSWORD), in {@code database}. */
    public static ClickHouse clickHouse(String database, Duration maxExecutionTime) {
        ClickHouse.Config env = ClickHouse.Config.fromEnvironment();
        return new ClickHouse(new ClickHouse.Config(env.url(), env.user(), env.password(), database, maxExecutionTime));
    }

    /** The environment variable or a fallback: the defaults bin/pushflow and the services share. */
    /** bin/pushflow's state directory: {@code $XDG_STATE_HOME/pushflow}, else ~/.local/state/pushflow. */
    public static Path stateDir() {
        return Path.of(env("XDG_STATE_HOME", System.getProperty("user.home") + "/.local/state"), "pushflow");
    }

    public static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isEmpty() ? fallback : value;
    }
}
