package io.pushflow.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class BanditSimulatorTest {

    private static BanditSimulator.Result run(String json) {
        return BanditSimulator.run(Scenario.parse(json));
    }

    @Test
    void the_same_scenario_gives_the_same_numbers() {
        String json =
                "{\"arms\":[0.05,0.04,0.03],\"horizon\":20000,\"feedback_every\":100,\"repetitions\":4,\"seed\":3}";
        BanditSimulator.Result a = run(json);
        BanditSimulator.Result b = run(json);
        assertThat(a.meanRegret()).isEqualTo(b.meanRegret());
        assertThat(a.pulls()).containsExactly(b.pulls());
        assertThat(a.pulls()[0] + a.pulls()[1] + a.pulls()[2]).isEqualTo(20_000);
    }

    @Test
    void thompson_beats_an_even_split_and_finds_the_best_arm() {
        String arms =
                "\"arms\":[0.045,0.03,0.02],\"horizon\":100000,\"feedback_every\":100,\"repetitions\":6,\"seed\":1";
        BanditSimulator.Result thompson = run("{" + arms + ",\"policy\":\"thompson\"}");
        BanditSimulator.Result even = run("{" + arms + ",\"policy\":\"ab_fixed\"}");
        assertThat(thompson.meanRegret()).isLessThan(even.meanRegret() / 3);
        assertThat(thompson.pulls()[0]).isGreaterThan(0.8 * 100_000);
        // an even split loses (0.045-0.03 + 0.045-0.02)/3 per step
        assertThat(even.meanRegret()).isBetween(1_200.0, 1_470.0);
    }

    @Test
    void ab_winner_tests_then_commits_to_its_winner() {
        BanditSimulator.Result r =
                run("{\"arms\":[0.02,0.08],\"horizon\":50000,\"policy\":{\"name\":\"ab_winner\",\"test_steps\":5000},"
                        + "\"repetitions\":4,\"seed\":2}");
        assertThat(r.pulls()[1]).isGreaterThan(47_000);
    }

    @Test
    void churn_draws_arms_from_the_prior_and_regret_stays_finite() {
        BanditSimulator.Result r = run("{\"k\":5,\"arm_prior\":{\"beta\":[4,4]},\"churn\":0.001,\"horizon\":20000,"
                + "\"feedback_every\":10,\"policy\":\"ucb1\",\"repetitions\":3,\"seed\":5}");
        assertThat(r.meanRegret()).isPositive().isLessThan(20_000);
        assertThat(r.pulls()).hasSize(5);
    }

    @Test
    void a_bad_scenario_names_its_mistake() {
        assertThatThrownBy(() -> Scenario.parse("{\"arms\":[0.1]}")).hasMessageStartingWith("arms:");
        assertThatThrownBy(() -> Scenario.parse("{\"arms\":[0.1,0.2],\"polcy\":\"ucb1\"}"))
                .hasMessageStartingWith("unknown key 'polcy'");
        assertThatThrownBy(() -> Scenario.parse("{\"arms\":[0.1,0.2],\"churn\":0.1}"))
                .hasMessageContaining("arm_prior");
        assertThatThrownBy(() -> Scenario.parse("{\"k\":3}")).hasMessageContaining("arm_prior");
        assertThatThrownBy(() -> Scenario.parse("{\"arms\":[0.1,0.2],\"policy\":\"greedy\"}"))
                .hasMessageStartingWith("policy:");
        assertThatThrownBy(() -> Scenario.parse("{\"arms\":[0.1,2]}")).hasMessageStartingWith("arms[1]:");
        assertThatThrownBy(() -> Scenario.parse("[1,2]")).hasMessageContaining("JSON object");
    }
}
