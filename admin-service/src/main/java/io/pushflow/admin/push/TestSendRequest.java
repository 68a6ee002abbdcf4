package io.pushflow.admin.push;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.util.List;

@Serdeable
@Schema(
        name = "TestSendRequest",
        description = "Where to send a push as a test: the testers' own subscriptions, a few at most")
public record TestSendRequest(
        @NotNull
        @Size(min = 1, max = TestSends.MAX_RECIPIENTS)
        @Schema(
                description = "The provider's subscription ids (OneSignal player ids) of the test devices, 1 to "
                        + TestSends.MAX_RECIPIENTS,
                example = "[\"6392d91a-b206-4b7b-a620-cd68e32c3a76\"]")
        List<@NotBlank @Size(max = 256) String> subscriptionIds,

        @Nullable
        @Schema(
                description = "One of the push's languages; empty: every language, one notification each",
                example = "pt")
        String language) {}
