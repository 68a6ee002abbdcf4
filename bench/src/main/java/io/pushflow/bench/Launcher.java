package io.pushflow.bench;

import io.pushflow.tools.Cli;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * What {@code bin/pushflow bench} and {@code bin/pushflow chaos} run: the launcher builds the project and execs this
 * with the bench module's classpath, in the project root; every argument after the command is the benchmark's.
 */
@Command(
        name = "pushflow",
        subcommands = {BenchCommand.class, ChaosCommand.class})
public final class Launcher {

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    static CommandLine commandLine() {
        CommandLine commandLine = Cli.commandLine(new Launcher());
        // a benchmark's own options (and --help) pass through to it
        commandLine.setUnmatchedOptionsArePositionalParams(true);
        return commandLine;
    }
}
