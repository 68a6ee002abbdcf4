package io.pushflow.flink.dispatch;

import io.pushflow.core.bandit.BanditFeedback;
import io.pushflow.core.campaign.CampaignCommand;
import io.pushflow.core.filter.FilterChain;
import io.pushflow.core.json.Json;
import io.pushflow.flink.rabbit.JsonMessageSchema;

/** Reads {@code campaign.commands} or {@code bandit.feedback} messages for the dispatch job. */
public class DispatchEventSchema extends JsonMessageSchema<DispatchEvent> {

    /** The queues, each with the largest body its messages may have. */
    public enum Kind {
        COMMANDS(2 << 20),
        FEEDBACK(64 << 10);

        final int maxBytes;

        Kind(int maxBytes) {
            this.maxBytes = maxBytes;
        }
    }

    /**
     * The most evidence one feedback message may carry (more users than the app has, many times over): a forged or
     * broken message with larger counts would swamp a campaign's evidence or overflow it.
     */
    static final double MAX_COUNT = 1e9;

    static final int MAX_VARIANT = 16;

    private final Kind kind;

    public DispatchEventSchema(Kind kind, String queue) {
        super(queue, DispatchEvent.class, kind.maxBytes);
        this.kind = kind;
    }

    @Override
    protected DispatchEvent unreadable(String id, String text, String reason) {
        return DispatchEvent.bad(queue, id, text, reason);
    }

    @Override
    protected DispatchEvent read(String id, String text) {
        if (kind == Kind.COMMANDS) {
            CampaignCommand command = Json.read(text, CampaignCommand.class);
            if (command.v() != CampaignCommand.VERSION || command.campaign() == null || command.type() == null) {
                return DispatchEvent.bad(
                        queue,
                        id,
                        text,
                        "not a v" + CampaignCommand.VERSION + " campaign command with a type and a campaign");
            }
            CampaignControl control = CampaignControl.from(command);
            FilterChain.fromJson(
                    control.filterJson); // a chain the planner could not read would fail the job on every restore
            if (control.variantKeys.length < 1) {
                return DispatchEvent.bad(queue, id, text, "a campaign command needs its variants");
            }
            return DispatchEvent.of(control);
        }
        BanditFeedback feedback = Json.read(text, BanditFeedback.class);
        if (feedback.v() != BanditFeedback.VERSION
                || feedback.variant() == null
                || feedback.variant().length() > MAX_VARIANT
                || !(feedback.trials() >= 0 && feedback.trials() <= MAX_COUNT)
                || feedback.rewards() < 0
                || feedback.rewards() > MAX_COUNT) {
            return DispatchEvent.bad(
                    queue,
                    id,
                    text,
                    "not a v" + BanditFeedback.VERSION + " feedback with a variant and counts from 0 to "
                            + (long) MAX_COUNT);
        }
        return DispatchEvent.of(VariantFeedback.from(feedback));
    }
}
