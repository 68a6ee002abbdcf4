package io.pushflow.flink.delivery;

import io.pushflow.core.campaign.CampaignCommand;
import io.pushflow.core.json.Json;
import io.pushflow.core.user.UserChange;
import io.pushflow.flink.contracts.OutboxBatch;
import io.pushflow.flink.rabbit.JsonMessageSchema;
import java.nio.charset.StandardCharsets;

/** Reads the delivery job's three queues: {@code push.outbox}, its copy of the commands and its copy of user changes. */
public class DeliveryEventSchema extends JsonMessageSchema<DeliveryEvent> {

    /** The queues, each with the largest body its messages may have (a batch of 1,000 users is about 100 KB). */
    public enum Kind {
        OUTBOX(8 << 20),
        COMMANDS(2 << 20),
        CHANGES(64 << 10);

        final int maxBytes;

        Kind(int maxBytes) {
            this.maxBytes = maxBytes;
        }
    }

    private final Kind kind;

    public DeliveryEventSchema(Kind kind, String queue) {
        super(queue, DeliveryEvent.class, kind.maxBytes);
        this.kind = kind;
    }

    @Override
    protected DeliveryEvent unreadable(String id, String text, String reason) {
        return DeliveryEvent.bad(queue, id, text, reason);
    }

    /** Outbox batches (a hundred kilobytes each) are read straight from the bytes; the text only for a dead letter. */
    @Override
    protected DeliveryEvent read(String id, byte[] body) {
        if (kind != Kind.OUTBOX) {
            return super.read(id, body);
        }
        OutboxBatch batch = Json.read(body, OutboxBatch.class);
        String problem = batch.v != 1 && batch.v != OutboxBatch.VERSION
                ? "not a v1 or v" + OutboxBatch.VERSION + " outbox batch"
                : batch.problem();
        if (problem != null) {
            return unreadable(id, new String(body, StandardCharsets.UTF_8), problem);
        }
        batch.v = OutboxBatch.VERSION;
        return DeliveryEvent.of(batch);
    }

    @Override
    protected DeliveryEvent read(String id, String text) {
        return switch (kind) {
            case OUTBOX -> read(id, text.getBytes(StandardCharsets.UTF_8));
            case COMMANDS -> {
                CampaignCommand command = Json.read(text, CampaignCommand.class);
                if (command.v() != CampaignCommand.VERSION || command.campaign() == null || command.type() == null) {
                    yield unreadable(
                            id,
                            text,
                            "not a v" + CampaignCommand.VERSION + " campaign command with a type and a campaign");
                }
                yield DeliveryEvent.of(CampaignRules.from(command));
            }
            case CHANGES -> DeliveryEvent.of(UserDelta.of(Json.read(text, UserChange.class)));
        };
    }
}
