package io.pushflow.cluster;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.JsonNode;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.ObjectMapper;

/** What the JobManager's REST API says about the cluster: the TaskManagers registered, slots, running jobs. */
public final class ClusterRest {

    /** The cluster as the JobManager sees it; {@code taskManagerIds} are the registered TaskManagers' resource ids. */
    public record Overview(
            int taskManagers, int slotsTotal, int slotsAvailable, int jobsRunning, List<String> taskManagerIds) {}

    private static final ObjectMapper JSON = new ObjectMapper();
    private final String url;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    ClusterRest(String url) {
        this.url = url;
    }

    /** Empty while nothing answers there (a JobManager still starting, or gone). */
    Optional<Overview> overview() {
        try {
            JsonNode o = get("/overview");
            List<String> ids = new ArrayList<>();
            get("/taskmanagers")
                    .path("taskmanagers")
                    .forEach(tm -> ids.add(tm.path("id").asText()));
            return Optional.of(new Overview(
                    o.path("taskmanagers").asInt(),
                    o.path("slots-total").asInt(),
                    o.path("slots-available").asInt(),
                    o.path("jobs-running").asInt(),
                    ids));
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    private JsonNode get(String path) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(URI.create(url + path))
                        .timeout(Duration.ofSeconds(5))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException(url + path + " answered " + r.statusCode());
        }
        return JSON.readTree(r.body());
    }
}
