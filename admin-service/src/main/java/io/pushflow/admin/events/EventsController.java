package io.pushflow.admin.events;

import io.micronaut.context.annotation.Value;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Header;
import io.micronaut.http.annotation.Post;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.pushflow.admin.api.ApiError;
import io.pushflow.admin.appkeys.AppKeyFetcher;
import io.pushflow.admin.security.Roles;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.parameters.RequestBody;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.Locale;

@Controller
@Tag(name = "events", description = "The app's engagement events (opens, clicks, app opens): the bandit's rewards")
@Secured(Roles.APP)
class EventsController {

    static final String NDJSON = "application/x-ndjson";

    private final AppEventReader reader;
    private final EventIntake intake;
    private final Clock clock;
    private final int maxBodyBytes;

    EventsController(
            AppEventReader reader,
            EventIntake intake,
            Clock clock,
            @Value("${pushflow.events.max-body-bytes:4194304}") int maxBodyBytes) {
        this.reader = reader;
        this.intake = intake;
        this.clock = clock;
        this.maxBodyBytes = maxBodyBytes;
    }

    @Post(
            value = AppKeyFetcher.EVENTS_PATH,
            consumes = {MediaType.APPLICATION_JSON, NDJSON})
    @ExecuteOn(TaskExecutors.BLOCKING)
    @SecurityRequirement(name = "appKey")
    @Operation(
            summary = "Post a batch of engagement events (JSON array or NDJSON); app key only",
            description =
                    "Each event is checked on its own: good ones go to push.events as one PushEvents message (persistent, "
                            + "confirmed by the broker before this answers), bad ones are listed with the reason. Opens and clicks must name "
                            + "a campaign that has sent pushes (not a draft) and one of its variants, as the push's data carried them "
                            + "(pushflow_campaign, pushflow_variant). At most pushflow.events.max-events (5,000) events and "
                            + "pushflow.events.max-body-bytes (4 MiB) a request. The same request sent again gives the same batch id, and "
                            + "every event keeps its id, so a retry never counts twice. Authenticated by the X-Pushflow-App-Key header "
                            + "only: users' Basic credentials are refused (403).")
    @RequestBody(
            required = true,
            content = {
                @Content(
                        mediaType = MediaType.APPLICATION_JSON,
                        array =
                                @ArraySchema(
                                        arraySchema = @Schema(type = "array"),
                                        schema = @Schema(implementation = AppEvent.class)),
                        examples =
                                @ExampleObject(
                                        value = "[{\"eventId\":\"0b6f1a8e-4c1d-4e0a-9d7e-2f1c3b4a5d6e\","
                                                + "\"campaignId\":12,\"variant\":\"B\",\"subscriptionId\":\"5f1c2d3e-8a9b-4c0d-9e1f-2a3b4c5d6e7f\","
                                                + "\"type\":\"click\",\"at\":\"2026-11-23T18:02:11Z\"}]")),
                @Content(
                        mediaType = NDJSON,
                        schema = @Schema(implementation = AppEvent.class, description = "One AppEvent object a line"))
            })
    @ApiResponse(
            responseCode = "200",
            description = "Read: accepted events are on the queue; rejected ones listed (the request "
                    + "is answered 200 even when every event was rejected)",
            content = @Content(schema = @Schema(implementation = EventsReport.class)))
    @ApiResponse(
            responseCode = "400",
            description = "The body is not JSON (or not an array), as a whole",
            content = @Content(schema = @Schema(implementation = ApiError.class)))
    @ApiResponse(
            responseCode = "401",
            description = "No or an unknown or revoked app key",
            content = @Content(schema = @Schema(implementation = ApiError.class)))
    @ApiResponse(
            responseCode = "403",
            description = "A user's credentials instead of an app key",
            content = @Content(schema = @Schema(implementation = ApiError.class)))
    @ApiResponse(
            responseCode = "413",
            description = "Over the body size or event count limit; nothing was accepted",
            content = @Content(schema = @Schema(implementation = ApiError.class)))
    @ApiResponse(
            responseCode = "415",
            description = "Neither application/json nor application/x-ndjson",
            content = @Content(schema = @Schema(implementation = ApiError.class)))
    @ApiResponse(
            responseCode = "503",
            description = "RabbitMQ did not confirm, or too many requests at once; nothing was accepted, "
                    + "send the same request again",
            content = @Content(schema = @Schema(implementation = ApiError.class)))
    EventsReport postEvents(
            @Parameter(hidden = true) @Body InputStream request,
            @Parameter(hidden = true) @Nullable @Header(HttpHeaders.CONTENT_TYPE) String contentType,
            @Parameter(hidden = true) @Nullable @Header(HttpHeaders.CONTENT_LENGTH) Long contentLength) {
        AppEventReader.Format format =
                contentType != null && contentType.toLowerCase(Locale.ROOT).startsWith(NDJSON)
                        ? AppEventReader.Format.NDJSON
                        : AppEventReader.Format.JSON;
        // closed on every way out, also when refused unread: a body left half-read would stall the connection's next
        // request
        try (request) {
            return intake.limited(() -> {
                byte[] body = EventIntake.read(request, contentLength, maxBodyBytes);
                AppEventReader.Result result = reader.read(body, format, clock.instant());
                String batchId = result.accepted().isEmpty() ? null : intake.publish(result.accepted());
                return new EventsReport(
                        result.accepted().size(), result.rejections().size(), batchId, result.rejections());
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
