package io.pushflow.admin.users;

import io.micronaut.context.annotation.Value;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Header;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.serde.annotation.Serdeable;
import io.pushflow.admin.api.ApiException;
import io.pushflow.admin.api.ApiResponses;
import io.pushflow.admin.security.Roles;
import io.pushflow.store.UserImport;
import io.pushflow.store.UserStore;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletionException;

@Controller("/api/v1/users")
@Tag(name = "users", description = "The user store (ClickHouse users) that cohorts select from")
@Secured(Roles.ADMIN)
class UserImportController {

    @Serdeable
    @Schema(name = "ImportReport")
    record ImportReport(
            @Schema(example = "999998") long accepted,
            @Schema(example = "2") long rejected,

            @Schema(description = "The first " + UserImport.MAX_REPORTED + " refused lines with the reason")
            List<Rejection> rejections,

            @Schema(example = "14210") long millis) {}

    @Serdeable
    @Schema(name = "ImportRejection")
    record Rejection(
            @Schema(example = "17") long line,

            @Schema(example = "country 'Portugal' is not an ISO 3166-1 alpha-2 code such as PT")
            String reason) {}

    private final UserStore users;
    private final UserTables tables;
    private final Clock clock;
    private final int batchSize;

    UserImportController(
            UserStore users,
            UserTables tables,
            Clock clock,
            @Value("${pushflow.users.import-batch-size}") int batchSize) {
        this.users = users;
        this.tables = tables;
        this.clock = clock;
        this.batchSize = batchSize;
    }

    @Post(
            value = "/import",
            consumes = {"application/x-ndjson", "text/csv", "application/json"})
    @ExecuteOn(TaskExecutors.BLOCKING)
    @Operation(
            summary = "Import users from NDJSON (one JSON object a line) or CSV (a header row), streamed",
            description = "Fields as the users table names them: user_id, platform, country, locale, timezone, "
                    + "app_version, last_active_at, installed_at (required), and push_token (OneSignal's subscription id) or "
                    + "device_token with device_token_kind (fcm or apns: the token for direct sending) or both; app, token_valid, "
                    + "subscribed, is_pro, sports (in CSV separated by '|'), version (optional; default: the import time in ms, so the newest import wins). "
                    + "Each line is checked on its own (in CSV a row is one line); a bad line is reported with its number and never "
                    + "stops the rest. The format follows the "
                    + "Content-Type (text/csv for CSV) or ?format=ndjson|csv. Admins only.")
    @ApiResponses.Write
    ImportReport importUsers(
            @Body InputStream body,
            @Nullable @Header(HttpHeaders.CONTENT_TYPE) String contentType,
            @Nullable @QueryValue String format) {
        // closed on every way out, also when refused unread: a body left half-read would stall the connection's next
        // request
        try (body) {
            tables.ensure();
            UserImport.Format chosen = format(format, contentType);
            UserImport.Report report = new UserImport(users, clock, batchSize).run(body, chosen);
            return new ImportReport(
                    report.accepted(),
                    report.rejected(),
                    report.rejections().stream()
                            .map(r -> new Rejection(r.line(), r.reason()))
                            .toList(),
                    report.millis());
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException cause ? cause : e;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static UserImport.Format format(String format, String contentType) {
        if (format != null) {
            try {
                return UserImport.Format.valueOf(format.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw ApiException.invalid("format", "expected ndjson or csv");
            }
        }
        return contentType != null && contentType.toLowerCase(Locale.ROOT).startsWith("text/csv")
                ? UserImport.Format.CSV
                : UserImport.Format.NDJSON;
    }
}
