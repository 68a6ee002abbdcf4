package io.pushflow.bench;

import com.sun.management.OperatingSystemMXBean;
import io.pushflow.store.ClickHouse;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Where a benchmark ran: numbers only mean something next to this. */
public record Machine(int cores, String cpu, double ramGiB, String os, String java, String clickHouse) {

    public static Machine describe(ClickHouse clickHouse) {
        var os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        return new Machine(
                Runtime.getRuntime().availableProcessors(),
                cpuModel().orElse("?"),
                Math.round(os.getTotalMemorySize() / (1024.0 * 1024 * 1024) * 10) / 10.0,
                System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                        + System.getProperty("os.arch"),
                System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"),
                clickHouse.select("SELECT version() AS v").get(0).get("v").toString());
    }

    private static Optional<String> cpuModel() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
                    .filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).trim())
                    .findFirst();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    @Override
    public String toString() {
        return cores + " cores (" + cpu + "), " + ramGiB + " GiB RAM, " + os + ", " + java + ", ClickHouse "
                + clickHouse;
    }
}
