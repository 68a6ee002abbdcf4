package io.pushflow.admin.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpMethod;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Header;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.server.cors.CrossOrigin;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.serde.annotation.Serdeable;
import io.pushflow.admin.api.ApiError;
import io.pushflow.admin.api.ApiError.FieldError;
import io.pushflow.admin.api.ApiException;
import io.pushflow.admin.appkeys.AppKeyFetcher;
import io.pushflow.admin.security.Roles;
import io.pushflow.core.campaign.PushEvent;
import io.pushflow.core.json.Json;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.parameters.RequestBody;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * OneSignal's web push webhooks, POSTed by the browser's service worker: it cannot add headers, so the app key comes
 * in the URL, and the webhook must be configured with {@code cors: true} (JSON with the subscription id). A click
 * becomes a CLICKED event with an id derived from notification, subscription and event, so a repeat counts once.
 */
@Controller
@Tag(name = "events")
@Secured(Roles.APP)
class OneSignalWebhookController {

    static final String PATH = AppKeyFetcher.WEBHOOKS_PATH + "onesignal";
    static final String CLICKED = "notification.clicked";
    static final List<String> IGNORED =
            List.of("notification.willDisplay", "notification.displayed", "notification.dismissed");
    private static final int MAX_BODY_BYTES = 64 * 1024;
    private static final int MAX_ID = 128;

    @Serdeable
    @Schema(name = "WebhookReport")
    record WebhookReport(
            @Schema(example = "notification.clicked") String event,

            @Schema(description = "accepted (a click on push.events) or ignored", example = "accepted")
            String outcome,

            @Schema(description = "The click's event id (name-based UUID of notification, subscription and event)")
            @Nullable
            String eventId,

            @Schema(description = "The push.events message's id") @Nullable
            String batchId,

            @Schema(description = "Why an event was ignored") @Nullable
            String reason) {}

    private final AppEventReader reader;
    private final EventIntake intake;
    private final Clock clock;

    OneSignalWebhookController(AppEventReader reader, EventIntake intake, Clock clock) {
        this.reader = reader;
        this.intake = intake;
        this.clock = clock;
    }

