package io.pushflow.demo;

import io.pushflow.store.ClickHouse;
import io.pushflow.tools.AdminServiceProcess;
import io.pushflow.tools.Cli;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;

/**
 * {@code bin/pushflow demo}'s own admin service ({@link AdminServiceProcess}), when {@code DEMO_ADMIN_URL} names none: on
 * the first free port from 8080, over the demo's database (MySQL and ClickHouse of one name), emptied first so that
 * every run starts alike, with a marketer, an admin and a viewer; stopped when the demo's process ends, however it ends.
 */
final class DemoAdmin {

    static final String USER = "marketer";
    static final String PASSWORD = "marketer";
    private static final String USERS = "marketer:marketer:marketer,admin:admin:admin,viewer:viewer:viewer";

    private DemoAdmin() {}

    static AdminServiceProcess start(String database, String queuePrefix, PrintStream out) throws Exception {
        try (Connection c = AdminServiceProcess.mysql()) {
            c.createStatement().execute("DROP DATABASE IF EXISTS " + AdminServiceProcess.mysqlIdentifier(database));
        }
        try (ClickHouse ch = new ClickHouse(ClickHouse.Config.fromEnvironment().withDatabase(database))) {
            ch.dropDatabase();
        }
        int port = AdminServiceProcess.freePort(8080);
        Path log = Files.createDirectories(Cli.stateDir()).resolve("demo-admin.log");
        out.printf(
                "starting an admin service for the demo on port %d (ClickHouse and MySQL %s; log: %s)%n",
                port, database, log);
        AdminServiceProcess admin = AdminServiceProcess.start(
                new AdminServiceProcess.Spec(
                        Path.of("admin-service", "target", "pushflow-admin.jar").toAbsolutePath(),
                        port,
                        USERS,
                        database,
                        database,
                        queuePrefix,
                        log),
                Duration.ofSeconds(Long.parseLong(Cli.env("PUSHFLOW_WAIT_TIMEOUT", "60"))));
        Runtime.getRuntime().addShutdownHook(new Thread(admin::close));
        out.printf(
                "admin service up (pid %d); Swagger UI: http://localhost:%d/api/openapi/ (marketer/marketer, admin/admin,"
                        + " viewer/viewer)%n",
                admin.pid(), port);
        return admin;
    }
}
