package io.pushflow.tools;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Argument handling only: every case here is refused (or answered) before anything connects anywhere. */
class ArgumentsTest {

    private record Outcome(int exitCode, String out, String err) {}

    private static Outcome run(Object command, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = Cli.commandLine(command);
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return new Outcome(cl.execute(args), out.toString(), err.toString());
    }

    @Test
    void help_describes_the_options_and_exits_0() {
        Outcome generate = run(new GenerateUsers(), "--help");
        assertThat(generate.exitCode()).isZero();
        assertThat(generate.out()).contains("--count=N", "--seed=S", "--first-id=F", "--database=D", "default: 100000");
    }

    @Test
    void malformed_and_unknown_arguments_exit_2_with_a_message() {
        Outcome notANumber = run(new GenerateUsers(), "--count", "many");
        assertThat(notANumber.exitCode()).isEqualTo(2);
        assertThat(notANumber.err()).contains("'many' is not a long", "--help");

        Outcome typo = run(new GenerateUsers(), "--cont", "5");
        assertThat(typo.exitCode()).isEqualTo(2);
        assertThat(typo.err()).contains("Unknown option", "Possible solutions: --count");
    }

    @Test
    void out_of_range_values_exit_2_before_connecting() {
        assertThat(run(new GenerateUsers(), "--count", "0").err()).contains("--count must be at least 1");
        assertThat(run(new GenerateUsers(), "--first-id", "0").exitCode()).isEqualTo(2);
        assertThat(run(new GenerateUsers(), "--threads", "0").exitCode()).isEqualTo(2);
    }
}
