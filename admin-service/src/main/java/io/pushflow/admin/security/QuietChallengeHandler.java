package io.pushflow.admin.security;

import io.micronaut.context.annotation.Replaces;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.server.exceptions.response.ErrorResponseProcessor;
import io.micronaut.security.authentication.AuthorizationException;
import io.micronaut.security.authentication.DefaultAuthorizationExceptionHandler;
import io.micronaut.security.authentication.WwwAuthenticateChallengeProvider;
import io.micronaut.security.config.RedirectConfiguration;
import io.micronaut.security.config.RedirectService;
import io.micronaut.security.errors.PriorToLoginPersistence;
import io.pushflow.admin.appkeys.AppKeyFetcher;
import jakarta.inject.Singleton;
import java.util.List;

/**
 * A 401 to a script's call ({@code X-Requested-With: XMLHttpRequest}, as the console sends) carries no
 * {@code WWW-Authenticate} challenge: the console asks for credentials in its own form, where a browser would
 * otherwise open its native password dialog (and headless Chromium would wait on it for ever). Nor does a 401 of the
 * app's endpoints: they take an app key, not Basic credentials.
 */
@Singleton
@Replaces(DefaultAuthorizationExceptionHandler.class)
class QuietChallengeHandler extends DefaultAuthorizationExceptionHandler {

    static final String SCRIPTED = "XMLHttpRequest";

    QuietChallengeHandler(
            ErrorResponseProcessor<?> errorResponseProcessor,
            RedirectConfiguration redirectConfiguration,
            RedirectService redirectService,
            List<WwwAuthenticateChallengeProvider<HttpRequest<?>>> challengeProviders,
            @Nullable PriorToLoginPersistence priorToLoginPersistence) {
        super(
                errorResponseProcessor,
                redirectConfiguration,
                redirectService,
                challengeProviders,
                priorToLoginPersistence);
    }

    @Override
    protected MutableHttpResponse<?> httpResponseWithStatus(HttpRequest<?> request, AuthorizationException exception) {
        MutableHttpResponse<?> response = super.httpResponseWithStatus(request, exception);
        if (SCRIPTED.equals(request.getHeaders().get("X-Requested-With"))
                || AppKeyFetcher.isAppPath(request.getPath())) {
            response.getHeaders().remove(HttpHeaders.WWW_AUTHENTICATE);
        }
        return response;
    }
}
