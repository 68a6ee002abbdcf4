package io.pushflow.admin.push;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.util.Map;

@Serdeable
@Schema(name = "PushRequest", description = "A push text (creative) with its translations")
public record PushRequest(
        @NotBlank @Size(max = 200) @Schema(example = "Wind alert: strong wind tomorrow")
        String name,

        @NotBlank
        @Schema(
                description = "The locale used for users whose language has no text; must be a key of texts",
                example = "en")
        String defaultLocale,

        @NotNull
        @NotEmpty
        @Size(max = 50)
        @Schema(
                description = "Title and body per locale (ISO 639-1 language code, or zh-Hans / zh-Hant)",
                example = "{\"en\":{\"title\":\"Wind is on\",\"body\":\"25 knots at your spot tomorrow\"},"
                        + "\"pt\":{\"title\":\"Há vento\",\"body\":\"25 nós no teu spot amanhã\"}}")
        Map<String, Text> texts,

        @Nullable
        @Size(max = 2000)
        @Schema(
                description =
                        "Opened on tap: an app link (the app's own scheme) or an http(s) URL; never javascript:, data:, file:, "
                                + "intent: or another scheme that runs code or reads local data",
                example = "windy://spot/123")
        String deepLink,

        @Nullable
        @Size(max = 2000)
        @Schema(description = "Big picture, an https URL", example = "https://cdn.example.com/wind.png")
        String imageUrl,

        @Nullable
        @Schema(
                additionalProperties = Schema.AdditionalPropertiesValue.TRUE,
                description = "Extra data for the app, up to " + PushService.MAX_DATA_BYTES + " bytes of JSON",
                example = "{\"spot\":123}")
        Map<String, Object> data) {

    @Serdeable
    @Schema(name = "PushText")
    public record Text(
            @Schema(description = "Up to " + PushService.MAX_TITLE + " characters", example = "Wind is on")
            String title,

            @Schema(
                    description = "Up to " + PushService.MAX_BODY + " characters",
                    example = "25 knots at your spot tomorrow")
            String body) {}
}
