package io.pushflow.admin.events;

import com.ethlo.time.ITU;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import io.micronaut.context.annotation.Value;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpStatus;
import io.pushflow.admin.api.ApiError.FieldError;
import io.pushflow.admin.api.ApiException;
import io.pushflow.admin.events.EventsReport.Rejection;
import io.pushflow.core.campaign.CampaignStatus;
import io.pushflow.core.campaign.PushEvent;
import io.pushflow.core.json.Json;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a request's engagement events, a JSON array or NDJSON, and checks each on its own: a bad event is refused
 * with what to fix and the next one is read. Jackson's streaming parser rather than data binding, because binding
 * stops at the first bad element; a body that is not JSON at all (or an array broken off) is refused whole.
 */
@Singleton
public class AppEventReader {

    public enum Format {
        JSON,
        NDJSON
    }

    /** The events that passed, in request order, and the refused ones. */
    public record Result(List<PushEvent> accepted, List<Rejection> rejections) {}

    public static final int MAX_EVENT_ID = PushEvent.MAX_EVENT_ID;
    public static final int MAX_SUBSCRIPTION_ID = PushEvent.MAX_SUBSCRIPTION_ID;
    public static final int MAX_VARIANT = PushEvent.MAX_VARIANT;
    private static final int MAX_TIME = 40;
    private static final int MAX_CAMPAIGN_DIGITS = 18;
    private static final int SHOWN = 40;
    private static final String FIELDS = "eventId, campaignId, variant, subscriptionId, type, at";

    private final JsonFactory json = Json.MAPPER.getFactory();
    private final KnownCampaigns campaigns;
    private final int maxEvents;
    private final Duration maxFuture;
    private final Duration maxAge;

    AppEventReader(
            KnownCampaigns campaigns,
            @Value("${pushflow.events.max-events:5000}") int maxEvents,
            @Value("${pushflow.events.max-future:10m}") Duration maxFuture,
            @Value("${pushflow.events.max-age:30d}") Duration maxAge) {
        this.campaigns = campaigns;
        this.maxEvents = maxEvents;
        this.maxFuture = maxFuture;
        this.maxAge = maxAge;
    }

    public int maxEvents() {
        return maxEvents;
    }

