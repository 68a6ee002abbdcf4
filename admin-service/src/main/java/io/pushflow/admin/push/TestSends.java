package io.pushflow.admin.push;

import io.micronaut.context.annotation.Value;
import io.micronaut.http.HttpStatus;
import io.pushflow.admin.api.ApiException;
import io.pushflow.admin.audit.AuditLog;
import io.pushflow.core.campaign.CampaignSnapshot;
import io.pushflow.provider.OneSignalClient;
import io.pushflow.provider.ProviderException;
import io.pushflow.provider.PushMessage;
import io.pushflow.provider.SendResult;
import jakarta.inject.Singleton;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A push sent as a test to a few subscriptions before launch, straight through the provider: one notification per
 * language with that language's text as the one every device shows, so a tester sees each translation. It carries
 * no campaign or variant in its data, so nothing counts it in any campaign's statistics; the push's history records it.
 */
@Singleton
public class TestSends {

    /** Test devices, not an audience: a larger list is refused. */
    public static final int MAX_RECIPIENTS = 20;
    /** Set in the data of every test send, so the app (and whoever reads its events) can tell tests apart. */
    public static final String TEST_FLAG = "pushflow_test";

    private final PushService pushes;
    private final AuditLog audit;
    private final OneSignalClient provider;
    private final boolean configured;

    TestSends(
            PushService pushes,
            AuditLog audit,
            @Value("${pushflow.onesignal.api-url}") String apiUrl,
            @Value("${pushflow.onesignal.app-id:}") String appId,
            @Value("${pushflow.onesignal.rest-api-key:}") String restApiKey) {
        this.pushes = pushes;
        this.audit = audit;
        this.configured = !appId.isBlank() && !restApiKey.isBlank();
        this.provider = new OneSignalClient(
                URI.create(apiUrl), appId, restApiKey, Duration.ofSeconds(10), 3, d -> Thread.sleep(d.toMillis()));
    }

    public TestSendView send(long pushId, TestSendRequest request) {
        Push push = pushes.find(pushId);
        CampaignSnapshot.PushContent content = PushService.content(push);
        if (request.language() != null && !content.texts().containsKey(request.language())) {
            throw ApiException.invalid(
                    "language",
                    "push " + pushId + " has no text in '" + request.language() + "'; it has "
                            + content.texts().keySet());
        }
        PushService.unsafeDeepLink(push, "pushId").ifPresent(e -> {
            throw ApiException.invalid(List.of(e));
        });
        if (request.subscriptionIds().size()
                > MAX_RECIPIENTS) { // the request's own validation says so too; this guards other callers
            throw ApiException.invalid(
                    "subscriptionIds", "a test goes to at most " + MAX_RECIPIENTS + " subscriptions");
        }
        if (!configured) {
            throw new ApiException(
                    HttpStatus.SERVICE_UNAVAILABLE,
                    "no push provider configured: set ONESIGNAL_APP_ID and ONESIGNAL_REST_API_KEY",
                    List.of());
        }
        List<String> languages = request.language() != null
                ? List.of(request.language())
                : List.copyOf(content.texts().keySet());
        Map<String, Object> data = new LinkedHashMap<>(content.data() == null ? Map.of() : content.data());
        data.put(TEST_FLAG, true);
        List<TestSendView.Sent> sends = new ArrayList<>();
        for (String language : languages) {
            CampaignSnapshot.LocalizedText text = content.texts().get(language);
            PushMessage message = new PushMessage(
                    UUID.randomUUID().toString(),
                    request.subscriptionIds(),
                    Map.of(PushMessage.FALLBACK_LANGUAGE, text.title()),
                    Map.of(PushMessage.FALLBACK_LANGUAGE, text.body()),
                    data,
                    content.deepLink(),
                    content.imageUrl());
            sends.add(sent(language, message));
        }
        audit.write(
                PushService.ENTITY,
                pushId,
                "test sent",
                Map.of(
                        "subscriptionIds",
                        request.subscriptionIds(),
                        "languages",
                        languages,
                        "notificationIds",
                        sends.stream().map(TestSendView.Sent::notificationId).toList(),
                        "errors",
                        sends.stream().flatMap(s -> s.errors().stream()).toList()));
        if (sends.stream().noneMatch(TestSendView.Sent::created)) {
            throw new ApiException(
                    HttpStatus.BAD_GATEWAY,
                    "the provider created no notification: " + sends.get(0).errors(),
                    List.of());
        }
        return new TestSendView(pushId, request.subscriptionIds(), sends);
    }

    private TestSendView.Sent sent(String language, PushMessage message) {
        try {
            SendResult r = provider.send(message);
            return new TestSendView.Sent(
                    language,
                    r.notificationId() == null ? "" : r.notificationId(),
                    r.invalidSubscriptionIds(),
                    r.errors());
        } catch (ProviderException e) {
            return new TestSendView.Sent(language, "", List.of(), List.of(e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException(HttpStatus.SERVICE_UNAVAILABLE, "interrupted while sending the test", List.of());
        }
    }
}
