package io.pushflow.admin.events;

import io.micronaut.core.annotation.Nullable;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.Map;

/**
 * The body of OneSignal's web push webhooks as its documentation gives it (POSTed by the site's service worker, with
 * {@code cors: true}): the request's documented shape. Fields OneSignal may add later are tolerated.
 */
@Schema(name = "OneSignalWebhook", description = "A OneSignal web push webhook call, configured with cors: true")
public record OneSignalWebhook(
        @Schema(
                description =
                        "notification.clicked counts as a click; notification.willDisplay (notification.displayed in older "
                                + "SDKs) and notification.dismissed are answered and ignored",
                requiredMode = Schema.RequiredMode.REQUIRED,
                example = "notification.clicked")
        String event,

        @Schema(
                description = "OneSignal's notification id",
                requiredMode = Schema.RequiredMode.REQUIRED,
                example = "b1a2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d")
        String notificationId,

        @Schema(description = "The push's title") @Nullable String heading,
        @Schema(description = "The push's body") @Nullable String content,

        @Schema(
                additionalProperties = Schema.AdditionalPropertiesValue.TRUE,
                description = "The push's data: must hold pushflow_campaign and pushflow_variant for a click",
                example = "{\"pushflow_campaign\":12,\"pushflow_variant\":\"B\",\"pushflow_push\":7}")
        @Nullable
        Map<String, Object> additionalData,

        @Schema(description = "The clicked action button, empty for the push's body") @Nullable
        String actionId,

        @Schema(description = "The push's launch URL") @Nullable
        String url,

        @Schema(
                description =
                        "The OneSignal subscription id; OneSignal sends it only with cors: true, and it is required here",
                requiredMode = Schema.RequiredMode.REQUIRED,
                example = "5f1c2d3e-8a9b-4c0d-9e1f-2a3b4c5d6e7f")
        String subscriptionId) {}