    /** Every event of the body, checked against the campaigns and {@code now}; throws 400 or 413 for the body as a whole. */
    public Result read(byte[] body, Format format, Instant now) {
        Batch batch = new Batch(now);
        try {
            if (format == Format.JSON) {
                readArray(body, batch);
            } else {
                readLines(body, batch);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Result(batch.accepted, batch.rejections);
    }

    private void readArray(byte[] body, Batch batch) throws IOException {
        try (JsonParser p = json.createParser(body)) {
            JsonToken t = p.nextToken();
            if (t != JsonToken.START_ARRAY) {
                throw ApiException.invalid(
                        "body",
                        t == null
                                ? "the body is empty; send a JSON array of events"
                                : "expected a JSON array of events, got " + describe(t)
                                        + " (one event is an array of one; NDJSON needs Content-Type application/x-ndjson)");
            }
            while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                if (t == null) {
                    throw ApiException.invalid(
                            "body", "invalid JSON: the array ends early, after " + batch.index + " events");
                }
                batch.next();
                event(p, t, batch, null);
            }
            if (p.nextToken() != null) {
                throw ApiException.invalid("body", "invalid JSON: something follows the array of events");
            }
        } catch (JsonProcessingException e) {
            throw ApiException.invalid(
                    "body",
                    "invalid JSON at line " + e.getLocation().getLineNr() + ", column "
                            + e.getLocation().getColumnNr() + " (event " + batch.index + "): "
                            + shown(e.getOriginalMessage(), 120));
        }
    }

    private void readLines(byte[] body, Batch batch) throws IOException {
        int line = 0;
        for (int start = 0; start < body.length; ) {
            int end = start;
            while (end < body.length && body[end] != '\n') {
                end++;
            }
            line++;
            int from = start;
            int to = end;
            start = end + 1;
            while (from < to && body[from] <= ' ') {
                from++;
            }
            while (to > from && body[to - 1] <= ' ') {
                to--;
            }
            if (from == to) {
                continue;
            }
            batch.next();
            try (JsonParser p = json.createParser(body, from, to - from)) {
                event(p, p.nextToken(), batch, line);
                if (p.nextToken() != null) {
                    batch.reject(null, "line " + line + " holds more than one JSON value; NDJSON is one event a line");
                }
            } catch (JsonProcessingException e) {
                batch.reject(
                        null,
                        "line " + line + " is not valid JSON (column "
                                + e.getLocation().getColumnNr() + "): " + shown(e.getOriginalMessage(), 120));
            }
        }
    }

    /** One event from {@code first} (its opening token) on; leaves the parser after it, whatever it held. */
    private void event(JsonParser p, JsonToken first, Batch batch, @Nullable Integer line) throws IOException {
        if (first != JsonToken.START_OBJECT) {
            p.skipChildren();
            batch.reject(null, "an event must be a JSON object with " + FIELDS + ", got " + describe(first));
            return;
        }
        Problems problems = new Problems();
        String eventId = null;
        String variant = null;
        String subscriptionId = null;
        String type = null;
        String at = null;
        long campaignId = 0;
        boolean campaignGiven = false;
        boolean campaignReadable = true;
        JsonToken t;
        while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken value = p.nextToken();
            switch (name) {
                case "eventId" -> eventId = string(p, value, name, problems);
                case "variant" -> variant = string(p, value, name, problems);
                case "subscriptionId" -> subscriptionId = string(p, value, name, problems);
                case "type" -> type = string(p, value, name, problems);
                case "at" -> at = string(p, value, name, problems);
                case "campaignId" -> {
                    if (value == JsonToken.VALUE_NULL) {
                        break;
                    }
                    campaignGiven = true;
                    long id = campaignId(p, value, problems);
                    campaignReadable = id > 0;
                    campaignId = Math.max(id, 0);
                }
                default -> problems.add("unknown field '" + shown(name, SHOWN) + "'; an event has " + FIELDS);
            }
            p.skipChildren();
        }
        if (t != JsonToken.END_OBJECT) {
            throw new IllegalStateException("the parser stopped inside an event at " + t);
        }

        if (eventId == null) {
            problems.add("eventId is required (a UUID the client makes for the event)");
        } else if (!printable(eventId, MAX_EVENT_ID)) {
            problems.add("eventId must be 1-" + MAX_EVENT_ID + " printable ASCII characters without spaces, got "
                    + eventId.length() + " characters");
            eventId = null;
        } else if (batch.seen.containsKey(eventId)) {
            problems.add("eventId repeats the event at index " + batch.seen.get(eventId) + " of this request");
        }
        PushEvent.Type kind = null;
        if (type == null) {
            problems.add("type is required: open, click or app_open");
        } else {
            kind = switch (type) {
                case "open" -> PushEvent.Type.OPENED;
                case "click" -> PushEvent.Type.CLICKED;
                case "app_open" -> PushEvent.Type.APP_OPENED;
                default -> {
                    problems.add("type '" + shown(type, SHOWN) + "' is not one of open, click, app_open");
                    yield null;
                }
            };
        }
        if (subscriptionId == null) {
            problems.add("subscriptionId is required (the install as the push provider knows it)");
        } else if (!printable(subscriptionId, MAX_SUBSCRIPTION_ID)) {
            problems.add("subscriptionId must be 1-" + MAX_SUBSCRIPTION_ID
                    + " printable ASCII characters without spaces, got " + subscriptionId.length() + " characters");
        }
        Instant when = at == null ? null : time(at, batch.now, problems);
        if (at == null) {
            problems.add("at is required: when the user did it, an ISO 8601 instant such as 2026-11-23T18:02:11Z");
        }
        if (variant != null && (variant.isEmpty() || variant.length() > MAX_VARIANT)) {
            problems.add("variant must be 1-" + MAX_VARIANT + " characters (pushflow_variant of the push's data), got "
                    + variant.length());
        } else if (kind != null && campaignReadable) {
            String problem = campaignProblem(kind, campaignGiven ? campaignId : 0, variant);
            if (problem != null) {
                problems.add(problem);
            }
        }
        if (!problems.isEmpty()) {
            batch.reject(eventId, line == null ? problems.text() : "line " + line + ": " + problems.text());
            return;
        }
        batch.seen.put(eventId, batch.index);
        batch.accepted.add(new PushEvent(
                PushEvent.VERSION, eventId, campaignGiven ? campaignId : 0, variant, subscriptionId, kind, when));
    }

    /**
     * Why an event of {@code type} may not name this campaign ({@code campaignId} 0: none) and variant, or null when
     * it may: opens and clicks need a campaign that has sent pushes (not a draft) and one of its variants; an app open
     * needs neither, but what it names must exist.
     */
    public @Nullable String campaignProblem(PushEvent.Type type, long campaignId, @Nullable String variant) {
        boolean push = type != PushEvent.Type.APP_OPENED;
        if (campaignId == 0) {
            if (push) {
                return "campaignId is required for " + (type == PushEvent.Type.OPENED ? "open" : "click")
                        + ": pushflow_campaign of the push's data";
            }
            return variant == null ? null : "variant needs campaignId (an app open by a push names both, or neither)";
        }
        KnownCampaigns.Known campaign = campaigns.find(campaignId);
        if (campaign == null) {
            return "campaign " + campaignId + " does not exist";
        }
        if (campaign.status() == CampaignStatus.DRAFT) {
            return "campaign " + campaignId + " is a draft: it has sent no pushes";
        }
        if (variant == null) {
            return push
                    ? "variant is required for " + (type == PushEvent.Type.OPENED ? "open" : "click")
                            + ": pushflow_variant of the push's data"
                    : null;
        }
        if (!campaign.variants().contains(variant)) {
            return "campaign " + campaignId + " has no variant '" + shown(variant, SHOWN) + "' (its variants: "
                    + String.join(", ", campaign.variants()) + ")";
        }
        return null;
    }

