package io.pushflow.admin.campaign;

import io.micronaut.data.model.Pageable;
import io.micronaut.data.model.Sort;
import io.pushflow.admin.api.ApiError.FieldError;
import io.pushflow.admin.api.ApiException;
import io.pushflow.admin.api.Page;
import io.pushflow.admin.audit.AuditEntry;
import io.pushflow.admin.audit.AuditLog;
import io.pushflow.admin.cohort.Cohort;
import io.pushflow.admin.cohort.CohortRepository;
import io.pushflow.admin.cohort.CohortService;
import io.pushflow.admin.outbox.CommandOutbox;
import io.pushflow.admin.push.Push;
import io.pushflow.admin.push.PushRepository;
import io.pushflow.admin.push.PushService;
import io.pushflow.core.campaign.CampaignCommand;
import io.pushflow.core.campaign.CampaignReport;
import io.pushflow.core.campaign.CampaignSnapshot;
import io.pushflow.core.campaign.CampaignStatus;
import io.pushflow.core.campaign.CampaignStatus.Action;
import io.pushflow.core.campaign.Metric;
import io.pushflow.core.campaign.Provider;
import io.pushflow.core.campaign.RewardSource;
import io.pushflow.core.campaign.SendPace;
import io.pushflow.core.campaign.SplitType;
import io.pushflow.core.guard.Guardrails;
import io.pushflow.core.json.Json;
import jakarta.inject.Singleton;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.stream.Collectors;

@Singleton
public class CampaignService {

    public static final String ENTITY = "campaign";
    /** Short windows serve transactional sends and demos; the pacing copes with a few waves. */
    static final Duration MIN_WINDOW = Duration.ofSeconds(30);

    static final Duration MAX_WINDOW = Duration.ofDays(30);
    static final double DEFAULT_MIN_SHARE = 0.05;
    static final int DEFAULT_BURN_IN = 100;

    private final CampaignRepository campaigns;
    private final CampaignVariantRepository variants;
    private final CohortRepository cohorts;
    private final PushRepository pushes;
    private final CommandOutbox outbox;
    private final AuditLog audit;
    private final Clock clock;

    CampaignService(
            CampaignRepository campaigns,
            CampaignVariantRepository variants,
            CohortRepository cohorts,
            PushRepository pushes,
            CommandOutbox outbox,
            AuditLog audit,
            Clock clock) {
        this.campaigns = campaigns;
        this.variants = variants;
        this.cohorts = cohorts;
        this.pushes = pushes;
        this.outbox = outbox;
        this.audit = audit;
        this.clock = clock;
    }

    @Transactional
    public CampaignView create(CampaignRequest request) {
        Settings s = settings(request);
        Instant now = clock.instant();
        String actor = audit.actor();
        Campaign saved = campaigns.save(
                row(s, null, CampaignStatus.DRAFT, null, null, null, null, null, now, actor, now, actor));
        saveVariants(saved.id(), s);
        CampaignView view = view(saved);
        audit.created(ENTITY, saved.id(), view);
        return view;
    }

    /**
     * A draft changes freely. A launched campaign changes only its name, limits (window, rate, quiet hours,
     * frequency cap) and guardrails; the jobs receive them as an UPDATE command. A stopped or completed one does not change.
     */
    @Transactional
    public CampaignView update(long id, CampaignRequest request) {
        Campaign current = find(id);
        if (current.status().isFinal()) {
            throw ApiException.conflict("campaign " + id + " is " + current.status() + " and can no longer change");
        }
        Settings s = settings(request);
        CampaignView before = view(current);
        Campaign next = row(
                s,
                id,
                current.status(),
                current.statusReason(),
                current.guardrailsSince(),
                current.version(),
                current.launchedAt(),
                current.endedAt(),
                current.createdAt(),
                current.createdBy(),
                clock.instant(),
                audit.actor());
        if (current.status() == CampaignStatus.DRAFT) {
            variants.deleteByCampaignId(id);
            saveVariants(id, s);
        } else {
            List<String> frozen = frozenChanges(current, next, s);
            if (!frozen.isEmpty()) {
                throw ApiException.conflict(
                        "campaign " + id + " is " + current.status() + ": " + String.join(", ", frozen)
                                + " can no longer change; only name, duration, sendRateLimit, pace, quietHours, frequencyCap and guardrails can");
            }
        }
        Campaign updated = campaigns.update(next);
        CampaignView after = view(updated);
        audit.updated(ENTITY, id, before, after);
        if (updated.status().isLive()) {
            enqueue(updated, CampaignCommand.Type.UPDATE);
        }
        return after;
    }

