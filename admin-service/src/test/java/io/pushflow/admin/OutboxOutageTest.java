package io.pushflow.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micronaut.context.ApplicationContext;
import io.micronaut.http.client.HttpClient;
import io.micronaut.runtime.server.EmbeddedServer;
import io.pushflow.admin.support.Api;
import io.pushflow.admin.support.CommandQueue;
import io.pushflow.admin.support.TestEnvironment;
import io.pushflow.core.campaign.CampaignCommand;
import java.net.ServerSocket;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * A launch while RabbitMQ is unreachable succeeds and keeps its command in the outbox; once the broker is
 * reachable (here: the service restarted with the right address) the command arrives, once.
 */
class OutboxOutageTest {

    @Test
    void a_launch_during_a_broker_outage_is_delayed_not_lost() throws Exception {
        try (TestEnvironment env = new TestEnvironment();
                CommandQueue commands = new CommandQueue(env.queues())) {
            Map<String, Object> down = new HashMap<>(env.properties());
            down.put("pushflow.rabbitmq.port", String.valueOf(closedPort()));
            long campaign;
            String pendingCommand;
            try (EmbeddedServer server = ApplicationContext.run(EmbeddedServer.class, down);
                    HttpClient http = HttpClient.create(server.getURL())) {
                Api api = new Api(http, "marketer");
                long cohort = api.post("/api/v1/cohorts", Map.of("name", "outage", "filter", Map.of("all", List.of())))
                        .id();
                Map<String, Object> text = Map.of("en", Map.of("title", "t", "body", "b"));
                long a = api.post("/api/v1/pushes", Map.of("name", "A", "defaultLocale", "en", "texts", text))
                        .id();
                long b = api.post("/api/v1/pushes", Map.of("name", "B", "defaultLocale", "en", "texts", text))
                        .id();
                campaign = api.post(
                                "/api/v1/campaigns",
                                Map.of(
                                        "name",
                                        "during outage",
                                        "app",
                                        "windy-ios",
                                        "cohortId",
                                        cohort,
                                        "variants",
                                        List.of(Map.of("pushId", a), Map.of("pushId", b)),
                                        "split",
                                        Map.of("type", "AB_FIXED"),
                                        "duration",
                                        "PT1H"))
                        .id();

                Api.Reply launched = api.post("/api/v1/campaigns/" + campaign + "/launch", null);
                assertThat(launched.status()).isEqualTo(200);
                assertThat(launched.json()).containsEntry("status", "RUNNING");

                Map<String, Object> row =
                        awaitOutboxRow(env, campaign, r -> ((Number) r.get("attempts")).intValue() >= 2);
                assertThat(row.get("published_at")).isNull();
                assertThat(row.get("last_error").toString()).contains("Connect");
                pendingCommand = (String) row.get("command_id");
                assertThat(commands.waiting(campaign)).isZero();
            }

            try (EmbeddedServer ignored =
                    ApplicationContext.run(EmbeddedServer.class, new HashMap<String, Object>(env.properties()))) {
                CommandQueue.Delivery delivery = commands.next(campaign, Duration.ofSeconds(15));
                assertThat(delivery.command().type()).isEqualTo(CampaignCommand.Type.LAUNCH);
                assertThat(delivery.command().campaignId()).isEqualTo(campaign);
                assertThat(delivery.correlationId()).isEqualTo(pendingCommand);
                assertThat(awaitOutboxRow(env, campaign, r -> r.get("published_at") != null))
                        .containsEntry("command_id", pendingCommand);
                Thread.sleep(500);
                assertThat(commands.waiting(campaign)).isZero();
            }
        }
    }

    private static int closedPort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static Map<String, Object> awaitOutboxRow(
            TestEnvironment env, long campaign, Predicate<Map<String, Object>> condition) throws Exception {
        AtomicReference<Map<String, Object>> row = new AtomicReference<>(Map.of());
        await().atMost(Duration.ofSeconds(15))
                .pollInterval(Duration.ofMillis(100))
                .untilAsserted(() -> {
                    try (var c = env.jdbc();
                            var s = c.prepareStatement("SELECT * FROM command_outbox WHERE campaign_id = ?")) {
                        s.setLong(1, campaign);
                        ResultSet rs = s.executeQuery();
                        if (rs.next()) {
                            Map<String, Object> read = new HashMap<>();
                            for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                                read.put(rs.getMetaData().getColumnLabel(i), rs.getObject(i));
                            }
                            row.set(read);
                        }
                    }
                    assertThat(row.get())
                            .as("outbox row of campaign %d", campaign)
                            .isNotEmpty()
                            .matches(condition);
                });
        return row.get();
    }
}
