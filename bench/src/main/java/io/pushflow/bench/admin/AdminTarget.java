package io.pushflow.bench.admin;

import io.pushflow.tools.AdminApi;
import io.pushflow.tools.Cli;
import picocli.CommandLine.Option;

/** The options that name the admin service a benchmark talks to (a picocli mixin). */
public final class AdminTarget {

    @Option(names = "--url", paramLabel = "URL", description = "admin service base URL (default: ${DEFAULT-VALUE})")
    String url = "http://127.0.0.1:" + Cli.env("ADMIN_PORT", "8080");

    @Option(
            names = "--user",
            description = "a user the benchmark may act as; imports need the admin role (default: ${DEFAULT-VALUE})")
    String user = "bench";

    @Option(names = "--password", description = "its password (default: env BENCH_PASSWORD or bench-pw)")
    String password = Cli.env("BENCH_PASSWORD", "bench-pw");

    AdminApi api() {
        return new AdminApi(url, user, password);
    }

    String url() {
        return url;
    }
}
