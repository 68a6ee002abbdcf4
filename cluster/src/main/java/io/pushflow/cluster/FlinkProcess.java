package io.pushflow.cluster;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One process of the cluster, by name ({@code jobmanager}, {@code taskmanager-2}), with its files in the state
 * directory: {@code NAME.pid}, and in {@code log/} {@code NAME.log} (log4j; the dashboard lists that directory) and
 * {@code NAME.out} (standard output and error). A pid counts
 * as this process only while its command line names this cluster's configuration directory, so a pid the system
 * has given to another program since is never signalled.
 */
final class FlinkProcess {

    private static final Path SETSID = Path.of("/usr/bin/setsid");

    final String name;
    final Path pidFile;
    final Path log;
    final Path out;
    private final ClusterConfig config;

    FlinkProcess(String name, Path stateDir, ClusterConfig config) {
        this.name = name;
        this.pidFile = stateDir.resolve(name + ".pid");
        this.log = stateDir.resolve("log").resolve(name + ".log");
        this.out = stateDir.resolve("log").resolve(name + ".out");
        this.config = config;
    }

    /** The pid last started, if there is a pid file. */
    Optional<Long> pid() {
        try {
            return Files.isRegularFile(pidFile)
                    ? Optional.of(Long.parseLong(Files.readString(pidFile).trim()))
                    : Optional.empty();
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** The running process, if it is still this one. */
    Optional<ProcessHandle> handle() {
        return pid().flatMap(ProcessHandle::of)
                .filter(ProcessHandle::isAlive)
                .filter(h -> h.info()
                        .commandLine()
                        .map(c -> c.contains(config.dir.toString()))
                        .orElse(false));
    }

    boolean alive() {
        return handle().isPresent();
    }

    /**
     * The process just started still lives. Its command line is no test yet: until the JVM's spawn helper has
     * exec'd java, it names the helper (a replacement TaskManager was taken for dead in that moment).
     */
    boolean started() {
        return pid().flatMap(ProcessHandle::of).map(ProcessHandle::isAlive).orElse(false);
    }

    /**
     * Starts {@code java jvmOptions -Dlog.file=… mainClass arguments} as {@code flink-daemon.sh} does: in the
     * background, output to the .out file, nothing on standard input, in a session of its own (the scripts' nohup),
     * so a Ctrl-C or a closed terminal of the shell that started it does not reach it; it works in the state directory.
     */
    long start(
            List<String> jvmOptions,
            String classpath,
            String mainClass,
            List<String> arguments,
            Map<String, String> environment) {
        List<String> command = new ArrayList<>();
        if (Files.isExecutable(SETSID)) {
            command.add(SETSID.toString());
        }
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        Path log4j = config.dir.resolve("log4j.properties");
        command.add("-Dlog.file=" + log.toAbsolutePath());
        command.add("-Dlog4j.configuration=file:" + log4j.toAbsolutePath());
        command.add("-Dlog4j.configurationFile=file:" + log4j.toAbsolutePath());
        command.add("-Dlogback.configurationFile=file:"
                + config.dir.resolve("logback.xml").toAbsolutePath());
        command.add("-classpath");
        command.add(classpath);
        command.add(mainClass);
        command.addAll(arguments);
        try {
            Files.createDirectories(log.getParent());
            Files.createDirectories(config.pluginsDir());
            if (Files.exists(out)) {
                Files.move(out, out.resolveSibling(out.getFileName() + ".1"), StandardCopyOption.REPLACE_EXISTING);
            }
            ProcessBuilder builder = new ProcessBuilder(command)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectErrorStream(true)
                    .redirectOutput(out.toFile())
                    .directory(pidFile.getParent().toFile());
            // as Flink's config.sh exports it: where the processes look for plugins (none here)
            builder.environment().put("FLINK_PLUGINS_DIR", config.pluginsDir().toString());
            builder.environment().putAll(environment);
            long pid = builder.start().pid();
            Files.writeString(pidFile, pid + "\n", StandardCharsets.UTF_8);
            return pid;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the " + name + " (" + String.join(" ", command) + ")", e);
        }
    }

    /** The last lines of its log and of its output, for a process that died or did not register. */
    String tail(int lines) {
        StringBuilder s = new StringBuilder();
        for (Path file : List.of(log, out)) {
            try {
                if (Files.isRegularFile(file)) {
                    List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
                    s.append("--- ")
                            .append(file)
                            .append(" (last ")
                            .append(Math.min(lines, all.size()))
                            .append(" lines)\n");
                    all.subList(Math.max(0, all.size() - lines), all.size())
                            .forEach(l -> s.append(l).append('\n'));
                }
            } catch (IOException | UncheckedIOException e) {
                s.append("--- ")
                        .append(file)
                        .append(": ")
                        .append(e.getMessage())
                        .append('\n');
            }
        }
        return s.toString();
    }

    void forget() {
        try {
            Files.deleteIfExists(pidFile);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String toString() {
        return name;
    }
}
