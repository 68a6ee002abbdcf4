package io.pushflow.admin.push;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.micronaut.serde.annotation.Serdeable;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;

@Serdeable
@JsonInclude(JsonInclude.Include.ALWAYS)
@Schema(name = "TestSend", description = "What the provider made of a test send: one notification per language")
public record TestSendView(long pushId, List<String> subscriptionIds, List<Sent> sends) {

    @Serdeable
    @JsonInclude(JsonInclude.Include.ALWAYS)
    @Schema(name = "TestSendLanguage")
    public record Sent(
            @Schema(example = "pt") String language,

            @Schema(description = "The provider's notification id; empty when it created none")
            String notificationId,

            @Schema(description = "Ids the provider reported as not subscribed")
            List<String> invalidSubscriptionIds,

            @Schema(description = "The provider's errors; empty when it had none")
            List<String> errors) {

        boolean created() {
            return !notificationId.isEmpty();
        }
    }
}
