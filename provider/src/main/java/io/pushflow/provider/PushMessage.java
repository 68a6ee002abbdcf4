package io.pushflow.provider;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * One send request: the same title and body (per language) to up to {@value #MAX_RECIPIENTS} subscriptions.
 * {@code idempotencyKey} is derived from what is sent (campaign batch and language), so a retried or replayed
 * request is recognized by the provider and never becomes a second notification.
 */
public record PushMessage(
        String idempotencyKey,
        List<String> subscriptionIds,
        Map<String, String> headings,
        Map<String, String> contents,
        Map<String, Object> data,
        String appUrl,
        String imageUrl) {

    /** OneSignal's limit of subscription ids per create-notification call. */
    public static final int MAX_RECIPIENTS = 2_000;
    /** OneSignal shows the English text to anyone whose language has no text, and requires it. */
    public static final String FALLBACK_LANGUAGE = "en";

    public PushMessage {
        if (subscriptionIds.isEmpty() || subscriptionIds.size() > MAX_RECIPIENTS) {
            throw new IllegalArgumentException(
                    "1 to " + MAX_RECIPIENTS + " subscription ids per message, got " + subscriptionIds.size());
        }
        if (!contents.containsKey(FALLBACK_LANGUAGE)) {
            throw new IllegalArgumentException("contents need an English (" + FALLBACK_LANGUAGE + ") text");
        }
        subscriptionIds = List.copyOf(subscriptionIds);
        headings = Map.copyOf(headings);
        contents = Map.copyOf(contents);
        data = data == null ? Map.of() : Map.copyOf(data);
    }

    /** A deterministic key for what one batch sends in one language: the same on every retry and replay. */
    public static String idempotencyKey(String batchId, String language) {
        return UUID.nameUUIDFromBytes(("pushflow:" + batchId + ":" + language).getBytes(StandardCharsets.UTF_8))
                .toString();
    }

    /**
     * Texts per language with the campaign's default language standing in for English where a push has no
     * English text (the provider shows English to everyone whose language has none).
     */
    public static Map<String, String> withFallback(Map<String, String> texts, String defaultLanguage) {
        Map<String, String> out = new LinkedHashMap<>(texts);
        if (!out.containsKey(FALLBACK_LANGUAGE) && texts.containsKey(defaultLanguage)) {
            out.put(FALLBACK_LANGUAGE, texts.get(defaultLanguage));
        }
        return out;
    }
}