    @Transactional
    public void delete(long id) {
        Campaign current = find(id);
        if (current.status() != CampaignStatus.DRAFT) {
            throw ApiException.conflict(
                    "campaign " + id + " is " + current.status() + "; only drafts can be deleted (stop it instead)");
        }
        campaigns.deleteById(id);
        audit.deleted(ENTITY, id);
    }

    /** Applies a lifecycle action, or refuses it with 409 naming the current state. */
    @Transactional
    public CampaignView transition(long id, Action action) {
        Campaign current = find(id);
        Instant now = clock.instant();
        Instant start = current.startAt() == null ? now : current.startAt();
        CampaignStatus next = current.status()
                .next(action, !start.isAfter(now))
                .orElseThrow(() -> ApiException.conflict("cannot "
                        + action.name().toLowerCase(Locale.ROOT) + " campaign " + id + ": it is " + current.status()));
        Instant launchedAt = current.launchedAt();
        if (action == Action.LAUNCH) {
            Instant end = start.plusSeconds(current.durationSeconds());
            if (!end.isAfter(now)) {
                throw ApiException.conflict("the send window of campaign " + id + " ended at " + end
                        + "; change startAt or duration first");
            }
            Cohort cohort = cohorts.findById(current.cohortId())
                    .orElseThrow(() -> ApiException.conflict("the cohort of campaign " + id + " no longer exists"));
            List<FieldError> stale = new ArrayList<>(CohortService.oversized(cohort, "cohortId"));
            for (CampaignVariant v : variants.findByCampaignIdOrderByVariantKey(id)) {
                pushes.findById(v.pushId())
                        .flatMap(push -> PushService.unsafeDeepLink(push, "variants." + v.variantKey()))
                        .ifPresent(stale::add);
            }
            if (!stale.isEmpty()) {
                throw ApiException.invalid(stale);
            }
            launchedAt = now;
        }
        Instant endedAt = next.isFinal() ? now : current.endedAt();
        Campaign moved = current.withStatus(next, launchedAt, endedAt, now, audit.actor());
        if (current.status() == CampaignStatus.HALTED && action == Action.RESUME) {
            moved = moved.withGuardrailsSince(
                    now); // what made it halt, the marketer has seen: the guardrails look from here on
        }
        Campaign updated = campaigns.update(moved);
        audit.write(ENTITY, id, action.name().toLowerCase(Locale.ROOT), Map.of("from", current.status(), "to", next));
        if (action != Action.COMPLETE) {
            enqueue(updated, CampaignCommand.Type.valueOf(action.name()));
        }
        return view(updated);
    }

    /**
     * The dispatch job's word that a campaign's audience is out: RUNNING or PAUSED becomes COMPLETED, once (FAILED with
     * the job's reason when the job could not go on); false for a campaign that does not exist; a
     * report for a campaign that is gone or already final changes nothing (reports may be redelivered). A report
     * of a stop only adds the final counts to the history.
     */
    @Transactional
    public boolean completed(CampaignReport report) {
        Campaign current = campaigns.findById(report.campaignId()).orElse(null);
        if (current == null) {
            return false;
        }
        Map<String, Object> counts =
                Map.of("released", report.released(), "heldOut", report.heldOut(), "unreleased", report.unreleased());
        if (report.type() == CampaignReport.Type.STOPPED) {
            audit.write(ENTITY, current.id(), "stop confirmed", counts);
            return true;
        }
        boolean failed = report.type() == CampaignReport.Type.FAILED;
        String reason = failed ? (report.reason() == null ? "the jobs gave no reason" : report.reason()) : null;
        current.status().next(failed ? Action.FAIL : Action.COMPLETE, true).ifPresent(next -> {
            Instant now = clock.instant();
            campaigns.update(current.withStatus(next, reason, current.launchedAt(), now, now, AuditLog.SYSTEM));
            Map<String, Object> details = new LinkedHashMap<>(counts);
            details.put("from", current.status());
            details.put("to", next);
            if (failed) {
                details.put("reason", reason);
            }
            audit.write(ENTITY, current.id(), failed ? "failed" : "completed", details);
        });
        return true;
    }

