package io.pushflow.provider.device;

import io.pushflow.provider.PushMessage;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * What one campaign variant sends to each of many devices of one platform: title and body per language (English
 * required, the fallback as in {@link PushMessage}), data for the app ({@code pushflow_campaign},
 * {@code pushflow_variant}, {@code pushflow_push} and the creative's own keys), a deep link, an image, and the
 * delivery options both services know: a collapse key, a time to live and an urgency. APNs and FCM take one request
 * per device, so the device's language picks the text at send time.
 *
 * @param collapseKey     APNs {@code apns-collapse-id} (at most 64 bytes) and FCM {@code android.collapse_key}, or null
 * @param timeToLive      how long the service keeps trying an offline device; null: the service's default
 * @param androidChannelId the Android notification channel, or null for the app's default channel
 */
public record DevicePush(
        Map<String, String> titles,
        Map<String, String> bodies,
        Map<String, Object> data,
        String deepLink,
        String imageUrl,
        String collapseKey,
        Duration timeToLive,
        Urgency urgency,
        String androidChannelId) {

    /** The custom payload key (APNs) and data key (FCM) that carry the deep link. */
    public static final String DEEP_LINK_KEY = "pushflow_link";
    /** The key that carries the image URL for the app (an iOS notification service extension downloads it). */
    public static final String IMAGE_KEY = "pushflow_image";

    /** HIGH: shown at once (APNs priority 10, FCM HIGH); NORMAL: may wait for the device to wake (APNs 5, FCM NORMAL). */
    public enum Urgency {
        HIGH,
        NORMAL
    }

    public DevicePush {
        if (bodies == null || !(bodies.get(PushMessage.FALLBACK_LANGUAGE) instanceof String)) {
            throw new IllegalArgumentException("bodies need an English (" + PushMessage.FALLBACK_LANGUAGE + ") text");
        }
        if (timeToLive != null && timeToLive.isNegative()) {
            throw new IllegalArgumentException("timeToLive must not be negative, got " + timeToLive);
        }
        titles = titles == null ? Map.of() : Map.copyOf(titles);
        bodies = Map.copyOf(bodies);
        data = data == null ? Map.of() : Map.copyOf(data);
        urgency = urgency == null ? Urgency.HIGH : urgency;
    }

    /** The body in the device's language: its exact tag, then its primary language ({@code pt} for {@code pt-BR}), then English. */
    public String bodyFor(String language) {
        return pick(bodies, language);
    }

    /** The title in the device's language like {@link #bodyFor}, or null when the push has no titles. */
    public String titleFor(String language) {
        return titles.isEmpty() ? null : pick(titles, language);
    }

    /** The language whose texts a device of {@code language} gets (what {@link #bodyFor} picks). */
    public String textLanguage(String language) {
        if (language == null || language.isEmpty()) {
            return PushMessage.FALLBACK_LANGUAGE;
        }
        if (bodies.containsKey(language)) {
            return language;
        }
        String primary = primary(language);
        return bodies.containsKey(primary) ? primary : PushMessage.FALLBACK_LANGUAGE;
    }

    private String pick(Map<String, String> texts, String language) {
        String chosen = textLanguage(language);
        String text = texts.get(chosen);
        return text != null ? text : texts.get(PushMessage.FALLBACK_LANGUAGE);
    }

    private static String primary(String language) {
        int dash = language.indexOf('-') >= 0 ? language.indexOf('-') : language.indexOf('_');
        return (dash > 0 ? language.substring(0, dash) : language).toLowerCase(Locale.ROOT);
    }
}
