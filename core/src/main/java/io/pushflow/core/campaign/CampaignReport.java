package io.pushflow.core.campaign;

import java.time.Instant;

/**
 * A message on {@code campaign.reports}: the dispatch job saying a campaign has released its whole audience
 * (or its window closed). {@code reportId} is the AMQP correlation id; the admin service marks the campaign
 * COMPLETED once, whatever the redeliveries.
 */
public record CampaignReport(int v, String reportId, long campaignId, Type type, long released, long heldOut, long unreleased, Instant at) {

    public static final int VERSION = 1;

    public enum Type { COMPLETED }
}
