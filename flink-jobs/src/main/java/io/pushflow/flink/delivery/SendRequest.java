package io.pushflow.flink.delivery;

import io.pushflow.core.json.Json;
import io.pushflow.provider.PushMessage;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One create-notification call: one campaign, variant and language, up to {@link PushMessage#MAX_RECIPIENTS}
 * users. {@code requestId} names exactly these users (the batch, the moment for deferred ones, the language),
 * and the idempotency key comes from it, so a replay sends the same request and the provider creates nothing new.
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
    public String[] pushTokens;

    public SendRequest() {
    }

    /** The provider message: the chosen language's texts as English too (the provider requires it) and ids in the data. */
    @SuppressWarnings("unchecked")
    public PushMessage message() {
        Map<String, String> contents = new LinkedHashMap<>();
        contents.put(PushMessage.FALLBACK_LANGUAGE, body);
        contents.put(language, body);
        Map<String, String> headings = new LinkedHashMap<>();
        if (title != null && !title.isEmpty()) {
            headings.put(PushMessage.FALLBACK_LANGUAGE, title);
            headings.put(language, title);
        }
        Map<String, Object> data = new LinkedHashMap<>();
        if (dataJson != null) {
            data.putAll(Json.read(dataJson, Map.class));
        }
        data.put("pushflow_campaign", campaignId);
        data.put("pushflow_variant", variant);
        data.put("pushflow_push", pushId);
        return new PushMessage(PushMessage.idempotencyKey(requestId, language), List.of(pushTokens), headings, contents, data,
                deepLink, imageUrl);
    }
}
