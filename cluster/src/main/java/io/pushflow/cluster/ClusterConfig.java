package io.pushflow.cluster;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ConfigurationUtils;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.configuration.JobManagerOptions;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.configuration.WebOptions;

/**
 * The cluster's configuration directory, as Flink's scripts read one: {@code config.yaml} (the file's name since
 * Flink 1.19) and {@code log4j.properties}. Every process of the cluster starts with {@code --configDir} here.
 */
final class ClusterConfig {

    static final String FILE = "config.yaml";
    static final String HOST = "localhost";

    final Path dir;

    ClusterConfig(Path stateDir) {
        this.dir = stateDir.toAbsolutePath().resolve("conf");
    }

    /** The settings with their ports (free ones chosen already) as Flink's options. */
    static Configuration of(ClusterSettings s, int restPort, int rpcPort) {
        Configuration c = new Configuration();
        // one machine: every process binds and is reached on localhost, as in the config.yaml Flink ships
        c.set(JobManagerOptions.ADDRESS, HOST);
        c.set(JobManagerOptions.BIND_HOST, HOST);
        c.set(JobManagerOptions.PORT, rpcPort);
        c.set(TaskManagerOptions.HOST, HOST);
        c.set(TaskManagerOptions.BIND_HOST, HOST);
        c.set(RestOptions.ADDRESS, HOST);
        c.set(RestOptions.BIND_ADDRESS, HOST);
        c.set(RestOptions.PORT, restPort);
        c.set(TaskManagerOptions.NUM_TASK_SLOTS, s.slots());
        c.set(TaskManagerOptions.TOTAL_PROCESS_MEMORY, MemorySize.parse(s.taskManagerMemory()));
        // RocksDB (the jobs' default state backend) caches in managed memory: 1 GB made it 9x faster than Flink's
        // default
        c.set(TaskManagerOptions.MANAGED_MEMORY_SIZE, MemorySize.parse(s.managedMemory()));
        c.set(JobManagerOptions.TOTAL_PROCESS_MEMORY, MemorySize.parse(s.jobManagerMemory()));
        c.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, s.checkpointDir());
        c.set(CheckpointingOptions.SAVEPOINT_DIRECTORY, s.savepointDir());
        // a failed job restarts for as long as it takes (a TaskManager replaced, a service back), at most 10 s apart
        c.set(RestartStrategyOptions.RESTART_STRATEGY, "exponential-delay");
        c.set(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_INITIAL_BACKOFF, Duration.ofSeconds(1));
        c.set(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_MAX_BACKOFF, Duration.ofSeconds(10));
        c.set(
                WebOptions.UPLOAD_DIR,
                s.stateDir().resolve("web-upload").toAbsolutePath().toString());
        return c;
    }

    void write(Configuration conf) {
        try {
            Files.createDirectories(dir);
            Files.write(
                    dir.resolve(FILE),
                    ConfigurationUtils.convertConfigToWritableLines(conf, true).stream()
                            .sorted()
                            .toList());
            try (InputStream log4j = ClusterConfig.class.getResourceAsStream("log4j.properties")) {
                if (log4j == null) {
                    throw new IllegalStateException(
                            "log4j.properties is missing from the cluster module's classes: rebuild it");
                }
                Files.write(dir.resolve("log4j.properties"), log4j.readAllBytes());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the cluster's configuration into " + dir, e);
        }
    }

    Path pluginsDir() {
        return dir.resolveSibling("plugins");
    }

    boolean exists() {
        return Files.isRegularFile(dir.resolve(FILE));
    }

    Configuration read() {
        if (!exists()) {
            throw new IllegalStateException("no cluster configuration at " + dir.resolve(FILE)
                    + ": start the cluster first (bin/pushflow cluster start)");
        }
        return GlobalConfiguration.loadConfiguration(dir.toString());
    }

    /** The REST API and dashboard, as the processes were told. */
    String restUrl() {
        return "http://" + HOST + ":" + read().get(RestOptions.PORT);
    }
}
