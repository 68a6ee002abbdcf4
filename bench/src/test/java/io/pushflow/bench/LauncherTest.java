package io.pushflow.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * What {@code bin/pushflow bench} and {@code chaos} answer before they start anything: the list, a refusal of what is
 * not a scenario, a scenario's description. (Running one needs the services; the benchmarks are run as {@code bench}
 * and their results recorded.)
 */
class LauncherTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private PrintStream systemOut;
    private PrintStream systemErr;

    @BeforeEach
    void capture() {
        systemOut = System.out;
        systemErr = System.err;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restore() {
        System.setOut(systemOut);
        System.setErr(systemErr);
    }

    private int run(String... args) {
        CommandLine cl = Launcher.commandLine();
        cl.setOut(new PrintWriter(System.out, true));
        cl.setErr(new PrintWriter(System.err, true));
        return cl.execute(args);
    }

    @Test
    void bench_alone_lists_every_scenario_with_how_to_ask_for_its_options() {
        assertThat(run("bench")).isZero();

        String listed = out.toString(StandardCharsets.UTF_8);
        assertThat(listed).contains("bench <scenario> --help");
        assertThat(Arrays.stream(Scenario.values()).map(Scenario::label))
                .allSatisfy(label -> assertThat(listed).containsPattern("(?m)^  " + label + " +\\S"));
    }

    @Test
    void a_name_that_is_no_scenario_is_refused_with_the_list() {
        assertThat(run("bench", "e2ee")).isEqualTo(1);

        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains("unknown benchmark scenario: e2ee")
                .contains("  e2e ");
    }

    @Test
    void help_for_a_scenario_without_a_program_of_its_own_describes_it() {
        assertThat(run("bench", "all", "--help")).isZero();

        assertThat(out.toString(StandardCharsets.UTF_8)).contains("every scenario in turn");
    }

    @Test
    void a_command_that_is_neither_bench_nor_chaos_is_a_usage_error() {
        assertThat(run("benchmark")).isEqualTo(CommandLine.ExitCode.USAGE);

        assertThat(err.toString(StandardCharsets.UTF_8)).contains("benchmark");
    }

    @Test
    void bench_all_runs_the_recorded_scenarios_and_leaves_out_the_four_hour_chaos_run() {
        assertThat(Scenario.ALL_RUNS)
                .doesNotContain(Scenario.CHAOS, Scenario.ALL)
                .doesNotHaveDuplicates();
        assertThat(Scenario.of("chaos")).contains(Scenario.CHAOS);
        assertThat(Scenario.of("CHAOS")).isEmpty();
    }
}
