package io.pushflow.admin.push;

import com.fasterxml.jackson.core.type.TypeReference;
import io.micronaut.data.model.Pageable;
import io.micronaut.data.model.Sort;
import io.pushflow.admin.api.ApiError.FieldError;
import io.pushflow.admin.api.ApiException;
import io.pushflow.admin.api.Page;
import io.pushflow.admin.audit.AuditLog;
import io.pushflow.admin.campaign.CampaignVariantRepository;
import io.pushflow.core.campaign.CampaignSnapshot;
import io.pushflow.core.json.Json;
import jakarta.inject.Singleton;
import jakarta.transaction.Transactional;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

@Singleton
public class PushService {

    public static final String ENTITY = "push";
    public static final int MAX_TITLE = 100;
    public static final int MAX_BODY = 1000;
    /** OneSignal accepts 2048 bytes of data; the rest is kept for the campaign and variant ids the sender adds. */
    public static final int MAX_DATA_BYTES = 1900;
    /** Data keys the sender sets itself, so the app can report opens per campaign and variant. */
    public static final String RESERVED_DATA_PREFIX = "pushflow_";

    private static final Set<String> LANGUAGES = Set.of(Locale.getISOLanguages());
    private static final Set<String> SCRIPTED = Set.of("zh-Hans", "zh-Hant");
    private static final TypeReference<LinkedHashMap<String, PushRequest.Text>> TEXTS = new TypeReference<>() {};
    private static final TypeReference<LinkedHashMap<String, Object>> DATA = new TypeReference<>() {};

    private final PushRepository pushes;
    private final CampaignVariantRepository variants;
    private final AuditLog audit;
    private final Clock clock;

    PushService(PushRepository pushes, CampaignVariantRepository variants, AuditLog audit, Clock clock) {
        this.pushes = pushes;
        this.variants = variants;
        this.audit = audit;
        this.clock = clock;
    }

    @Transactional
    public PushView create(PushRequest request) {
        validate(request);
        requireFreeName(request.name(), null);
        Instant now = clock.instant();
        String actor = audit.actor();
        Push saved = pushes.save(row(request, null, null, now, actor, now, actor));
        PushView view = view(saved);
        audit.created(ENTITY, saved.id(), view);
        return view;
    }

    @Transactional
    public PushView update(long id, PushRequest request) {
        Push current = find(id);
        validate(request);
        requireFreeName(request.name(), id);
        Push updated = pushes.update(row(
                request,
                id,
                current.version(),
                current.createdAt(),
                current.createdBy(),
                clock.instant(),
                audit.actor()));
        PushView view = view(updated);
        audit.updated(ENTITY, id, view(current), view);
        return view;
    }

    @Transactional
    public void delete(long id) {
        find(id);
        List<Long> campaigns = variants.findCampaignIdByPushId(id);
        if (!campaigns.isEmpty()) {
            throw ApiException.conflict("push " + id + " is a variant of campaigns "
                    + campaigns.stream().distinct().toList() + "; delete or change them first");
        }
        pushes.deleteById(id);
        audit.deleted(ENTITY, id);
    }

    public PushView get(long id) {
        return view(find(id));
    }

    public Page<PushView> list(int page, int size) {
        return Page.of(pushes.findAll(Pageable.from(page, size, Sort.of(Sort.Order.desc("id")))), PushService::view);
    }

    public Push find(long id) {
        return pushes.findById(id).orElseThrow(() -> ApiException.notFound("push", id));
    }

    /** What a sender needs of a push, for the campaign snapshot in commands. */
    public static CampaignSnapshot.PushContent content(Push push) {
        Map<String, CampaignSnapshot.LocalizedText> texts = new TreeMap<>();
        readTexts(push.textsJson())
                .forEach((locale, t) -> texts.put(locale, new CampaignSnapshot.LocalizedText(t.title(), t.body())));
        return new CampaignSnapshot.PushContent(
                push.defaultLocale(),
                texts,
                push.deepLink(),
                push.imageUrl(),
                push.dataJson() == null ? null : Json.read(push.dataJson(), LinkedHashMap.class));
    }

    /** Schemes that run code or reach local data or other apps' internals when opened: no push may carry them. */
    static final List<String> NOT_APP_SCHEMES = List.of(
            "javascript",
            "vbscript",
            "data",
            "file",
            "blob",
            "filesystem",
            "about",
            "content",
            "intent",
            "jar",
            "view-source",
            "ftp",
            "ws",
            "wss");

