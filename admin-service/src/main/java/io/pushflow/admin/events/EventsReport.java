package io.pushflow.admin.events;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;

/** What became of a request's events: how many went on to push.events, and why each of the others did not. */
@Serdeable
@JsonInclude(JsonInclude.Include.ALWAYS)
@Schema(
        name = "EventsReport",
        description = "The request was read: accepted events are on push.events (the broker confirmed "
                + "them), rejected ones are listed with what to fix. Sending the same request again is safe.")
public record EventsReport(
        @Schema(example = "998") int accepted,
        @Schema(example = "2") int rejected,

        @Schema(
                description =
                        "The push.events message's id (AMQP message-id and correlation-id), a name-based UUID of the "
                                + "accepted event ids: the same request gives the same id. Null when nothing was accepted.",
                example = "5c8f4f0e-62b1-3a8e-9f4a-0b7d1c2e3f40")
        @Nullable
        String batchId,

        @Schema(description = "Every refused event") List<Rejection> rejections) {

    @Serdeable
    @JsonInclude(JsonInclude.Include.ALWAYS)
    @Schema(name = "EventRejection")
    public record Rejection(
            @Schema(
                    description =
                            "The event's position in the request, from 0 (an array element, or a non-blank NDJSON line)",
                    example = "17")
            int index,

            @Schema(
                    description = "Its eventId when it had a readable one (shortened when long)",
                    example = "0b6f1a8e-4c1d-4e0a-9d7e-2f1c3b4a5d6e")
            @Nullable
            String eventId,

            @Schema(example = "campaign 12 has no variant 'C' (its variants: A, B)")
            String reason) {}
}
