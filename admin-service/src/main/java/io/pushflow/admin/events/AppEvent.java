package io.pushflow.admin.events;

import io.micronaut.core.annotation.Nullable;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;

/**
 * One engagement event as the app posts it: the request's documented shape. {@link AppEventReader} reads the body
 * token by token, so it can refuse one event and take the next.
 */
@Schema(name = "AppEvent", description = "An open or click of a push, or an app open; no other fields are allowed")
public record AppEvent(
        @Schema(
                description = "The client's id for this event, 1-" + AppEventReader.MAX_EVENT_ID
                        + " printable ASCII characters "
                        + "without spaces (a UUID is fine); an event sent twice counts once",
                requiredMode = Schema.RequiredMode.REQUIRED,
                example = "0b6f1a8e-4c1d-4e0a-9d7e-2f1c3b4a5d6e")
        String eventId,

        @Schema(
                description =
                        "The push's campaign: pushflow_campaign from its data (a number, or its digits as a string). "
                                + "Required for open and click; optional for app_open",
                example = "12")
        @Nullable
        Long campaignId,

        @Schema(
                description =
                        "The push's variant key: pushflow_variant from its data. Required for open and click; optional for "
                                + "app_open (only with campaignId)",
                example = "B",
                maxLength = AppEventReader.MAX_VARIANT)
        @Nullable
        String variant,

        @Schema(
                description =
                        "The install as the push provider knows it (OneSignal's subscription id, users.push_token), up to "
                                + AppEventReader.MAX_SUBSCRIPTION_ID + " printable ASCII characters",
                requiredMode = Schema.RequiredMode.REQUIRED,
                example = "5f1c2d3e-8a9b-4c0d-9e1f-2a3b4c5d6e7f")
        String subscriptionId,

        @Schema(
                description =
                        "open (the push was opened), click (its content or a button was clicked), app_open (the app was "
                                + "opened, by a push or not)",
                allowableValues = {"open", "click", "app_open"},
                requiredMode = Schema.RequiredMode.REQUIRED,
                example = "click")
        String type,

        @Schema(
                description =
                        "When the user did it, an ISO 8601 instant (Z or an offset); at most "
                                + "pushflow.events.max-future (10 minutes) ahead of the server and at most pushflow.events.max-age (30 days) old",
                requiredMode = Schema.RequiredMode.REQUIRED,
                example = "2026-11-23T18:02:11Z")
        Instant at) {}
