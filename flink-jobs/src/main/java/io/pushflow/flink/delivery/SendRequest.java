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

    /**
     * The {@code part}-th request (of at most {@link PushMessage#MAX_RECIPIENTS}) for one text of a variant:
     * {@code requestBase} is the batch, or the batch and the moment for deferred recipients, so the id names
     * exactly these users on every replay.
     */
    private static SendRequest of(String requestBase, int part, CampaignRules rules, CampaignRules.VariantTexts texts, int text, long wave,
                          String batchId, long[] userIds, String[] pushTokens) {
        SendRequest s = new SendRequest();
        s.language = texts.languages[text];
        s.requestId = requestBase + ":" + texts.key + ":" + s.language + (part == 0 ? "" : ":" + part);
        s.campaignId = rules.campaignId;
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
     * The requests for these recipients of one variant: one per text language (a recipient's locale picks it), at
     * most {@link PushMessage#MAX_RECIPIENTS} each, named from {@code requestBase} (the batch, and the moment for
     * deferred recipients).
     */
    static void perText(String requestBase, CampaignRules rules, CampaignRules.VariantTexts texts, long wave, String batchId,
                        long[] userIds, String[] pushTokens, String[] locales, java.util.function.Consumer<SendRequest> out) {
        Map<Integer, List<Integer>> byText = new LinkedHashMap<>();
        Map<String, Integer> textOfLocale = new java.util.HashMap<>();
        for (int i = 0; i < userIds.length; i++) {
            int text = textOfLocale.computeIfAbsent(locales[i] == null ? "" : locales[i], texts::textFor);
            byText.computeIfAbsent(text, t -> new java.util.ArrayList<>()).add(i);
        }
        for (Map.Entry<Integer, List<Integer>> group : byText.entrySet()) {
            List<Integer> rows = group.getValue();
            for (int from = 0, part = 0; from < rows.size(); from += PushMessage.MAX_RECIPIENTS, part++) {
                List<Integer> slice = rows.subList(from, Math.min(rows.size(), from + PushMessage.MAX_RECIPIENTS));
                out.accept(of(requestBase, part, rules, texts, group.getKey(), wave, batchId,
                        slice.stream().mapToLong(i -> userIds[i]).toArray(), slice.stream().map(i -> pushTokens[i]).toArray(String[]::new)));
            }
        }
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
