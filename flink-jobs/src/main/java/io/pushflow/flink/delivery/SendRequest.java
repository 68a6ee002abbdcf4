package io.pushflow.flink.delivery;

import io.pushflow.core.json.Json;
import io.pushflow.core.user.DeviceTokenKind;
import io.pushflow.provider.PushMessage;
import io.pushflow.provider.device.Device;
import io.pushflow.provider.device.DevicePush;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One call to the provider: one campaign, variant and language, up to {@link PushMessage#MAX_RECIPIENTS} users.
 * {@code requestId} names exactly these users (the batch, the moment for deferred ones, the language, and for a direct
 * send the service), so a replay is the same request: OneSignal's idempotency key comes from it, and a direct send is
 * looked up by it in the ledger of direct sends ({@link DirectLedger}) before anything goes out.
 */
public class SendRequest {

    public String requestId;
    public long campaignId;
    public String variant;
    public long pushId;
    public long wave;
    public String batchId;
    public String language;
    public String title;
    public String body;
    public String deepLink;
    public String imageUrl;
    public String dataJson;
    public long[] userIds;
    /** What the provider takes, per user: OneSignal subscription ids, or for a direct send the device tokens of {@link #channel}. */
    public String[] pushTokens;
    /** {@link DeviceTokenKind#code()} of the service a direct send goes to ({@code apns}, {@code fcm}); null for OneSignal. */
    public String channel;
    /** When the campaign's window ends: a direct send's time to live runs until then. */
    public long windowEndMillis;

    public SendRequest() {}

    /** The service a direct send goes to, or null when the request goes through OneSignal. */
    public DeviceTokenKind directKind() {
        return channel == null
                ? null
                : DeviceTokenKind.fromCode(channel)
                        .filter(k -> k != DeviceTokenKind.NONE)
                        .orElseThrow(() ->
                                new IllegalStateException("request " + requestId + " names no service: " + channel));
    }

    /**
     * The {@code part}-th request (of at most {@link PushMessage#MAX_RECIPIENTS}) for one text of a variant:
     * {@code requestBase} is the batch, or the batch and the moment for deferred recipients, so the id names
     * exactly these users on every replay.
     */
    static SendRequest of(
            String requestBase,
            int part,
            CampaignRules rules,
            CampaignRules.VariantTexts texts,
            int text,
            long wave,
            String batchId,
            long[] userIds,
            String[] pushTokens,
            DeviceTokenKind direct) {
        SendRequest s = new SendRequest();
        s.language = texts.languages[text];
        s.channel = direct == null ? null : direct.code();
        s.requestId = requestBase + ":" + texts.key + ":" + s.language + (part == 0 ? "" : ":" + part)
                + (direct == null ? "" : ":" + s.channel);
        s.campaignId = rules.campaignId;
        s.windowEndMillis = rules.windowEndMillis;
        s.variant = texts.key;
        s.pushId = texts.pushId;
        s.wave = wave;
        s.batchId = batchId;
        s.title = texts.titles[text];
        s.body = texts.bodies[text];
        s.deepLink = texts.deepLink;
        s.imageUrl = texts.imageUrl;
        s.dataJson = texts.dataJson;
        s.userIds = userIds;
        s.pushTokens = pushTokens;
        return s;
    }

    /**
     * The push for APNs or FCM: the chosen language's texts as English too (both services' clients fall back to it),
     * the same data as through OneSignal, collapsed per campaign (a later push of the campaign replaces an undelivered
     * one) and kept by the service until the campaign's window ends.
     */
    public DevicePush devicePush(long nowMillis) {
        Duration ttl = Duration.ofMillis(Math.max(0, windowEndMillis - nowMillis));
        Map<String, Object> data = data();
        data.values().removeIf(Objects::isNull); // a creative's data key without a value has nothing to carry
        return new DevicePush(
                texts(title),
                contents(),
                data,
                deepLink,
                imageUrl,
                "pushflow-" + campaignId,
                ttl,
                DevicePush.Urgency.HIGH,
                null);
    }

    /** The devices of a direct send, each with the request's language. */
    public List<Device> devices() {
        List<Device> devices = new ArrayList<>(pushTokens.length);
        for (String token : pushTokens) {
            devices.add(new Device(token, language));
        }
        return devices;
    }

    private Map<String, String> contents() {
        Map<String, String> contents = new LinkedHashMap<>();
        contents.put(PushMessage.FALLBACK_LANGUAGE, body);
        contents.put(language, body);
        return contents;
    }

    private Map<String, String> texts(String text) {
        Map<String, String> texts = new LinkedHashMap<>();
        if (text != null && !text.isEmpty()) {
            texts.put(PushMessage.FALLBACK_LANGUAGE, text);
            texts.put(language, text);
        }
        return texts;
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> data() {
        Map<String, Object> data = new LinkedHashMap<>();
        if (dataJson != null) {
            data.putAll(Json.read(dataJson, Map.class));
        }
        data.put("pushflow_campaign", campaignId);
        data.put("pushflow_variant", variant);
        data.put("pushflow_push", pushId);
        return data;
    }

    /** The provider message: the chosen language's texts as English too (the provider requires it) and ids in the data. */
    public PushMessage message() {
        return new PushMessage(
                PushMessage.idempotencyKey(requestId, language),
                List.of(pushTokens),
                texts(title),
                contents(),
                data(),
                deepLink,
                imageUrl);
    }
}
