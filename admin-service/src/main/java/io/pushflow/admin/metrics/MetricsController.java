package io.pushflow.admin.metrics;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.rules.SecurityRule;
import io.swagger.v3.oas.annotations.Hidden;

/**
 * The service's metrics in Prometheus' text format at {@code /metrics}: HTTP requests per route and status, JVM,
 * connection pools. Open like {@code /health}, for a scraper on the operators' network.
 */
@Controller("/metrics")
@Secured(SecurityRule.IS_ANONYMOUS)
@Hidden
class MetricsController {

    private final PrometheusMeterRegistry registry;

    MetricsController(PrometheusMeterRegistry registry) {
        this.registry = registry;
    }

    @Get(produces = "text/plain; version=0.0.4; charset=utf-8")
    String scrape() {
        return registry.scrape();
    }
}
