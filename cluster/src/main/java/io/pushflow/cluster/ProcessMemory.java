package io.pushflow.cluster;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.apache.flink.runtime.util.bash.BashJavaUtils;
import org.apache.flink.util.FlinkException;

/**
 * What Flink's start scripts compute before they start a JobManager or a TaskManager, computed the same way: by
 * Flink's own {@link BashJavaUtils} ({@code GET_JM_RESOURCE_PARAMS}, {@code GET_TM_RESOURCE_PARAMS}, which
 * {@code config.sh} runs), here in-process. Its answer is two lines: the JVM's memory options ({@code -Xmx -Xms
 * -XX:MaxMetaspaceSize}, and {@code -XX:MaxDirectMemorySize} for a TaskManager) and the derived sizes as dynamic
 * properties ({@code -D taskmanager.cpu.cores=… -D taskmanager.memory.task.heap.size=…}), without which a
 * TaskManager refuses to start.
 */
record ProcessMemory(List<String> jvmOptions, List<String> dynamicProperties) {

    static ProcessMemory jobManager(Path confDir) {
        return compute("GET_JM_RESOURCE_PARAMS", confDir);
    }

    static ProcessMemory taskManager(Path confDir) {
        return compute("GET_TM_RESOURCE_PARAMS", confDir);
    }

    /** The value of one dynamic property ({@code taskmanager.memory.managed.size}), as Flink wrote it. */
    String property(String key) {
        return dynamicProperties.stream()
                .filter(p -> p.startsWith(key + "="))
                .map(p -> p.substring(key.length() + 1))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("no " + key + " among " + dynamicProperties));
    }

    /** BashJavaUtils prints its result on standard output, each line after a marker, as the scripts read it. */
    private static synchronized ProcessMemory compute(String command, Path confDir) {
        PrintStream out = System.out;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
        try {
            BashJavaUtils.main(new String[] {command, "--configDir", confDir.toString()});
        } catch (FlinkException | RuntimeException e) {
            throw new IllegalStateException(
                    "Flink cannot size its processes from " + confDir.resolve(ClusterConfig.FILE) + ": "
                            + e.getMessage(),
                    e);
        } finally {
            System.setOut(out);
        }
        List<String> lines = printed.toString(StandardCharsets.UTF_8)
                .lines()
                .filter(l -> l.startsWith(BashJavaUtils.EXECUTION_PREFIX))
                .map(l -> l.substring(BashJavaUtils.EXECUTION_PREFIX.length()).trim())
                .toList();
        if (lines.size() != 2) {
            throw new IllegalStateException(
                    "BashJavaUtils " + command + " answered " + lines.size() + " result lines, not 2: " + printed);
        }
        return new ProcessMemory(words(lines.get(0)), dynamicProperties(lines.get(1)));
    }

    private static List<String> words(String line) {
        return Arrays.stream(line.split("\\s+")).filter(w -> !w.isEmpty()).toList();
    }

    /** {@code -D a=1 -D b=2} as {@code [a=1, b=2]}. */
    private static List<String> dynamicProperties(String line) {
        return words(line).stream().filter(w -> !w.equals("-D")).toList();
    }

    /** As the entry points take them: {@code -D key=value} each. */
    List<String> arguments() {
        return dynamicProperties.stream().flatMap(p -> Stream.of("-D", p)).toList();
    }
}
