package io.pushflow.cluster;

import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;

/**
 * {@code bin/pushflow cluster}: a Flink cluster in one process, with the dashboard and the REST API on
 * {@code FLINK_REST_PORT} (8081), where {@code bin/pushflow jobs} uploads and runs the job jar, takes savepoints
 * and upgrades. Jobs read their settings from this process's environment. Runs until interrupted. Its classpath is
 * Flink's alone (this module), so the job jar's classes load in the job's own class loader, as on a real cluster.
 */
public final class LocalCluster {

    private LocalCluster() {}

    public static MiniCluster start(int port, int slots) throws Exception {
        return start(port, slots, new Configuration());
    }

    /** With {@code extra} settings on top of the defaults (tests). */
    public static MiniCluster start(int port, int slots, Configuration extra) throws Exception {
        Configuration conf = new Configuration(extra);
        conf.set(RestOptions.PORT, port);
        conf.set(RestOptions.BIND_PORT, Integer.toString(port));
        conf.set(TaskManagerOptions.NETWORK_MEMORY_MIN, MemorySize.parse("256m"));
        conf.set(TaskManagerOptions.NETWORK_MEMORY_MAX, MemorySize.parse("256m"));
        // RocksDB (the jobs' default state backend) caches in managed memory: 1 GB made it 9x faster than the default
        conf.set(TaskManagerOptions.MANAGED_MEMORY_SIZE, MemorySize.parse(env("FLINK_MANAGED_MEMORY", "1g")));
        conf.set(CheckpointingOptions.SAVEPOINT_DIRECTORY, env("SAVEPOINT_DIR", "file:///tmp/pushflow/savepoints"));
        MiniCluster cluster = new MiniCluster(new MiniClusterConfiguration.Builder()
                .setConfiguration(conf)
                .setNumTaskManagers(1)
                .setNumSlotsPerTaskManager(slots)
                .build());
        cluster.start();
        return cluster;
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(env("FLINK_REST_PORT", "8081"));
        MiniCluster cluster = start(port, Integer.parseInt(env("FLINK_SLOTS", "8")));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                cluster.close();
            } catch (Exception e) {
                System.err.println("cluster: " + e.getMessage());
            }
        }));
        System.out.println("Flink cluster with its dashboard at "
                + cluster.getRestAddress().get() + " (stop with Ctrl-C)");
        Thread.currentThread().join();
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isEmpty() ? fallback : value;
    }
}