    /**
     * A guardrail tripped: a RUNNING (or SCHEDULED) campaign becomes HALTED with {@code reason}, in the audit trail as
     * the system's step with the numbers, and the jobs get a PAUSE through the outbox (so the halt survives a restart of
     * any process: MySQL holds the status, the outbox the command, the jobs' checkpoints the pause). False when the
     * campaign is no longer in a state a guardrail halts (a marketer paused or stopped it meanwhile).
     */
    @Transactional
    public boolean halt(long id, String reason, Map<String, Object> numbers) {
        Campaign current = campaigns.findById(id).orElse(null);
        if (current == null) {
            return false;
        }
        var next = current.status().next(Action.HALT, true);
        if (next.isEmpty()) {
            return false;
        }
        Instant now = clock.instant();
        Campaign halted = campaigns.update(
                current.withStatus(next.get(), reason, current.launchedAt(), current.endedAt(), now, AuditLog.SYSTEM));
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("from", current.status());
        details.put("to", next.get());
        details.put("reason", reason);
        details.put("numbers", numbers);
        audit.write(ENTITY, id, "halted", details);
        outbox.enqueue(new CampaignCommand(
                CampaignCommand.VERSION,
                UUID.randomUUID().toString(),
                CampaignCommand.Type.PAUSE,
                id,
                halted.version(),
                now,
                AuditLog.SYSTEM,
                snapshot(halted)));
        return true;
    }

    /** The campaigns the guardrails watch: running ones. */
    public List<Campaign> running() {
        return campaigns.findByStatus(CampaignStatus.RUNNING);
    }

    /** The campaign's guardrails, the defaults where it sets none. */
    public static Guardrails guardrails(Campaign c) {
        return c.guardrailsJson() == null
                ? Guardrails.DEFAULTS
                : guardrails(Json.read(c.guardrailsJson(), CampaignRequest.Guardrails.class), null);
    }

    /** Moves scheduled campaigns whose start time has come to RUNNING. */
    @Transactional
    public int startDue() {
        Instant now = clock.instant();
        List<Campaign> due = campaigns.findByStatusAndStartAtLessThanEquals(CampaignStatus.SCHEDULED, now);
        for (Campaign c : due) {
            campaigns.update(c.withStatus(CampaignStatus.RUNNING, c.launchedAt(), c.endedAt(), now, AuditLog.SYSTEM));
            audit.write(
                    ENTITY, c.id(), "started", Map.of("from", CampaignStatus.SCHEDULED, "to", CampaignStatus.RUNNING));
        }
        return due.size();
    }

    public CampaignView get(long id) {
        return view(find(id));
    }

    public Page<CampaignView> list(CampaignStatus status, int page, int size) {
        Pageable pageable = Pageable.from(page, size, Sort.of(Sort.Order.desc("id")));
        var found = status == null ? campaigns.findAll(pageable) : campaigns.findByStatus(status, pageable);
        // the variants of the whole page in one query, not one per campaign
        Map<Long, List<CampaignVariant>> arms = found.getContent().isEmpty()
                ? Map.of()
                : variants
                        .findByCampaignIdInListOrderByVariantKey(
                                found.getContent().stream().map(Campaign::id).toList())
                        .stream()
                        .collect(Collectors.groupingBy(CampaignVariant::campaignId));
        return Page.of(found, c -> view(c, arms.getOrDefault(c.id(), List.of())));
    }

    public List<AuditEntry> history(long id) {
        List<AuditEntry> entries = audit.history(ENTITY, id);
        if (entries.isEmpty()) {
            find(id);
        }
        return entries;
    }

