package io.pushflow.flink.delivery;

import io.pushflow.core.campaign.CampaignCommand;
import io.pushflow.core.campaign.CampaignSnapshot;
import io.pushflow.core.campaign.Provider;
import io.pushflow.core.delivery.QuietHours;
import io.pushflow.core.filter.FilterChain;
import io.pushflow.core.json.Json;
import java.time.Duration;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What the delivery job must know of a campaign, as of one campaign version: whether it may send, the checks
 * every push passes (cohort, window, quiet hours, frequency cap) and each variant's texts. A flat POJO Flink
 * serializes natively; the same element is the gate's broadcast state and the assembler's keyed state.
 */
public class CampaignRules {

    public enum Status {
        RUNNING,
        PAUSED,
        STOPPED
    }

    /** A campaign is remembered for a user this long after its window, so a late replay is still a duplicate. */
    static final long REMEMBER_AFTER_WINDOW_MILLIS = Duration.ofDays(1).toMillis();

    public long campaignId;
    public long version;
    /** A {@link Status} by name: {@link #status()} reads it. */
    public String status;

    public String filterJson;
    /** Relative cohort conditions (within_last) are read as of the start, as the dispatch job read them. */
    public long asOfMillis;

    public long windowEndMillis;
    /** Minutes after local midnight; -1 when the campaign has no quiet hours. */
    public int quietStartMinute = -1;

    public int quietEndMinute = -1;
    /** 0 when the campaign has no frequency cap. */
    public int capCount;

    public long capPeriodMillis;
    public VariantTexts[] variants;
    /** {@link Provider#name()}; null in rules from before the field, which means OneSignal. */
    public String provider;

    public CampaignRules() {}

    public static CampaignRules from(CampaignCommand command) {
        CampaignSnapshot c = command.campaign();
        CampaignRules r = new CampaignRules();
        r.campaignId = command.campaignId();
        r.version = command.campaignVersion();
        r.status(
                switch (command.type()) {
                    case PAUSE -> Status.PAUSED;
                    case STOP -> Status.STOPPED;
                    case LAUNCH, RESUME -> Status.RUNNING;
                    case UPDATE ->
                        switch (c.status()) {
                            case PAUSED, HALTED -> Status.PAUSED;
                            case STOPPED, COMPLETED, FAILED -> Status.STOPPED;
                            default -> Status.RUNNING;
                        };
                });
        r.filterJson = Json.write(c.cohort().filter());
        FilterChain.fromJson(r.filterJson); // refuse a chain the gate could not evaluate
        long start = (c.startAt() != null ? c.startAt() : command.issuedAt()).toEpochMilli();
        r.asOfMillis = start;
        r.windowEndMillis = start + c.duration().toMillis();
        if (c.quietHours() != null) {
            new QuietHours(c.quietHours().start(), c.quietHours().end()); // refuses empty quiet hours
            r.quietStartMinute = c.quietHours().start().toSecondOfDay() / 60;
            r.quietEndMinute = c.quietHours().end().toSecondOfDay() / 60;
        }
        if (c.frequencyCap() != null) {
            r.capCount = c.frequencyCap().count();
            r.capPeriodMillis = c.frequencyCap().period().toMillis();
        }
        List<VariantTexts> variants = new ArrayList<>();
        for (CampaignSnapshot.Variant v : c.variants()) {
            variants.add(VariantTexts.of(v));
        }
        r.variants = variants.toArray(VariantTexts[]::new);
        r.provider = Provider.of(c.provider()).name();
        return r;
    }

    /**
     * The rules of {@code campaignId} as stopped, for batches whose campaign is over (or never came): a copy of
     * {@code known} with status STOPPED, or bare rules when there are none.
     */
    public static CampaignRules stopped(long campaignId, CampaignRules known) {
        CampaignRules r = new CampaignRules();
        if (known != null) {
            r.version = known.version;
            r.filterJson = known.filterJson;
            r.asOfMillis = known.asOfMillis;
            r.windowEndMillis = known.windowEndMillis;
            r.variants = known.variants;
            r.provider = known.provider;
        } else {
            r.filterJson = "{\"all\":[]}";
            r.variants = new VariantTexts[0];
        }
        r.campaignId = campaignId;
        r.status(Status.STOPPED);
        return r;
    }

    /** The status as the enum: the field keeps its name, the form state has always stored. */
    public Status status() {
        return Status.valueOf(status);
    }

    private void status(Status s) {
        status = s.name();
    }

    public boolean is(Status s) {
        return status() == s;
    }

    /** Whether the campaign goes straight to APNs and FCM rather than through OneSignal. */
    public boolean direct() {
        return Provider.of(provider) == Provider.DIRECT;
    }

    /** Until when what is decided at {@code now} is remembered: a day after the window, or after now once the window is over. */
    public long rememberedUntil(long now) {
        return Math.max(windowEndMillis, now) + REMEMBER_AFTER_WINDOW_MILLIS;
    }

    public QuietHours quietHours() {
        return quietStartMinute < 0
                ? null
                : new QuietHours(
                        LocalTime.ofSecondOfDay(quietStartMinute * 60L), LocalTime.ofSecondOfDay(quietEndMinute * 60L));
    }

    public Duration capPeriod() {
        return Duration.ofMillis(capPeriodMillis);
    }

    public VariantTexts variant(String key) {
        for (VariantTexts v : variants) {
            if (v.key.equals(key)) {
                return v;
            }
        }
        return null;
    }

    /** One variant's push: texts per language (parallel arrays), deep link, image and data payload. */
    public static class VariantTexts {
        public String key;
        public long pushId;
        public String defaultLanguage;
        public String[] languages;
        public String[] titles;
        public String[] bodies;
        public String deepLink;
        public String imageUrl;
        public String dataJson;

        public VariantTexts() {}

        static VariantTexts of(CampaignSnapshot.Variant v) {
            VariantTexts t = new VariantTexts();
            t.key = v.key();
            t.pushId = v.pushId();
            CampaignSnapshot.PushContent content = v.content();
            t.defaultLanguage = content.defaultLocale();
            List<Map.Entry<String, CampaignSnapshot.LocalizedText>> texts =
                    new ArrayList<>(content.texts().entrySet());
            t.languages = texts.stream().map(Map.Entry::getKey).toArray(String[]::new);
            t.titles = texts.stream().map(e -> e.getValue().title()).toArray(String[]::new);
            t.bodies = texts.stream().map(e -> e.getValue().body()).toArray(String[]::new);
            t.deepLink = content.deepLink();
            t.imageUrl = content.imageUrl();
            t.dataJson = content.data() == null || content.data().isEmpty() ? null : Json.write(content.data());
            return t;
        }

        /** The language whose text a user of {@code locale} gets: theirs when the push has it, else the default. */
        public int textFor(String locale) {
            String language =
                    locale == null ? "" : locale.toLowerCase(Locale.ROOT).split("[-_]")[0];
            int fallback = 0;
            for (int i = 0; i < languages.length; i++) {
                if (languages[i].equals(language)) {
                    return i;
                }
                if (languages[i].equals(defaultLanguage)) {
                    fallback = i;
                }
            }
            return fallback;
        }
    }
}
