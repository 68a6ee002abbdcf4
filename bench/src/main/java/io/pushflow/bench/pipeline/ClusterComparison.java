package io.pushflow.bench.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pushflow.core.json.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * {@code bin/pushflow bench e2e}'s comparison: the end-to-end benchmark run on the one-JVM cluster and then on Flink's
 * standalone cluster (a JobManager and two TaskManager processes) in the same run, each cluster's rates side by side
 * and the standalone cluster's as a share of the one JVM's. The result is the standalone run's JSON (the raw rates
 * beneath are measured there) with both clusters' numbers under {@code clusters}.
 */
public final class ClusterComparison {

    private ClusterComparison() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 6
                || !args[0].equals("--out")
                || !args[2].equals("--local")
                || !args[4].equals("--standalone")) {
            System.err.println(
                    "usage: ClusterComparison --out FILE --local e2e-local.json --standalone e2e-standalone.json");
            System.exit(2);
        }
        JsonNode local = Json.MAPPER.readTree(Files.readString(Path.of(args[3])));
        JsonNode standalone = Json.MAPPER.readTree(Files.readString(Path.of(args[5])));
        Map<String, Object> localSummary = summary(local);
        Map<String, Object> standaloneSummary = summary(standalone);
        double ratio = standalone.path("pushesPerSecond").asDouble()
                / local.path("pushesPerSecond").asDouble();
        double usersRatio = standalone.path("usersPerSecond").asDouble()
                / local.path("usersPerSecond").asDouble();
        System.out.printf(
                Locale.ROOT,
                "%nend to end on both clusters, one after the other in this run (campaigns to %,d users, %d measured each):%n",
                standalone.path("users").asLong(),
                standalone.path("runs").asInt());
        print("one JVM (local cluster)", local);
        print("standalone (JobManager + 2 TaskManagers)", standalone);
        System.out.printf(
                Locale.ROOT,
                "  standalone / one JVM: %.2f of the pushes/s, %.2f of the users/s (medians)%n",
                ratio,
                usersRatio);
        Map<String, Object> clusters = new LinkedHashMap<>();
        clusters.put("local", localSummary);
        clusters.put("standalone", standaloneSummary);
        clusters.put("standaloneToLocalPushes", ratio);
        clusters.put("standaloneToLocalUsers", usersRatio);
        ObjectNode out = standalone.deepCopy();
        out.set("clusters", Json.MAPPER.valueToTree(clusters));
        out.put(
                "everyoneOnce",
                standalone.path("everyoneOnce").asBoolean()
                        && local.path("everyoneOnce").asBoolean());
        Pipeline.writeJson(Path.of(args[1]), out);
        System.exit(out.path("everyoneOnce").asBoolean() ? 0 : 1);
    }

    private static void print(String name, JsonNode r) {
        JsonNode spread = r.path("pushesPerSecondSpread");
        System.out.printf(
                Locale.ROOT,
                "  %-42s median %,.0f pushes/s (%,.0f to %,.0f), %,.0f users/s; first push after %.1f s; Flink peak %,d MB "
                        + "(%d processes), %.0f µs of Flink CPU per user%s%n",
                name + ":",
                r.path("pushesPerSecond").asDouble(),
                spread.path("min").asDouble(),
                spread.path("max").asDouble(),
                r.path("usersPerSecond").asDouble(),
                r.path("firstPushSeconds").asDouble(),
                r.path("flinkPeakRssBytes").asLong() >> 20,
                r.path("flinkProcesses").asInt(),
                r.path("cpuSeconds").path("flink").asDouble() / r.path("users").asDouble() * 1e6,
                r.path("everyoneOnce").asBoolean() ? "" : "; NOT every user exactly one outcome");
    }

    private static Map<String, Object> summary(JsonNode r) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("cluster", r.path("cluster").asText());
        s.put("flinkProcesses", r.path("flinkProcesses").asInt());
        s.put("usersPerSecond", r.path("usersPerSecond").asDouble());
        s.put("pushesPerSecond", r.path("pushesPerSecond").asDouble());
        s.put("pushesPerSecondSpread", r.path("pushesPerSecondSpread"));
        s.put("firstPushSeconds", r.path("firstPushSeconds").asDouble());
        s.put("flinkPeakRssBytes", r.path("flinkPeakRssBytes").asLong());
        s.put(
                "flinkCpuMicrosPerUser",
                r.path("cpuSeconds").path("flink").asDouble() / r.path("users").asDouble() * 1e6);
        s.put("everyoneOnce", r.path("everyoneOnce").asBoolean());
        return s;
    }
}