    public Campaign find(long id) {
        return campaigns.findById(id).orElseThrow(() -> ApiException.notFound("campaign", id));
    }

    private void enqueue(Campaign c, CampaignCommand.Type type) {
        outbox.enqueue(new CampaignCommand(
                CampaignCommand.VERSION,
                UUID.randomUUID().toString(),
                type,
                c.id(),
                c.version(),
                clock.instant(),
                audit.actor(),
                snapshot(c)));
    }

    /** The campaign as the jobs see it: cohort filter and push content included, so they need no MySQL access. */
    public CampaignSnapshot snapshot(Campaign c) {
        Cohort cohort = cohorts.findById(c.cohortId()).orElseThrow();
        List<CampaignSnapshot.Variant> arms = new ArrayList<>();
        for (CampaignVariant v : variants.findByCampaignIdOrderByVariantKey(c.id())) {
            Push push = pushes.findById(v.pushId()).orElseThrow();
            arms.add(new CampaignSnapshot.Variant(
                    v.variantKey(), v.pushId(), push.name(), v.weight(), PushService.content(push)));
        }
        try {
            return new CampaignSnapshot(
                    c.id(),
                    c.name(),
                    c.app(),
                    c.status(),
                    new CampaignSnapshot.Cohort(cohort.id(), cohort.name(), Json.MAPPER.readTree(cohort.filterJson())),
                    arms,
                    new CampaignSnapshot.Split(
                            c.splitType(),
                            c.metric(),
                            c.testShare(),
                            seconds(c.testDurationSeconds()),
                            c.minShare(),
                            c.burnIn(),
                            c.rewardSource()),
                    c.holdoutShare(),
                    c.startAt(),
                    Duration.ofSeconds(c.durationSeconds()),
                    c.sendRateLimit(),
                    c.quietStart() == null
                            ? null
                            : new CampaignSnapshot.QuietHours(
                                    LocalTime.parse(c.quietStart()), LocalTime.parse(c.quietEnd())),
                    c.frequencyCapCount() == null
                            ? null
                            : new CampaignSnapshot.FrequencyCap(
                                    c.frequencyCapCount(), Duration.ofSeconds(c.frequencyCapPeriodSeconds())),
                    c.provider(),
                    c.pace());
        } catch (Exception e) {
            throw new IllegalStateException("stored cohort filter of campaign " + c.id() + " is not JSON", e);
        }
    }

    /** A request checked across its fields and against the database, with defaults filled in. */
    private record Settings(
            CampaignRequest request,
            CampaignRequest.Split split,
            Duration window,
            Duration testDuration,
            Duration capPeriod,
            List<Double> weights,
            Guardrails guardrails) {}

    /** The request's guardrails over the defaults; a bad one is a field error (or, with no list to add to, thrown). */
    private static Guardrails guardrails(CampaignRequest.Guardrails in, List<FieldError> errors) {
        Guardrails d = Guardrails.DEFAULTS;
        if (in == null) {
            return d;
        }
        Duration window = d.window();
        if (in.window() != null) {
            try {
                window = Duration.parse(in.window());
            } catch (DateTimeParseException e) {
                errors.add(new FieldError(
                        "guardrails.window", "'" + in.window() + "' is not an ISO 8601 duration such as PT5M"));
                return d;
            }
        }
        try {
            return new Guardrails(
                    in.enabled() == null ? d.enabled() : in.enabled(),
                    or(in.srmAlpha(), d.srmAlpha()),
                    or(in.srmMinSample(), d.srmMinSample()),
                    or(in.maxFailureRate(), d.maxFailureRate()),
                    or(in.minAttempts(), d.minAttempts()),
                    window,
                    or(in.invalidJump(), d.invalidJump()),
                    or(in.minDecided(), d.minDecided()));
        } catch (IllegalArgumentException e) {
            if (errors == null) {
                throw e;
            }
            String message = e.getMessage();
            int colon = message.indexOf(':');
            String field = colon > 0 && !message.substring(0, colon).contains(" ") ? message.substring(0, colon) : null;
            errors.add(new FieldError(
                    "guardrails" + (field == null ? "" : "." + field),
                    field == null ? message : message.substring(colon + 1).trim()));
            return d;
        }
    }

