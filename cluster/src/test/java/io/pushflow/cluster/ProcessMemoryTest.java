package io.pushflow.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.JobManagerOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The configuration the cluster writes, as Flink reads it back, and the process sizes Flink's BashJavaUtils derives from it. */
class ProcessMemoryTest {

    @TempDir
    Path dir;

    @Test
    void the_written_config_yaml_reads_back_with_every_setting() {
        ClusterSettings s = ClusterSettings.fromEnvironment(dir)
                .withDirectories("file:///tmp/pushflow t/checkpoints", "file:///tmp/savepoints");
        ClusterConfig config = new ClusterConfig(dir);
        config.write(ClusterConfig.of(s, 18081, 16123));

        Configuration read = config.read();
        assertThat(read.get(RestOptions.PORT)).isEqualTo(18081);
        assertThat(read.get(JobManagerOptions.PORT)).isEqualTo(16123);
        assertThat(read.get(JobManagerOptions.ADDRESS)).isEqualTo("localhost");
        assertThat(read.get(TaskManagerOptions.NUM_TASK_SLOTS)).isEqualTo(3);
        assertThat(read.get(CheckpointingOptions.CHECKPOINTS_DIRECTORY))
                .isEqualTo("file:///tmp/pushflow t/checkpoints");
        assertThat(read.get(CheckpointingOptions.SAVEPOINT_DIRECTORY)).isEqualTo("file:///tmp/savepoints");
        assertThat(read.getString("restart-strategy.type", "")).isEqualTo("exponential-delay");
        assertThat(config.restUrl()).isEqualTo("http://localhost:18081");
        assertThat(dir.resolve("conf").resolve("log4j.properties")).content().contains("${sys:log.file}");
    }

    @Test
    void a_taskmanager_gets_what_the_scripts_compute_adding_up_to_its_process_size() {
        ClusterConfig config = new ClusterConfig(dir);
        config.write(ClusterConfig.of(
                ClusterSettings.fromEnvironment(dir).withSize(2, 3).withMemory("3g", "1g", "1600m"), 18081, 16123));

        ProcessMemory tm = ProcessMemory.taskManager(config.dir);

        assertThat(tm.property("taskmanager.cpu.cores")).isEqualTo("3.0"); // without it a TaskManager refuses to start
        assertThat(bytes(tm.property("taskmanager.memory.managed.size"))).isEqualTo(1L << 30);
        long heap = bytes(tm.property("taskmanager.memory.task.heap.size"))
                + bytes(tm.property("taskmanager.memory.framework.heap.size"));
        assertThat(tm.jvmOptions()).contains("-Xmx" + heap, "-Xms" + heap);
        assertThat(tm.jvmOptions())
                .anyMatch(o -> o.startsWith("-XX:MaxDirectMemorySize="))
                .anyMatch(o -> o.startsWith("-XX:MaxMetaspaceSize="));
        long total = heap;
        for (String part : List.of(
                "framework.off-heap.size",
                "task.off-heap.size",
                "managed.size",
                "network.max",
                "jvm-metaspace.size",
                "jvm-overhead.max")) {
            total += bytes(tm.property("taskmanager.memory." + part));
        }
        assertThat(total).isEqualTo(3L << 30);
        assertThat(tm.arguments()).startsWith("-D").contains("taskmanager.cpu.cores=3.0");

        ProcessMemory jm = ProcessMemory.jobManager(config.dir);
        assertThat(jm.jvmOptions()).contains("-Xmx" + bytes(jm.property("jobmanager.memory.heap.size")));
    }

    @Test
    void sizes_that_do_not_fit_are_refused_with_flinks_reason() {
        ClusterConfig config = new ClusterConfig(dir);
        config.write(
                ClusterConfig.of(ClusterSettings.fromEnvironment(dir).withMemory("1g", "2g", "1600m"), 18081, 16123));

        assertThatThrownBy(() -> ProcessMemory.taskManager(config.dir))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("Flink cannot size its processes from " + config.dir.resolve("config.yaml"));
    }

    private static long bytes(String flinkSize) {
        return Long.parseLong(flinkSize.replaceAll("b$", ""));
    }
}
