package io.pushflow.admin.support;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.model.Request;
import com.atlassian.oai.validator.model.SimpleResponse;
import com.atlassian.oai.validator.report.ValidationReport;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.client.HttpClient;

import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The OpenAPI document the service serves, as a contract every API answer of the tests must keep: status, content
 * type and body checked by Atlassian's validator, an implementation independent of the one that wrote the document.
 * Requests are not checked, since tests send wrong ones on purpose.
 */
public final class OpenApiContract {

    static final String DOCUMENT = "/api/spec/pushflow.yml";
    private static final String API = "/api/v1/";
    private static volatile OpenApiInteractionValidator validator;

    private OpenApiContract() {
    }

    /** Fails the test when the answer to the request is not what the document says it can be. */
    static void check(HttpClient client, HttpRequest<?> request, Api.Reply reply) {
        // the path as sent: an id with an encoded slash is one segment, as the server reads it
        String path = request.getUri().getRawPath();
        // a CORS preflight is the server's answer about an operation, not one of the API's operations
        if (!path.startsWith(API) || request.getMethodName().equals("OPTIONS")) {
            return;
        }
        String contentType = reply.headers().get("content-type");
        SimpleResponse.Builder response = SimpleResponse.Builder.status(reply.status());
        if (contentType != null) {
            response.withContentType(contentType);
        }
        if (!reply.body().isEmpty()) {
            response.withBody(reply.body());
        }
        Request.Method method = Request.Method.valueOf(request.getMethodName().toUpperCase(Locale.ROOT));
        ValidationReport report = validator(client).validateResponse(path, method, response.build());
        if (report.hasErrors()) {
            throw new AssertionError(method + " " + path + " answered " + reply.status() + " " + abbreviated(reply.body())
                    + "\nwhich the served OpenAPI document does not allow:\n" + report.getMessages().stream()
                    .filter(m -> m.getLevel() == ValidationReport.Level.ERROR)
                    .map(m -> "  " + m.getKey() + ": " + m.getMessage())
                    .collect(Collectors.joining("\n")));
        }
    }

    /** The document is compiled into the service, so every test server serves the same one: read it once. */
    private static OpenApiInteractionValidator validator(HttpClient client) {
        OpenApiInteractionValidator v = validator;
        if (v == null) {
            synchronized (OpenApiContract.class) {
                v = validator;
                if (v == null) {
                    String document = client.toBlocking().retrieve(DOCUMENT);
                    v = OpenApiInteractionValidator.createForInlineApiSpecification(document).build();
                    validator = v;
                }
            }
        }
        return v;
    }

    private static String abbreviated(String body) {
        return body.length() <= 2_000 ? body : body.substring(0, 2_000) + "…";
    }
}