    private static <T> T or(T value, T otherwise) {
        return value == null ? otherwise : value;
    }

    static CampaignRequest.Guardrails view(Guardrails g) {
        return new CampaignRequest.Guardrails(
                g.enabled(),
                g.srmAlpha(),
                g.srmMinSample(),
                g.maxFailureRate(),
                g.minAttempts(),
                g.window().toString(),
                g.invalidJump(),
                g.minDecided());
    }

    private Settings settings(CampaignRequest r) {
        List<FieldError> errors = new ArrayList<>();
        cohorts.findById(r.cohortId())
                .ifPresentOrElse(
                        cohort -> errors.addAll(CohortService.oversized(cohort, "cohortId")),
                        () -> errors.add(new FieldError("cohortId", "no cohort with id " + r.cohortId())));
        var seen = new HashSet<Long>();
        for (int i = 0; i < r.variants().size(); i++) {
            long pushId = r.variants().get(i).pushId();
            if (!seen.add(pushId)) {
                errors.add(new FieldError(
                        "variants[" + i + "].pushId",
                        "push " + pushId + " is already variant " + (char) ('A' + indexOf(r, pushId))));
            } else {
                String field = "variants[" + i + "].pushId";
                pushes.findById(pushId)
                        .ifPresentOrElse(
                                push -> PushService.unsafeDeepLink(push, field).ifPresent(errors::add),
                                () -> errors.add(new FieldError(field, "no push with id " + pushId)));
            }
        }
        Duration window = duration(errors, "duration", r.duration(), MIN_WINDOW, MAX_WINDOW);
        CampaignRequest.Split in = r.split();
        Duration testDuration = null;
        Double minShare = null;
        Integer burnIn = null;
        int n = r.variants().size();
        switch (in.type()) {
            case AB_FIXED -> {
                rejectFor(
                        errors,
                        in.type().name(),
                        in.testShare(),
                        "split.testShare",
                        in.testDuration(),
                        "split.testDuration",
                        in.minShare(),
                        "split.minShare",
                        in.burnIn(),
                        "split.burnIn");
            }
            case AB_WINNER -> {
                rejectFor(errors, in.type().name(), in.minShare(), "split.minShare", in.burnIn(), "split.burnIn");
                if (in.testShare() == null || in.testShare() < 0.01 || in.testShare() > 0.9) {
                    errors.add(new FieldError("split.testShare", "AB_WINNER needs a test share from 0.01 to 0.9"));
                }
                if (in.testDuration() == null) {
                    errors.add(new FieldError("split.testDuration", "AB_WINNER needs a test duration such as PT30M"));
                } else {
                    testDuration = duration(
                            errors, "split.testDuration", in.testDuration(), Duration.ofMinutes(1), MAX_WINDOW);
                    if (testDuration != null && window != null && testDuration.compareTo(window) >= 0) {
                        errors.add(new FieldError(
                                "split.testDuration", "must be shorter than the send window (" + r.duration() + ")"));
                    }
                }
            }
            case BANDIT -> {
                rejectFor(
                        errors,
                        in.type().name(),
                        in.testShare(),
                        "split.testShare",
                        in.testDuration(),
                        "split.testDuration");
                minShare = in.minShare() == null ? Math.min(DEFAULT_MIN_SHARE, 0.5 / n) : in.minShare();
                if (minShare < 0 || minShare * n >= 1) {
                    errors.add(new FieldError(
                            "split.minShare", "must be at least 0 and below 1/" + n + " (one share per variant)"));
                }
                burnIn = in.burnIn() == null ? DEFAULT_BURN_IN : in.burnIn();
                if (burnIn < 0 || burnIn > 1_000_000) {
                    errors.add(new FieldError("split.burnIn", "must be from 0 to 1000000 deliveries per variant"));
                }
            }
        }
        List<Double> weights = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Double w = r.variants().get(i).weight();
            if (w != null && in.type() != SplitType.AB_FIXED) {
                errors.add(new FieldError(
                        "variants[" + i + "].weight",
                        "weights apply to AB_FIXED only; " + in.type() + " sets shares itself"));
            }
            weights.add(w == null ? 1.0 : w);
        }
        Duration capPeriod = null;
        if (r.frequencyCap() != null) {
            capPeriod =
                    duration(errors, "frequencyCap.period", r.frequencyCap().period(), Duration.ofHours(1), MAX_WINDOW);
        }
        if (r.quietHours() != null
                && r.quietHours().start().equals(r.quietHours().end())) {
            errors.add(new FieldError("quietHours", "start and end are equal; leave quietHours out for none"));
        }
        Metric metric = in.metric() == null ? Metric.CLICKS : in.metric();
        RewardSource rewards = in.rewardSource() == null ? RewardSource.AUTO : in.rewardSource();
        Guardrails guards = guardrails(r.guardrails(), errors);
        if (!rewards.supports(metric)) {
            errors.add(new FieldError(
                    "split.rewardSource",
                    "the provider counts clicks only; " + metric
                            + " needs the app's events: rewardSource APP or AUTO"));
        } else if (r.provider() == Provider.DIRECT && rewards == RewardSource.PROVIDER) {
            errors.add(new FieldError(
                    "split.rewardSource",
                    "APNs and FCM report no clicks: a DIRECT campaign counts its metric from the "
                            + "app's events (rewardSource APP or AUTO)"));
        }
        if (!errors.isEmpty()) {
            throw ApiException.invalid(errors);
        }
        var split = new CampaignRequest.Split(
                in.type(), metric, in.testShare(), in.testDuration(), minShare, burnIn, rewards);
        return new Settings(r, split, window, testDuration, capPeriod, weights, guards);
    }

    private static int indexOf(CampaignRequest r, long pushId) {
        for (int i = 0; i < r.variants().size(); i++) {
            if (r.variants().get(i).pushId() == pushId) {
                return i;
            }
        }
        return -1;
    }

    private static void rejectFor(List<FieldError> errors, String type, Object... valueAndField) {
        for (int i = 0; i < valueAndField.length; i += 2) {
            if (valueAndField[i] != null) {
                errors.add(new FieldError((String) valueAndField[i + 1], "does not apply to " + type));
            }
        }
    }

    private static Duration duration(List<FieldError> errors, String field, String text, Duration min, Duration max) {
        try {
            Duration d = Duration.parse(text);
            if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
                errors.add(new FieldError(field, "must be from " + min + " to " + max));
                return null;
            }
            return d;
        } catch (DateTimeParseException e) {
            errors.add(new FieldError(field, "'" + text + "' is not an ISO 8601 duration such as PT2H or P1D"));
            return null;
        }
    }

    private Campaign row(
            Settings s,
            Long id,
            CampaignStatus status,
            String statusReason,
            Instant guardrailsSince,
            Long version,
            Instant launchedAt,
            Instant endedAt,
            Instant createdAt,
            String createdBy,
            Instant updatedAt,
            String updatedBy) {
        CampaignRequest r = s.request();
        CampaignRequest.Split split = s.split();
        return new Campaign(
                id,
                r.name().trim(),
                r.app(),
                r.cohortId(),
                status,
                statusReason,
                split.type(),
                split.metric(),
                split.rewardSource(),
                split.testShare(),
                s.testDuration() == null ? null : s.testDuration().toSeconds(),
                split.minShare(),
                split.burnIn(),
                r.holdoutShare() == null ? 0.0 : r.holdoutShare(),
                r.startAt(),
                s.window().toSeconds(),
                r.sendRateLimit(),
                r.pace() == null ? SendPace.EVEN : r.pace(),
                r.quietHours() == null ? null : r.quietHours().start(),
                r.quietHours() == null ? null : r.quietHours().end(),
                r.frequencyCap() == null ? null : r.frequencyCap().count(),
                s.capPeriod() == null ? null : s.capPeriod().toSeconds(),
                Json.write(view(s.guardrails())),
                guardrailsSince,
                (r.provider() == null ? Provider.ONESIGNAL : r.provider()).name(),
                launchedAt,
                endedAt,
                version,
                createdAt,
                createdBy,
                updatedAt,
                updatedBy);
    }

    private void saveVariants(long campaignId, Settings s) {
        List<CampaignRequest.Variant> requested = s.request().variants();
        for (int i = 0; i < requested.size(); i++) {
            variants.save(new CampaignVariant(
                    null,
                    campaignId,
                    String.valueOf((char) ('A' + i)),
                    requested.get(i).pushId(),
                    s.weights().get(i)));
        }
    }

    /** The fields a launched campaign must keep, named as the API names them, that {@code next} would change. */
    private List<String> frozenChanges(Campaign current, Campaign next, Settings s) {
        Map<String, Boolean> same = new LinkedHashMap<>();
        same.put("app", current.app().equals(next.app()));
        same.put("cohortId", current.cohortId() == next.cohortId());
        List<CampaignVariant> arms = variants.findByCampaignIdOrderByVariantKey(current.id());
        boolean sameVariants = arms.size() == s.request().variants().size();
        for (int i = 0; sameVariants && i < arms.size(); i++) {
            sameVariants = arms.get(i).pushId() == s.request().variants().get(i).pushId()
                    && arms.get(i).weight() == s.weights().get(i);
        }
        same.put("variants", sameVariants);
        same.put(
                "split",
                current.splitType() == next.splitType()
                        && current.metric() == next.metric()
                        && current.rewardSource() == next.rewardSource()
                        && Objects.equals(current.testShare(), next.testShare())
                        && Objects.equals(current.testDurationSeconds(), next.testDurationSeconds())
                        && Objects.equals(current.minShare(), next.minShare())
                        && Objects.equals(current.burnIn(), next.burnIn()));
        same.put("holdoutShare", current.holdoutShare() == next.holdoutShare());
        same.put("startAt", Objects.equals(current.startAt(), next.startAt()));
        same.put("provider", current.provider().equals(next.provider()));
        return same.entrySet().stream()
                .filter(e -> !e.getValue())
                .map(Map.Entry::getKey)
                .toList();
    }

    private static Duration seconds(Long seconds) {
        return seconds == null ? null : Duration.ofSeconds(seconds);
    }

    private static String iso(Long seconds) {
        return seconds == null ? null : Duration.ofSeconds(seconds).toString();
    }

    CampaignView view(Campaign c) {
        return view(c, variants.findByCampaignIdOrderByVariantKey(c.id()));
    }

    private static CampaignView view(Campaign c, List<CampaignVariant> variantRows) {
        List<CampaignView.VariantView> arms = variantRows.stream()
                .map(v -> new CampaignView.VariantView(v.variantKey(), v.pushId(), v.weight()))
                .toList();
        Instant start = c.startAt() != null ? c.startAt() : c.launchedAt();
        return new CampaignView(
                c.id(),
                c.name(),
                c.app(),
                c.status(),
                c.statusReason(),
                c.cohortId(),
                arms,
                new CampaignRequest.Split(
                        c.splitType(),
                        c.metric(),
                        c.testShare(),
                        iso(c.testDurationSeconds()),
                        c.minShare(),
                        c.burnIn(),
                        c.rewardSource()),
                c.holdoutShare(),
                c.startAt(),
                iso(c.durationSeconds()),
                start == null ? null : start.plusSeconds(c.durationSeconds()),
                c.sendRateLimit(),
                c.pace(),
                c.quietStart() == null ? null : new CampaignRequest.QuietHours(c.quietStart(), c.quietEnd()),
                c.frequencyCapCount() == null
                        ? null
                        : new CampaignRequest.FrequencyCap(c.frequencyCapCount(), iso(c.frequencyCapPeriodSeconds())),
                c.provider(),
                view(guardrails(c)),
                c.launchedAt(),
                c.endedAt(),
                c.version(),
                c.createdAt(),
                c.createdBy(),
                c.updatedAt(),
                c.updatedBy());
    }
}