    static void validate(PushRequest request) {
        List<FieldError> errors = new ArrayList<>();
        request.texts().forEach((locale, text) -> {
            String at = "texts." + locale;
            if (!validLocale(locale)) {
                errors.add(new FieldError(at, "'" + locale + "' is not a language code such as en, pt or zh-Hans"));
            }
            if (text == null) {
                errors.add(new FieldError(at, "expected {\"title\", \"body\"}"));
                return;
            }
            checkText(errors, at + ".title", text.title(), MAX_TITLE);
            checkText(errors, at + ".body", text.body(), MAX_BODY);
        });
        if (!request.texts().containsKey(request.defaultLocale())) {
            errors.add(new FieldError(
                    "defaultLocale",
                    "'" + request.defaultLocale() + "' has no text; it must be one of "
                            + request.texts().keySet()));
        }
        if (request.deepLink() != null && !validDeepLink(request.deepLink())) {
            errors.add(new FieldError(
                    "deepLink",
                    "expected an http(s) URL or an app link such as windy://spot/123 " + "(not "
                            + String.join(", ", NOT_APP_SCHEMES) + ")"));
        }
        if (request.imageUrl() != null && !validUri(request.imageUrl())) {
            errors.add(new FieldError("imageUrl", "expected an https URL"));
        }
        if (request.data() != null) {
            int bytes = Json.write(request.data()).getBytes(StandardCharsets.UTF_8).length;
            if (bytes > MAX_DATA_BYTES) {
                errors.add(new FieldError("data", "is " + bytes + " bytes of JSON; at most " + MAX_DATA_BYTES));
            }
            request.data().keySet().stream()
                    .filter(k -> k.startsWith(RESERVED_DATA_PREFIX))
                    .forEach(k -> errors.add(new FieldError(
                            "data." + k,
                            "keys starting with " + RESERVED_DATA_PREFIX + " are set by pushflow itself")));
        }
        if (!errors.isEmpty()) {
            throw ApiException.invalid(errors);
        }
    }

    private static void checkText(List<FieldError> errors, String field, String text, int max) {
        if (text == null || text.isBlank()) {
            errors.add(new FieldError(field, "must not be blank"));
        } else if (text.codePointCount(0, text.length()) > max) {
            errors.add(new FieldError(
                    field, "is " + text.codePointCount(0, text.length()) + " characters; at most " + max));
        }
    }

    private static boolean validLocale(String locale) {
        return LANGUAGES.contains(locale) || SCRIPTED.contains(locale);
    }

    /** An https URL with a host. */
    private static boolean validUri(String text) {
        URI uri = uri(text);
        return uri != null && "https".equalsIgnoreCase(uri.getScheme()) && uri.getHost() != null;
    }

    /** A stored push whose deep link the current rules refuse (saved before them), as an error of {@code field}. */
    public static Optional<FieldError> unsafeDeepLink(Push push, String field) {
        return push.deepLink() == null || validDeepLink(push.deepLink())
                ? Optional.empty()
                : Optional.of(new FieldError(
                        field,
                        "push " + push.id() + " has a deep link that is neither an http(s) URL nor an "
                                + "app link; change the push first"));
    }

    /** An http(s) URL with a host, or an app's own scheme: never one a browser or the OS runs or reads on its own. */
    private static boolean validDeepLink(String text) {
        URI uri = uri(text);
        if (uri == null || uri.getScheme() == null) {
            return false;
        }
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        if (scheme.equals("http") || scheme.equals("https")) {
            return uri.getHost() != null;
        }
        return !NOT_APP_SCHEMES.contains(scheme)
                && uri.getRawSchemeSpecificPart() != null
                && !uri.getRawSchemeSpecificPart().isEmpty();
    }

    private static URI uri(String text) {
        try {
            return new URI(text);
        } catch (URISyntaxException e) {
            return null;
        }
    }

    private void requireFreeName(String name, Long self) {
        pushes.findByName(name.trim()).filter(p -> !p.id().equals(self)).ifPresent(p -> {
            throw ApiException.nameTaken("push", name.trim(), p.id());
        });
    }

    private static Push row(
            PushRequest r,
            Long id,
            Long version,
            Instant createdAt,
            String createdBy,
            Instant updatedAt,
            String updatedBy) {
        return new Push(
                id,
                r.name().trim(),
                r.defaultLocale(),
                Json.write(new TreeMap<>(r.texts())),
                r.deepLink(),
                r.imageUrl(),
                r.data() == null ? null : Json.write(r.data()),
                version,
                createdAt,
                createdBy,
                updatedAt,
                updatedBy);
    }

    private static Map<String, PushRequest.Text> readTexts(String json) {
        try {
            return Json.MAPPER.readValue(json, TEXTS);
        } catch (Exception e) {
            throw new IllegalStateException("stored push texts are not JSON", e);
        }
    }

    static PushView view(Push p) {
        Map<String, Object> data = null;
        if (p.dataJson() != null) {
            try {
                data = Json.MAPPER.readValue(p.dataJson(), DATA);
            } catch (Exception e) {
                throw new IllegalStateException("stored push data is not JSON", e);
            }
        }
        return new PushView(
                p.id(),
                p.name(),
                p.defaultLocale(),
                readTexts(p.textsJson()),
                p.deepLink(),
                p.imageUrl(),
                data,
                p.version(),
                p.createdAt(),
                p.createdBy(),
                p.updatedAt(),
                p.updatedBy());
    }
}
