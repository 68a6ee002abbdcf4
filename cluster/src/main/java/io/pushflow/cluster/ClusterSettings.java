package io.pushflow.cluster;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * What a standalone cluster is made of: where its configuration, logs and pids live, how many TaskManagers with how
 * many slots, its ports (0: a free one, chosen at start), the memory of its processes, the jobs' checkpoint and
 * savepoint directories, and how its JVMs start (classpath, JVM options, environment added to the inherited one).
 *
 * @param taskManagerMemory {@code taskmanager.memory.process.size}: everything one TaskManager JVM may take
 * @param managedMemory     {@code taskmanager.memory.managed.size} of each TaskManager (RocksDB's caches)
 * @param jobManagerMemory  {@code jobmanager.memory.process.size}
 * @param environment       added to the environment the processes inherit (where the jobs read their settings)
 */
public record ClusterSettings(
        Path stateDir,
        int taskManagers,
        int slots,
        int restPort,
        int rpcPort,
        String taskManagerMemory,
        String managedMemory,
        String jobManagerMemory,
        String checkpointDir,
        String savepointDir,
        Map<String, String> environment,
        String classpath,
        List<String> jvmOptions) {

    /** Two TaskManagers of three slots: the three jobs at parallelism 2 take six slots (a slot serves one job). */
    public static final int TASK_MANAGERS = 2;

    public static final int SLOTS = 3;

    public ClusterSettings {
        if (taskManagers < 1 || slots < 1) {
            throw new IllegalArgumentException("a cluster needs at least one TaskManager with at least one slot");
        }
        environment = Map.copyOf(environment);
        jvmOptions = List.copyOf(jvmOptions);
    }

    /**
     * The defaults, from the environment bin/pushflow exports: {@code FLINK_REST_PORT} (8081), {@code FLINK_RPC_PORT}
     * (6123), {@code FLINK_TM_MEMORY} (3g), {@code FLINK_MANAGED_MEMORY} (1g), {@code FLINK_JM_MEMORY} (1600m),
     * {@code CHECKPOINT_DIR}, {@code SAVEPOINT_DIR}; the JVMs get this JVM's classpath (Flink's alone) and the
     * {@code --add-opens} list Flink needs on Java 17.
     */
    public static ClusterSettings fromEnvironment(Path stateDir) {
        return new ClusterSettings(
                stateDir,
                TASK_MANAGERS,
                SLOTS,
                Integer.parseInt(env("FLINK_REST_PORT", "8081")),
                Integer.parseInt(env("FLINK_RPC_PORT", "6123")),
                env("FLINK_TM_MEMORY", "3g"),
                env("FLINK_MANAGED_MEMORY", "1g"),
                env("FLINK_JM_MEMORY", "1600m"),
                env("CHECKPOINT_DIR", "file:///tmp/pushflow/checkpoints"),
                env("SAVEPOINT_DIR", "file:///tmp/pushflow/savepoints"),
                Map.of(),
                System.getProperty("java.class.path"),
                flinkAddOpens());
    }

    public ClusterSettings withSize(int taskManagers, int slots) {
        return new ClusterSettings(
                stateDir,
                taskManagers,
                slots,
                restPort,
                rpcPort,
                taskManagerMemory,
                managedMemory,
                jobManagerMemory,
                checkpointDir,
                savepointDir,
                environment,
                classpath,
                jvmOptions);
    }

    public ClusterSettings withPorts(int restPort, int rpcPort) {
        return new ClusterSettings(
                stateDir,
                taskManagers,
                slots,
                restPort,
                rpcPort,
                taskManagerMemory,
                managedMemory,
                jobManagerMemory,
                checkpointDir,
                savepointDir,
                environment,
                classpath,
                jvmOptions);
    }

    public ClusterSettings withMemory(String taskManagerMemory, String managedMemory, String jobManagerMemory) {
        return new ClusterSettings(
                stateDir,
                taskManagers,
                slots,
                restPort,
                rpcPort,
                taskManagerMemory,
                managedMemory,
                jobManagerMemory,
                checkpointDir,
                savepointDir,
                environment,
                classpath,
                jvmOptions);
    }

    public ClusterSettings withDirectories(String checkpointDir, String savepointDir) {
        return new ClusterSettings(
                stateDir,
                taskManagers,
                slots,
                restPort,
                rpcPort,
                taskManagerMemory,
                managedMemory,
                jobManagerMemory,
                checkpointDir,
                savepointDir,
                environment,
                classpath,
                jvmOptions);
    }

    public ClusterSettings withEnvironment(Map<String, String> environment) {
        return new ClusterSettings(
                stateDir,
                taskManagers,
                slots,
                restPort,
                rpcPort,
                taskManagerMemory,
                managedMemory,
                jobManagerMemory,
                checkpointDir,
                savepointDir,
                environment,
                classpath,
                jvmOptions);
    }

    public ClusterSettings withClasspath(String classpath) {
        return new ClusterSettings(
                stateDir,
                taskManagers,
                slots,
                restPort,
                rpcPort,
                taskManagerMemory,
                managedMemory,
                jobManagerMemory,
                checkpointDir,
                savepointDir,
                environment,
                classpath,
                jvmOptions);
    }

    /** The parent pom's {@code flink.add-opens}, filtered into this module's resources at build time. */
    static List<String> flinkAddOpens() {
        Properties p = new Properties();
        try (InputStream in = ClusterSettings.class.getResourceAsStream("flink-jvm.properties")) {
            if (in == null) {
                throw new IllegalStateException(
                        "flink-jvm.properties is missing from the cluster module's classes: rebuild it");
            }
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Arrays.stream(p.getProperty("add-opens").trim().split("\\s+")).toList();
    }

    static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isEmpty() ? fallback : value;
    }
}
