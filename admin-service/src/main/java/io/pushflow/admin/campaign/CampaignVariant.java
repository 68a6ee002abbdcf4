package io.pushflow.admin.campaign;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.GeneratedValue;
import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;

/** One arm of a campaign: a push under a key (A, B, ...) with its AB_FIXED weight. */
@MappedEntity("campaign_variants")
public record CampaignVariant(
        @Id @GeneratedValue @Nullable Long id, long campaignId, String variantKey, long pushId, double weight) {}
