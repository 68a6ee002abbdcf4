package io.pushflow.flink.status;

import io.pushflow.core.campaign.CampaignCommand;
import io.pushflow.core.campaign.PushEvent;
import io.pushflow.core.campaign.PushEvents;
import io.pushflow.core.json.Json;
import io.pushflow.flink.contracts.ProviderNotification;
import io.pushflow.flink.rabbit.JsonMessageSchema;
import java.util.List;

/**
 * Reads {@code push.events} (the app's opens and clicks), {@code push.notifications} (the delivery job's) and the
 * status job's copy of the campaign commands.
 */
public class StatusEventSchema extends JsonMessageSchema<StatusEvent> {

    /** The queues, each with the largest body its messages may have (the event intake posts up to 4 MiB a request). */
    public enum Kind {
        EVENTS(8 << 20),
        NOTIFICATIONS(64 << 10),
        COMMANDS(2 << 20);

        final int maxBytes;

        Kind(int maxBytes) {
            this.maxBytes = maxBytes;
        }
    }

    private final Kind kind;

    public StatusEventSchema(Kind kind, String queue) {
        super(queue, StatusEvent.class, kind.maxBytes);
        this.kind = kind;
    }

    @Override
    protected StatusEvent unreadable(String id, String text, String reason) {
        return StatusEvent.bad(queue, id, text, reason);
    }

    @Override
    protected StatusEvent read(String id, String text) {
        StatusEvent e = new StatusEvent();
        if (kind == Kind.EVENTS) {
            PushEvents.Either message = Json.read(text, PushEvents.Either.class);
            if (message.events() != null && (message.v() == null || message.v() != PushEvents.VERSION)) {
                return unreadable(id, text, "not a v" + PushEvents.VERSION + " batch of push events");
            }
            List<PushEvent> events = message.all();
            if (events.isEmpty()) {
                return unreadable(id, text, "not a v" + PushEvent.VERSION + " push event or a batch of them");
            }
            long now = System.currentTimeMillis();
            e.engagements = new EngagementEvent[events.size()];
            for (int i = 0; i < events.size(); i++) {
                if (events.get(i) == null) {
                    return unreadable(id, text, "event " + i + " of the batch is null");
                }
                e.engagements[i] = EngagementEvent.of(events.get(i), now);
            }
        } else if (kind == Kind.COMMANDS) {
            CampaignCommand command = Json.read(text, CampaignCommand.class);
            if (command.v() != CampaignCommand.VERSION
                    || command.campaign() == null
                    || command.type() == null
                    || command.campaignId() <= 0) {
                return unreadable(
                        id, text, "not a v" + CampaignCommand.VERSION + " campaign command with a type and a campaign");
            }
            e.rule = RewardRule.from(command);
        } else {
            e.notification = Json.read(text, ProviderNotification.class);
            if (e.notification.notificationId == null
                    || e.notification.notificationId.isEmpty()
                    || e.notification.campaignId <= 0) {
                return unreadable(id, text, "a notification to poll needs its id and campaign");
            }
        }
        return e;
    }
}
