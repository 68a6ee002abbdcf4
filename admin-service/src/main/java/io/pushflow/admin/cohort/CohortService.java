package io.pushflow.admin.cohort;

import io.micronaut.data.model.Pageable;
import io.micronaut.data.model.Sort;
import io.pushflow.admin.api.ApiError.FieldError;
import io.pushflow.admin.api.ApiException;
import io.pushflow.admin.api.Page;
import io.pushflow.admin.audit.AuditLog;
import io.pushflow.admin.campaign.CampaignRepository;
import io.pushflow.core.filter.ClickHouseFilterSql;
import io.pushflow.core.filter.FilterChain;
import io.pushflow.core.filter.InvalidFilterException;
import io.pushflow.core.json.Json;
import jakarta.inject.Singleton;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;

@Singleton
public class CohortService {

    public static final String ENTITY = "cohort";

    private final CohortRepository cohorts;
    private final CampaignRepository campaigns;
    private final AuditLog audit;
    private final Clock clock;

    CohortService(CohortRepository cohorts, CampaignRepository campaigns, AuditLog audit, Clock clock) {
        this.cohorts = cohorts;
        this.campaigns = campaigns;
        this.audit = audit;
        this.clock = clock;
    }

    /** Validates a filter chain from the API (its SQL must fit ClickHouse too), naming each problem's place under {@code filter}. */
    public static FilterChain filterChain(Map<String, Object> tree) {
        try {
            FilterChain chain = FilterChain.parse(tree);
            ClickHouseFilterSql.requireFits(chain);
            return chain;
        } catch (InvalidFilterException e) {
            throw ApiException.invalid(fieldErrors("filter", e));
        }
    }

    /** What makes a stored cohort's SQL too long for ClickHouse (one saved before the limit), as errors of {@code field}; empty when it fits. */
    public static List<FieldError> oversized(Cohort cohort, String field) {
        try {
            ClickHouseFilterSql.requireFits(FilterChain.fromJson(cohort.filterJson()));
            return List.of();
        } catch (InvalidFilterException e) {
            return fieldErrors("filter", e).stream()
                    .map(f -> new FieldError(field, "cohort " + cohort.id() + " " + f.field() + ": " + f.message()))
                    .toList();
        }
    }

    private static List<FieldError> fieldErrors(String prefix, InvalidFilterException e) {
        return e.problems().stream()
                .map(p -> new FieldError(p.path().isEmpty() ? prefix : prefix + "." + p.path(), p.message()))
                .toList();
    }

    @Transactional
    public CohortView create(CohortRequest request) {
        FilterChain chain = filterChain(request.filter());
        requireFreeName(request.name(), null);
        Instant now = clock.instant();
        String actor = audit.actor();
        Cohort saved = cohorts.save(new Cohort(
                null, request.name().trim(), request.description(), chain.toJson(), null, now, actor, now, actor));
        CohortView view = view(saved);
        audit.created(ENTITY, saved.id(), view);
        return view;
    }

    @Transactional
    public CohortView update(long id, CohortRequest request) {
        Cohort current = find(id);
        FilterChain chain = filterChain(request.filter());
        requireFreeName(request.name(), id);
        Cohort updated = cohorts.update(new Cohort(
                id,
                request.name().trim(),
                request.description(),
                chain.toJson(),
                current.version(),
                current.createdAt(),
                current.createdBy(),
                clock.instant(),
                audit.actor()));
        CohortView view = view(updated);
        audit.updated(ENTITY, id, view(current), view);
        return view;
    }

    @Transactional
    public void delete(long id) {
        find(id);
        var users = campaigns.findNameByCohortId(id);
        if (!users.isEmpty()) {
            throw ApiException.conflict(
                    "cohort " + id + " is used by campaigns " + users + "; delete or change them first");
        }
        cohorts.deleteById(id);
        audit.deleted(ENTITY, id);
    }

    public CohortView get(long id) {
        return view(find(id));
    }

    public Page<CohortView> list(int page, int size) {
        return Page.of(cohorts.findAll(Pageable.from(page, size, Sort.of(Sort.Order.desc("id")))), CohortService::view);
    }

    public FilterChain chain(long id) {
        return FilterChain.fromJson(find(id).filterJson());
    }

    public Cohort find(long id) {
        return cohorts.findById(id).orElseThrow(() -> ApiException.notFound("cohort", id));
    }

    private void requireFreeName(String name, Long self) {
        cohorts.findByName(name.trim()).filter(c -> !c.id().equals(self)).ifPresent(c -> {
            throw ApiException.nameTaken("cohort", name.trim(), c.id());
        });
    }

    @SuppressWarnings("unchecked")
    static CohortView view(Cohort c) {
        FilterChain chain = FilterChain.fromJson(c.filterJson());
        return new CohortView(
                c.id(),
                c.name(),
                c.description(),
                Json.MAPPER.convertValue(chain.toTree(), Map.class),
                chain.conditionCount(),
                c.version(),
                c.createdAt(),
                c.createdBy(),
                c.updatedAt(),
                c.updatedBy());
    }
}
