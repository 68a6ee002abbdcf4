package io.pushflow.admin.support;

import io.micronaut.context.ApplicationContext;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.TestInstance;

/** A test class of the HTTP API: its own database and queues; subclasses add {@code @MicronautTest}. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class ApiTestBase implements TestPropertyProvider {

    protected final TestEnvironment env = new TestEnvironment();

    @Inject
    @Client("/")
    protected HttpClient client;

    @Inject
    ApplicationContext context;

    @Override
    public Map<String, String> getProperties() {
        return env.properties();
    }

    /** Stops the service first, so its scheduled work never meets a dropped database. */
    @AfterAll
    void dropEnvironment() throws Exception {
        context.stop();
        env.close();
    }

    protected Api as(String user) {
        return new Api(client, user);
    }

    /** A draft A/B campaign of two new pushes to a new cohort, with a holdout; its id. */
    protected long draftCampaign(String name, double holdoutShare) {
        Api marketer = as("marketer");
        as("admin").get("/api/v1/cohort-fields"); // the service creates its tables on first use
        long cohort = marketer.post("/api/v1/cohorts", cohort(name + " cohort")).id();
        long a = marketer.post("/api/v1/pushes", push(name + " A")).id();
        long b = marketer.post("/api/v1/pushes", push(name + " B")).id();
        Map<String, Object> c = new HashMap<>();
        c.put("name", name);
        c.put("app", "windy-ios");
        c.put("cohortId", cohort);
        c.put("variants", List.of(Map.of("pushId", a), Map.of("pushId", b)));
        c.put("split", Map.of("type", "AB_FIXED"));
        c.put("holdoutShare", holdoutShare);
        c.put("duration", "PT6H");
        return marketer.post("/api/v1/campaigns", c).id();
    }

    /** A valid cohort body. */
    protected static Map<String, Object> cohort(String name) {
        return ValidBodies.cohort(name);
    }

    /** A valid push body. */
    protected static Map<String, Object> push(String name) {
        return ValidBodies.push(name);
    }
}
