package io.pushflow.admin.web;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.ResponseFilter;
import io.micronaut.http.annotation.ServerFilter;

/**
 * Browser protections on every answer: no content sniffing, no framing; the console's pages also load and call
 * nothing but this origin (its scripts are modules of its own, no inline code).
 */
@ServerFilter("/**")
class BrowserHeadersFilter {

    static final String CONSOLE_POLICY =
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                    + "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    @ResponseFilter
    void protect(HttpRequest<?> request, MutableHttpResponse<?> response) {
        response.header("X-Content-Type-Options", "nosniff");
        response.header("X-Frame-Options", "DENY");
        if (request.getPath().startsWith("/console")) {
            response.header("Content-Security-Policy", CONSOLE_POLICY);
            response.header("Referrer-Policy", "no-referrer");
        }
    }
}
