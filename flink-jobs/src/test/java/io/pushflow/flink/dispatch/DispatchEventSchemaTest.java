package io.pushflow.flink.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushflow.core.bandit.BanditFeedback;
import io.pushflow.core.json.Json;
import org.junit.jupiter.api.Test;

/** Nothing a producer sends can fail the job: what cannot be planned becomes a dead letter with the reason. */
class DispatchEventSchemaTest {

    private final DispatchEventSchema commands =
            new DispatchEventSchema(DispatchEventSchema.Kind.COMMANDS, "campaign.commands");
    private final DispatchEventSchema feedback =
            new DispatchEventSchema(DispatchEventSchema.Kind.FEEDBACK, "bandit.feedback");

    static final String COMMAND = """
            {"v":1,"commandId":"c1","type":"LAUNCH","campaignId":7,"campaignVersion":1,"issuedAt":"2026-11-24T12:00:00Z",
             "campaign":{"id":7,"name":"n","app":"a","status":"RUNNING","cohort":{"id":1,"name":"c","filter":FILTER},
              "variants":[{"key":"A","pushId":1,"name":"a","weight":1}],
              "split":{"type":"AB_FIXED","metric":"CLICKS"},"holdoutShare":0,"duration":"PT1H","provider":"ONESIGNAL"}}""";

    @Test
    void a_good_command_and_good_feedback_are_read() {
        DispatchEvent launch = commands.parse("c1", COMMAND.replace("FILTER", "{\"all\":[]}"));
        assertThat(launch.error).isNull();
        assertThat(launch.control.campaignId).isEqualTo(7);
        assertThat(launch.control.variantKeys).containsExactly("A");
        DispatchEvent fb = feedback.parse("f1", Json.write(new BanditFeedback(1, "f1", 7, "A", 10.5, 1)));
        assertThat(fb.error).isNull();
        assertThat(fb.feedback.trials).isEqualTo(10.5);
    }

    @Test
    void what_cannot_be_planned_becomes_a_dead_letter() {
        assertThat(commands.parse("c2", "{nope").error).startsWith("malformed JSON");
        assertThat(commands.parse("c3", "{\"v\":2}").error).startsWith("not a v1 campaign command");
        assertThat(commands.parse(
                                "c4",
                                COMMAND.replace(
                                        "FILTER",
                                        "{\"all\":[{\"field\":\"shoe_size\",\"op\":\"eq\",\"value\":\"42\"}]}"))
                        .error)
                .contains("unknown field 'shoe_size'");
        assertThat(commands.parse(
                                "c5", COMMAND.replace("FILTER", "{\"all\":[]}").replace("\"duration\":\"PT1H\",", ""))
                        .error)
                .isNotNull();
        assertThat(feedback.parse("f2", Json.write(new BanditFeedback(1, "f2", 7, "A", -1, 0))).error)
                .startsWith("not a v1 feedback");
        // forged counts that would swamp or overflow a campaign's evidence
        assertThat(feedback.parse("f3", Json.write(new BanditFeedback(1, "f3", 7, "A", 1e300, 0))).error)
                .contains("from 0 to 1000000000");
        assertThat(feedback.parse("f4", Json.write(new BanditFeedback(1, "f4", 7, "A", 10, Long.MAX_VALUE))).error)
                .isNotNull();
        assertThat(feedback.parse(
                                "f5",
                                "{\"v\":1,\"feedbackId\":\"f5\",\"campaignId\":7,\"variant\":\"A\",\"trials\":1e400,\"rewards\":1}")
                        .error)
                .isNotNull();
        assertThat(feedback.parse("f6", Json.write(new BanditFeedback(1, "f6", 7, "A".repeat(1_000), 1, 0))).error)
                .isNotNull();
        DispatchEvent bad = commands.parse("c6", "[]");
        assertThat(bad.queue).isEqualTo("campaign.commands");
        assertThat(bad.messageId).isEqualTo("c6");
        assertThat(bad.raw).isEqualTo("[]");
        assertThat(bad.error).isNotNull();
    }
}
