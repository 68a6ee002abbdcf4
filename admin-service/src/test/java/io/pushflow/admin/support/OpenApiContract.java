package io.pushflow.admin.support;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.model.Request;
import com.atlassian.oai.validator.model.SimpleResponse;
import com.atlassian.oai.validator.report.ValidationReport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Locale;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The OpenAPI document the service serves, as a contract every API answer of the tests must keep: status, content
 * type and body checked by Atlassian's validator, an implementation independent of the one that wrote the document.
 * Requests are not checked, since tests send wrong ones on purpose.
 */
public final class OpenApiContract {

    public static final String DOCUMENT = "/api/spec/pushflow.yml";
    private static final String API = "/api/v1/";
    private static volatile OpenApiInteractionValidator validator;

    private OpenApiContract() {}

    /**
     * Fails the test when the answer to {@code methodName} on {@code path} (the raw path as sent: an id with an encoded
     * slash is one segment, as the server reads it) is not what the document says it can be; {@code document} reads
     * the served document (once per run). Plain Java, so the demo's tests can check a service running as a process.
     */
    public static void check(Supplier<String> document, String methodName, String path, Api.Reply reply) {
        // a CORS preflight is the server's answer about an operation, not one of the API's operations
        if (!path.startsWith(API) || methodName.equals("OPTIONS")) {
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
        Request.Method method = Request.Method.valueOf(methodName.toUpperCase(Locale.ROOT));
        ValidationReport report = validator(document).validateResponse(path, method, response.build());
        if (report.hasErrors()) {
            throw new AssertionError(
                    method + " " + path + " answered " + reply.status() + " " + abbreviated(reply.body())
                            + "\nwhich the served OpenAPI document does not allow:\n"
                            + report.getMessages().stream()
                                    .filter(m -> m.getLevel() == ValidationReport.Level.ERROR)
                                    .map(m -> "  " + m.getKey() + ": " + m.getMessage())
                                    .collect(Collectors.joining("\n")));
        }
    }

    /** The document is compiled into the service, so every test server serves the same one: read it once. */
    private static OpenApiInteractionValidator validator(Supplier<String> served) {
        OpenApiInteractionValidator v = validator;
        if (v == null) {
            synchronized (OpenApiContract.class) {
                v = validator;
                if (v == null) {
                    String document = served.get();
                    v = OpenApiInteractionValidator.createForInlineApiSpecification(document)
                            .build();
                    validator = v;
                }
            }
        }
        return v;
    }

    /** The document as the service at {@code base} serves it. */
    public static String served(URI base) {
        URI document = base.resolve(DOCUMENT);
        try {
            HttpResponse<String> r = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(document)
                                    .timeout(Duration.ofSeconds(30))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new IllegalStateException(document + " answered " + r.statusCode());
            }
            return r.body();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String abbreviated(String body) {
        return body.length() <= 2_000 ? body : body.substring(0, 2_000) + "…";
    }
}