    @Post(value = PATH, consumes = MediaType.ALL)
    @ExecuteOn(TaskExecutors.BLOCKING)
    @CrossOrigin(
            allowedOriginsRegex = "^https?://[^/]+$",
            allowedMethods = HttpMethod.POST,
            allowedHeaders = {HttpHeaders.CONTENT_TYPE, "X-OneSignal-Event"},
            allowCredentials = false,
            maxAge = 86_400)
    @SecurityRequirement(name = "appKeyQuery")
    @Operation(
            summary = "OneSignal web push webhook (cors: true); the app key in ?key=",
            description = "Configure OneSignal.init({webhooks: {cors: true, 'notification.clicked': "
                    + "'https://<host>/api/v1/webhooks/onesignal?key=<app key>'}}). A click whose additionalData holds "
                    + "pushflow_campaign and pushflow_variant becomes a click on push.events (event id derived from notificationId, "
                    + "subscriptionId and event; the time is when it arrived: the webhook carries none). notification.willDisplay "
                    + "and notification.dismissed are answered and ignored: deliveries come from OneSignal's own counts, and a "
                    + "dismissal is no reward. CORS preflight is answered for this path only.")
    @RequestBody(
            required = true,
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = OneSignalWebhook.class)))
    @ApiResponse(
            responseCode = "200",
            description = "Taken or ignored",
            content = @Content(schema = @Schema(implementation = WebhookReport.class)))
    @ApiResponse(
            responseCode = "400",
            description = "Not a webhook body, no subscriptionId, no pushflow data, or an unknown campaign or variant",
            content = @Content(schema = @Schema(implementation = ApiError.class)))
    @ApiResponse(
            responseCode = "401",
            description = "No or an unknown or revoked app key in ?key=",
            content = @Content(schema = @Schema(implementation = ApiError.class)))
    @ApiResponse(
            responseCode = "403",
            description = "A user's credentials instead of the app key",
            content = @Content(schema = @Schema(implementation = ApiError.class)))
    @ApiResponse(
            responseCode = "413",
            description = "A body, request line or headers over the limits",
            content = @Content(schema = @Schema(implementation = ApiError.class)))
    @ApiResponse(
            responseCode = "415",
            description = "Not JSON: the webhook is configured without cors: true",
            content = @Content(schema = @Schema(implementation = ApiError.class)))
    @ApiResponse(
            responseCode = "503",
            description = "RabbitMQ did not confirm",
            content = @Content(schema = @Schema(implementation = ApiError.class)))
    WebhookReport oneSignalWebhook(
            @Parameter(hidden = true) @Body InputStream request,
            @Parameter(hidden = true) @Nullable @Header(HttpHeaders.CONTENT_TYPE) String contentType,
            @Parameter(hidden = true) @Nullable @Header(HttpHeaders.CONTENT_LENGTH) Long contentLength) {
        // closed on every way out, also when refused unread: a body left half-read would stall the connection's next
        // request
        try (request) {
            return intake.limited(() -> take(request, contentType, contentLength));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private WebhookReport take(InputStream request, @Nullable String contentType, @Nullable Long contentLength) {
        if (contentType == null || !contentType.toLowerCase(Locale.ROOT).startsWith(MediaType.APPLICATION_JSON)) {
            throw new ApiException(
                    HttpStatus.UNSUPPORTED_MEDIA_TYPE,
                    "expected application/json: configure the OneSignal webhook with "
                            + "cors: true, so that it sends JSON with the subscriptionId",
                    List.of());
        }
        byte[] body = EventIntake.read(request, contentLength, MAX_BODY_BYTES);
        JsonNode hook;
        try {
            hook = Json.MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            throw ApiException.invalid("body", "invalid JSON: " + AppEventReader.shown(e.getOriginalMessage(), 120));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (hook == null || !hook.isObject()) {
            throw ApiException.invalid("body", "expected OneSignal's webhook object {event, notificationId, ...}");
        }
        String event = text(hook, "event", "one of " + CLICKED + ", " + String.join(", ", IGNORED));
        String notificationId = text(hook, "notificationId", "OneSignal's notification id");
        String subscriptionId =
                text(hook, "subscriptionId", "OneSignal sends it only when the webhook is configured with cors: true");
        if (IGNORED.contains(event)) {
            return new WebhookReport(
                    event,
                    "ignored",
                    null,
                    null,
                    event.equals("notification.dismissed")
                            ? "a dismissal is no reward for a variant"
                            : "deliveries are counted from OneSignal's own delivery numbers, so a display is not counted twice");
        }
        if (!event.equals(CLICKED)) {
            throw ApiException.invalid(
                    "event",
                    "'" + AppEventReader.shown(event, 40) + "' is not a OneSignal web push webhook event: " + CLICKED
                            + ", " + String.join(", ", IGNORED));
        }
        JsonNode data = hook.get("additionalData");
        if (data == null || !data.isObject()) {
            throw ApiException.invalid(
                    "additionalData",
                    "the push carries no data: only pushes pushflow sent (with pushflow_campaign "
                            + "and pushflow_variant in their data) count");
        }
        long campaignId = campaignId(data.get("pushflow_campaign"));
        JsonNode variantNode = data.get("pushflow_variant");
        if (variantNode == null
                || !variantNode.isTextual()
                || variantNode.asText().isEmpty()
                || variantNode.asText().length() > AppEventReader.MAX_VARIANT) {
            throw ApiException.invalid(
                    "additionalData.pushflow_variant",
                    "a variant key (a string such as B) is required: only pushes " + "pushflow sent count");
        }
        String variant = variantNode.asText();
        String problem = reader.campaignProblem(PushEvent.Type.CLICKED, campaignId, variant);
        if (problem != null) {
            throw ApiException.invalid("additionalData", problem);
        }
        String eventId = "onesignal-"
                + UUID.nameUUIDFromBytes(("onesignal webhook\n" + notificationId + "\n" + subscriptionId + "\n" + event)
                        .getBytes(StandardCharsets.US_ASCII));
        PushEvent click = new PushEvent(
                PushEvent.VERSION,
                eventId,
                campaignId,
                variant,
                subscriptionId,
                PushEvent.Type.CLICKED,
                clock.instant());
        String batchId = intake.publish(List.of(click));
        return new WebhookReport(event, "accepted", eventId, batchId, null);
    }

    private static String text(JsonNode hook, String field, String what) {
        JsonNode node = hook.get(field);
        if (node == null || node.isNull()) {
            throw ApiException.invalid(field, field + " is required: " + what);
        }
        if (!node.isTextual() || !AppEventReader.printable(node.asText(), MAX_ID)) {
            throw ApiException.invalid(
                    field, field + " must be a string of 1-" + MAX_ID + " printable ASCII characters without spaces");
        }
        return node.asText();
    }

    private static long campaignId(@Nullable JsonNode node) {
        long id = 0;
        if (node != null && node.isIntegralNumber() && node.canConvertToLong()) {
            id = node.asLong();
        } else if (node != null && node.isTextual() && node.asText().matches("[0-9]{1,18}")) {
            id = Long.parseLong(node.asText());
        }
        if (id <= 0) {
            throw new ApiException(
                    HttpStatus.BAD_REQUEST,
                    "additionalData.pushflow_campaign: a campaign id is required: only pushes " + "pushflow sent count",
                    List.of(new FieldError("additionalData.pushflow_campaign", "a positive whole number is required")));
        }
        return id;
    }
}
