package io.pushflow.bench;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/** wrk, the admin benchmark's load generator: on the PATH, or installed from Debian's packages where this runs as root. */
final class Wrk {

    private Wrk() {}

    static void require(BenchHost host) throws Exception {
        if (onPath()) {
            return;
        }
        boolean debianRoot = Files.isRegularFile(Path.of("/etc/debian_version"))
                && "root".equals(System.getProperty("user.name"))
                && Files.isExecutable(Path.of("/usr/bin/apt-get"));
        if (debianRoot) {
            Path log = host.stateDir("apt.log");
            host.say("  apt-get update; apt-get install -y wrk (log: " + log + ")");
            for (String[] command :
                    new String[][] {{"apt-get", "update", "-q"}, {"apt-get", "install", "-y", "-q", "wrk"}}) {
                ProcessBuilder pb = new ProcessBuilder(command)
                        .redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
                pb.environment().put("DEBIAN_FRONTEND", "noninteractive");
                if (pb.start().waitFor() != 0) {
                    throw new IllegalStateException(String.join(" ", command) + " failed (log: " + log + ")");
                }
            }
        }
        if (!onPath()) {
            throw new IllegalStateException("wrk is missing: install it (Debian: apt-get install wrk)");
        }
    }

    private static boolean onPath() {
        return Arrays.stream(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .anyMatch(dir -> Files.isExecutable(Path.of(dir, "wrk")));
    }
}
