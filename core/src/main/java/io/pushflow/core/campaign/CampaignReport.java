package io.pushflow.core.campaign;

import java.time.Instant;

/**
 * A message on {@code campaign.reports}: the dispatch job saying a campaign has released its whole audience
 * or its window closed (COMPLETED), that a STOP ended it (STOPPED), or that it cannot go on (FAILED, with the
 * {@code reason}), with how many users went out, were held out, or were never released. {@code reportId} is the
 * AMQP correlation id; the admin service marks a campaign COMPLETED or FAILED once, whatever the redeliveries.
 */
public record CampaignReport(
        int v,
        String reportId,
        long campaignId,
        Type type,
        long released,
        long heldOut,
        long unreleased,
        Instant at,
        String reason) {

    public static final int VERSION = 1;

    public enum Type {
        COMPLETED,
        STOPPED,
        FAILED
    }
}
