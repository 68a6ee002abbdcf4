package io.pushflow.bench.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushflow.tools.Cli;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The admin service's benchmarks refuse (or answer) their arguments before anything connects anywhere. */
class BenchArgumentsTest {

    private static String help(Object bench, String flag) {
        StringWriter out = new StringWriter();
        CommandLine cl = Cli.commandLine(bench);
        cl.setOut(new PrintWriter(out, true));
        assertThat(cl.execute(flag)).isZero();
        return out.toString();
    }

    private static int exitCode(Object bench, String... args) {
        CommandLine cl = Cli.commandLine(bench);
        cl.setErr(new PrintWriter(new StringWriter(), true));
        return cl.execute(args);
    }

    @Test
    void help_describes_the_options() {
        assertThat(help(new ImportBench(), "-h")).contains("--users=N", "--runs=R", "default: 1000000");
        assertThat(help(new CohortBench(), "--help")).contains("--iterations=K", "default: 18000000");
    }

    @Test
    void out_of_range_values_exit_2_before_connecting() {
        assertThat(exitCode(new ImportBench(), "--runs", "0")).isEqualTo(2);
        assertThat(exitCode(new CohortBench(), "--iterations", "0")).isEqualTo(2);
    }
}
