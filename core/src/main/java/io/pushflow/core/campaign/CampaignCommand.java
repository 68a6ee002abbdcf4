package io.pushflow.core.campaign;

import java.time.Instant;

/**
 * A message on {@code campaign.commands}: what changed and the campaign as it is after the change.
 * The AMQP correlation id and message id are {@code commandId}, so consumers can drop redeliveries.
 */
public record CampaignCommand(
        int v,
        String commandId,
        Type type,
        long campaignId,
        long campaignVersion,
        Instant issuedAt,
        String issuedBy,
        CampaignSnapshot campaign) {

    public static final int VERSION = 1;

    public enum Type {
        LAUNCH,
        PAUSE,
        RESUME,
        STOP,
        UPDATE
    }
}
