package io.pushflow.bench;

import io.pushflow.tools.AdminServiceProcess;
import java.nio.file.Path;

/**
 * An admin service of a benchmark's own ({@link AdminServiceProcess}) on its port, with its MySQL database, ClickHouse
 * database and queue prefix, and the benchmark's admin user; stopped on close, and when this JVM exits however it does.
 */
final class HelperAdmin implements AutoCloseable {

    private final BenchHost host;
    private final String what;
    private final AdminServiceProcess process;
    private final Thread stopOnExit = new Thread(this::stop);
    final String url;

    HelperAdmin(
            BenchHost host,
            String what,
            int port,
            String mysqlDatabase,
            String clickHouseDatabase,
            String queuePrefix,
            Path log)
            throws Exception {
        this.host = host;
        this.what = what;
        host.say("starting an admin service for the " + what + " on port " + port + " (ClickHouse " + clickHouseDatabase
                + ", MySQL " + mysqlDatabase + "; log: " + log + ")");
        process = AdminServiceProcess.start(
                new AdminServiceProcess.Spec(
                        host.adminJar(),
                        port,
                        BenchHost.USER + ":" + BenchHost.PASSWORD + ":admin",
                        mysqlDatabase,
                        clickHouseDatabase,
                        queuePrefix,
                        log),
                host.waitTimeout());
        Runtime.getRuntime().addShutdownHook(stopOnExit);
        url = process.url;
        host.say("admin service up (pid " + process.pid() + ", " + url + ")");
    }

    long pid() {
        return process.pid();
    }

    private void stop() {
        if (!process.isAlive()) {
            return;
        }
        process.close();
        host.say("stopped the " + what + "'s admin service (pid " + process.pid() + ")");
    }

    @Override
    public void close() {
        stop();
        Runtime.getRuntime().removeShutdownHook(stopOnExit);
    }
}
