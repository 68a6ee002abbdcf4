package io.pushflow.bench.admin;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * CPU seconds that named local processes (the admin service, ClickHouse, this benchmark) used during a phase, from
 * {@code /proc/<pid>/stat}: on a 2-core machine it shows which of them the time went to.
 */
final class ProcessCpu {

    /** Linux's USER_HZ: utime and stime count in 1/100 s on every common architecture. */
    private static final double TICKS_PER_SECOND = 100;

    private final Map<String, Long> pids = new LinkedHashMap<>();

    ProcessCpu(Map<String, Long> watched) {
        pids.put("bench", ProcessHandle.current().pid());
        pids.putAll(watched);
    }

    /** CPU seconds so far per process; a process that is gone or unreadable is left out. */
    Map<String, Double> now() {
        Map<String, Double> out = new LinkedHashMap<>();
        pids.forEach((name, pid) -> {
            try {
                String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
                // fields after the command name, which is in parentheses and may hold spaces
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                out.put(name, (Long.parseLong(f[11]) + Long.parseLong(f[12])) / TICKS_PER_SECOND);
            } catch (IOException | RuntimeException e) {
                // not on Linux, or the process ended: nothing to report for it
            }
        });
        return out;
    }

    /** CPU seconds of this process's children that have ended and been waited for (cutime + cstime), e.g. a wrk run. */
    static double endedChildren() {
        try {
            String stat = Files.readString(Path.of("/proc/self/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(f[13]) + Long.parseLong(f[14])) / TICKS_PER_SECOND;
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    static Map<String, Double> since(Map<String, Double> before, Map<String, Double> after) {
        Map<String, Double> out = new LinkedHashMap<>();
        after.forEach((name, seconds) -> {
            if (before.containsKey(name)) {
                out.put(name, Math.round((seconds - before.get(name)) * 100) / 100.0);
            }
        });
        return out;
    }
}
