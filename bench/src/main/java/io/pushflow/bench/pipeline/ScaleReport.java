package io.pushflow.bench.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import io.pushflow.core.json.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code bin/pushflow bench scale}'s table: the end-to-end runs at several audience sizes side by side, with how
 * time, the Flink process's peak memory and its checkpointed state grow per user between the smallest and the
 * largest run (linear growth shows as a steady time per user and a small, steady state per user).
 */
public final class ScaleReport {

    private ScaleReport() {}

    public static void main(String[] args) throws Exception {
        if (args.length < 3 || !args[0].equals("--out")) {
            System.err.println("usage: ScaleReport --out FILE e2e-result.json...");
            System.exit(2);
        }
        List<JsonNode> runs = new ArrayList<>();
        for (int i = 2; i < args.length; i++) {
            runs.add(Json.MAPPER.readTree(Files.readString(Path.of(args[i]))));
        }
        runs.sort(Comparator.comparingLong(r -> r.path("users").asLong()));
        System.out.printf(
                Locale.ROOT,
                "%n%12s %10s %12s %12s %12s %14s %16s%n",
                "users",
                "seconds",
                "users/s",
                "first push",
                "µs/user",
                "Flink peak MB",
                "checkpoints MB");
        List<Map<String, Object>> rows = new ArrayList<>();
        for (JsonNode r : runs) {
            long users = r.path("users").asLong();
            double seconds = r.path("seconds").asDouble();
            long peak = r.path("flinkPeakRssBytes").asLong();
            long state = sum(r.path("checkpointBytes"));
            System.out.printf(
                    Locale.ROOT,
                    "%,12d %10.1f %,12.0f %11.1fs %12.1f %,14d %,16.1f%n",
                    users,
                    seconds,
                    users / seconds,
                    r.path("firstPushSeconds").asDouble(),
                    seconds / users * 1e6,
                    peak >> 20,
                    state / 1e6);
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("users", users);
            row.put("seconds", seconds);
            row.put("usersPerSecond", users / seconds);
            row.put("firstPushSeconds", r.path("firstPushSeconds").asDouble());
            row.put("flinkPeakRssBytes", peak);
            row.put("checkpointBytes", state);
            row.put("everyoneOnce", r.path("everyoneOnce").asBoolean());
            rows.add(row);
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("scenario", "scale");
        json.put("machine", runs.get(0).path("machine"));
        json.put("runs", rows);
        if (runs.size() >= 2) {
            JsonNode small = runs.get(0);
            JsonNode large = runs.get(runs.size() - 1);
            double users = large.path("users").asLong() - small.path("users").asLong();
            double timePerUser =
                    (large.path("seconds").asDouble() - small.path("seconds").asDouble()) / users;
            double memoryPerUser = (large.path("flinkPeakRssBytes").asLong()
                            - small.path("flinkPeakRssBytes").asLong())
                    / users;
            double statePerUser = (sum(large.path("checkpointBytes")) - sum(small.path("checkpointBytes"))) / users;
            System.out.printf(
                    Locale.ROOT,
                    "growth from %,d to %,d users: %.1f µs, %.0f bytes of peak memory and %.0f bytes of checkpointed state per added user%n",
                    small.path("users").asLong(),
                    large.path("users").asLong(),
                    timePerUser * 1e6,
                    memoryPerUser,
                    statePerUser);
            json.put("secondsPerAddedUser", timePerUser);
            json.put("peakBytesPerAddedUser", memoryPerUser);
            json.put("stateBytesPerAddedUser", statePerUser);
        }
        Pipeline.writeJson(Path.of(args[1]), json);
    }

    private static long sum(JsonNode bytesByJob) {
        long total = 0;
        for (Iterator<JsonNode> it = bytesByJob.elements(); it.hasNext(); ) {
            total += it.next().asLong();
        }
        return total;
    }
}