    private static @Nullable String string(JsonParser p, JsonToken value, String name, Problems problems)
            throws IOException {
        if (value == JsonToken.VALUE_STRING) {
            return p.getText();
        }
        if (value != JsonToken.VALUE_NULL) {
            problems.add(name + " must be a string, got " + describe(value));
        }
        return null;
    }

    /** The campaign id, or -1 (with the problem noted) when it is not a positive whole number. */
    private static long campaignId(JsonParser p, JsonToken value, Problems problems) throws IOException {
        long id = -1;
        if (value == JsonToken.VALUE_NUMBER_INT && p.getNumberType() != JsonParser.NumberType.BIG_INTEGER) {
            id = p.getLongValue();
        } else if (value == JsonToken.VALUE_STRING && p.getTextLength() <= MAX_CAMPAIGN_DIGITS && digits(p.getText())) {
            id = Long.parseLong(p.getText());
        }
        if (id <= 0) {
            problems.add("campaignId must be a positive whole number (pushflow_campaign of the push's data), got "
                    + (value == JsonToken.VALUE_STRING ? "'" + shown(p.getText(), SHOWN) + "'" : describe(value)));
            return -1;
        }
        return id;
    }

    private @Nullable Instant time(String text, Instant now, Problems problems) {
        Instant at;
        try {
            if (text.length() > MAX_TIME) {
                throw new DateTimeException("too long");
            }
            at = ITU.parseDateTime(text).toInstant();
        } catch (DateTimeException e) {
            problems.add(
                    "at must be an ISO 8601 instant such as 2026-11-23T18:02:11Z, got '" + shown(text, SHOWN) + "'");
            return null;
        }
        if (at.isAfter(now.plus(maxFuture))) {
            problems.add("at " + at + " is more than " + readable(maxFuture) + " ahead of the server's clock (" + now
                    + "); send when the user acted, in UTC or with its offset");
        } else if (at.isBefore(now.minus(maxAge))) {
            problems.add("at " + at + " is more than " + readable(maxAge) + " old; such old events are not taken");
        }
        return at;
    }

    private static boolean digits(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    /** 1 to {@code max} characters of printable ASCII, no spaces: safe in ids, logs and the batch id. */
    static boolean printable(String s, int max) {
        if (s.isEmpty() || s.length() > max) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c <= ' ' || c > '~') {
                return false;
            }
        }
        return true;
    }

    /** A value of the request as a reason may quote it: shortened, and without control characters. */
    static String shown(@Nullable String s, int max) {
        if (s == null) {
            return "";
        }
        String cut = s.length() > max ? s.substring(0, max) + "..." : s;
        StringBuilder out = new StringBuilder(cut.length());
        for (int i = 0; i < cut.length(); i++) {
            char c = cut.charAt(i);
            out.append(Character.isISOControl(c) ? '?' : c);
        }
        return out.toString();
    }

    static String describe(JsonToken t) {
        return switch (t) {
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case VALUE_NULL -> "null";
            case START_OBJECT -> "an object";
            case START_ARRAY -> "an array";
            default -> t.asString() == null ? t.name() : t.asString();
        };
    }

    private static String readable(Duration d) {
        if (d.toDaysPart() > 0 && d.toHoursPart() == 0 && d.toMinutesPart() == 0) {
            return d.toDays() + " days";
        }
        return d.toMinutes() + " minutes";
    }

    /** The state of one request's reading. */
    private final class Batch {
        final Instant now;
        final List<PushEvent> accepted = new ArrayList<>();
        final List<Rejection> rejections = new ArrayList<>();
        final Map<String, Integer> seen = new HashMap<>();
        /** The current event's position; -1 before the first. */
        int index = -1;

        Batch(Instant now) {
            this.now = now;
        }

        void next() {
            index++;
            if (index >= maxEvents) {
                String message =
                        "more than " + maxEvents + " events in one request; send at most " + maxEvents + " a request";
                throw new ApiException(
                        HttpStatus.REQUEST_ENTITY_TOO_LARGE, message, List.of(new FieldError("body", message)));
            }
        }

        void reject(@Nullable String eventId, String reason) {
            rejections.add(new Rejection(index, eventId == null ? null : shown(eventId, SHOWN), reason));
        }
    }

    /** What is wrong with one event, all of it at once. */
    private static final class Problems {
        private List<String> found;

        void add(String problem) {
            if (found == null) {
                found = new ArrayList<>(2);
            }
            found.add(problem);
        }

        boolean isEmpty() {
            return found == null;
        }

        String text() {
            return String.join("; ", found);
        }
    }
}
