package io.pushflow.admin.api;

import io.micronaut.context.annotation.Replaces;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.server.exceptions.response.ErrorContext;
import io.micronaut.http.server.exceptions.response.JsonErrorResponseBodyProvider;
import io.micronaut.security.authentication.Authentication;
import io.pushflow.admin.api.ApiError.FieldError;
import io.pushflow.admin.appkeys.AppKeyFetcher;
import io.pushflow.admin.security.Roles;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Gives the framework's own errors (validation, conversion, malformed JSON, 404, 405, 415, 500) the API's error shape. */
@Singleton
@Replaces(JsonErrorResponseBodyProvider.class)
class ApiErrorBodyProvider implements JsonErrorResponseBodyProvider<ApiError> {

    private static final Logger LOG = LoggerFactory.getLogger(ApiErrorBodyProvider.class);
    /** Micronaut's conversion messages: "Failed to convert argument [x] for value [v] due to: reason". */
    private static final Pattern CONVERSION =
            Pattern.compile("Failed to convert argument \\[(\\w+)\\] for value \\[.*?\\] due to: ", Pattern.DOTALL);

    private static final Pattern PROPERTY =
            Pattern.compile("Error decoding property \\[[^\\]]*?(\\w+)\\] of type \\[[^\\]]*\\]: ");
    private static final Pattern TYPE = Pattern.compile("Cannot deserialize value of type `[^`]*` due to: ");
    private static final String SOURCE =
            "[Source: REDACTED (`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled); ";

    @Override
    public ApiError body(ErrorContext context, HttpResponse<?> response) {
        int status = response.code();
        String path = context.getRequest().getPath();
        if (status >= 500) {
            context.getRootCause()
                    .ifPresent(
                            e -> LOG.error("{} {} failed", context.getRequest().getMethod(), path, e));
            return new ApiError(
                    status, response.reason(), "internal error; the server log has the details", path, List.of());
        }
        List<FieldError> errors = context.getErrors().stream()
                .filter(e -> e.getPath().isPresent())
                .map(e -> readable(e.getPath().get(), e.getMessage()))
                .toList();
        String message;
        if (!errors.isEmpty()) {
            message = errors.get(0).field() + ": " + errors.get(0).message()
                    + (errors.size() > 1 ? " (and " + (errors.size() - 1) + " more)" : "");
        } else if (status == 401 && AppKeyFetcher.isAppPath(path)) {
            message = "an app key is needed: send it in the " + AppKeyFetcher.HEADER + " header (webhooks: ?key=); "
                    + "admins make keys under /api/v1/app-keys";
        } else if (status == 401) {
            message = "credentials needed: HTTP Basic with a configured user";
        } else if (status == 403 && AppKeyFetcher.isAppPath(path)) {
            message =
                    "this endpoint takes the app's key (" + AppKeyFetcher.HEADER + " header), not a user's credentials";
        } else if (status == 403
                && context.getRequest()
                        .getUserPrincipal(Authentication.class)
                        .map(a -> a.getRoles().contains(Roles.APP))
                        .orElse(false)) {
            message = "an app key only posts events (" + AppKeyFetcher.EVENTS_PATH
                    + " and the webhooks); this needs a user's credentials";
        } else if (status == 403) {
            message = "this user's role may not do that: viewers read, marketers and admins also write and launch";
        } else if (!context.getErrors().isEmpty()) {
            message = context.getErrors().get(0).getMessage();
        } else {
            message = response.reason();
        }
        return new ApiError(status, response.reason(), message, path, errors);
    }

    /** Turns a conversion failure into the field it is about and the parser's reason, without class names. */
    private static FieldError readable(String path, String message) {
        String field = path.startsWith("/") ? path.substring(1) : path;
        String reason = message;
        Matcher conversion = CONVERSION.matcher(message);
        if (conversion.find()) {
            field = conversion.group(1);
            reason = message.substring(conversion.end());
        }
        Matcher property = PROPERTY.matcher(reason);
        while (property.find()) {
            field = field.equals(ConstraintViolationHandler.BODY) ? property.group(1) : field + "." + property.group(1);
            reason = reason.substring(property.end());
            property = PROPERTY.matcher(reason);
        }
        if (reason.startsWith("For input string")) {
            reason = "expected a whole number, got " + reason.substring("For input string: ".length());
        }
        reason = TYPE.matcher(reason)
                .replaceAll("")
                .replace(SOURCE, "[")
                .replaceAll("\\s+", " ")
                .trim();
        if (field.equals(ConstraintViolationHandler.BODY)) {
            field = "body";
            reason = "invalid JSON: " + reason;
        }
        return new FieldError(field, reason);
    }
}
