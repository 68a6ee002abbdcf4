package io.pushflow.admin.fuzz;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.pushflow.admin.messaging.BatchConsumer;
import io.pushflow.admin.support.Api;
import io.pushflow.admin.support.ApiTestBase;
import io.pushflow.admin.support.TestEnvironment;
import io.pushflow.core.fuzz.FuzzTally;
import io.pushflow.core.fuzz.HostileInput;
import io.pushflow.core.json.Json;
import io.pushflow.core.messaging.Queues;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Generated hostile input at every REST operation ({@link RestFuzz}, against the embedded server) and at the queues
 * the admin service reads. Every answer must be a 4xx in the ApiError shape that the served OpenAPI document allows
 * for the operation (or a 2xx, when a draw happens to be valid), never a 5xx; every bad message must land in its
 * {@code .dead} queue with a reason. {@code -Dfuzz.count} inputs per surface (100 in CI; {@code bin/pushflow bench fuzz} runs 1,000), the tally to {@code -Dfuzz.out}.
 */
@MicronautTest
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AdminFuzzTest extends ApiTestBase {

    static final int COUNT = Integer.getInteger("fuzz.count", 100);
    static final long SEED = Long.getLong("fuzz.seed", 17);

    private final FuzzTally tally = new FuzzTally();
    private long cohortId;
    private long pushId;
    private long otherPushId;
    private long campaignId;
    private long appKeyId;
    private String appKey;

    @BeforeAll
    void fixtures() {
        Api admin = as("admin");
        cohortId = admin.post("/api/v1/cohorts", cohort("fuzz cohort")).id();
        pushId = admin.post("/api/v1/pushes", push("fuzz push")).id();
        otherPushId = admin.post("/api/v1/pushes", push("fuzz push B")).id();
        Api.Reply campaign = admin.post("/api/v1/campaigns", RestFuzz.campaign(cohortId, pushId, otherPushId));
        assertThat(campaign.status()).as(campaign.body()).isEqualTo(201);
        campaignId = campaign.id();
        Api.Reply key = admin.post("/api/v1/app-keys", Map.of("name", "fuzz"));
        appKeyId = key.id();
        appKey = (String) key.json().get("key");
    }

    @Test
    @Order(1)
    void every_bad_message_on_the_admin_service_s_queues_lands_in_its_dead_letter_queue_with_a_reason()
            throws Exception {
        HostileInput in = new HostileInput(SEED);
        // users and campaigns nobody has: a message that parses still cannot apply
        Map<String, Object> change =
                Map.of("v", 1, "userId", 8_000_000_001L, "version", 5, "set", Map.of("subscribed", false));
        Map<String, Object> report = Map.of(
                "v",
                1,
                "reportId",
                "r",
                "campaignId",
                900_000_001L,
                "type",
                "COMPLETED",
                "released",
                10,
                "heldOut",
                0,
                "unreleased",
                0,
                "at",
                "2026-01-01T00:00:00Z");
        Queues queues = env.queues();
        try (Connection connection = TestEnvironment.rabbit().newConnection();
                Channel channel = connection.createChannel()) {
            for (var e : Map.of(Queues.USER_CHANGES, change, Queues.CAMPAIGN_REPORTS, report)
                    .entrySet()) {
                String queue = e.getKey();
                FuzzTally.Surface s = tally.surface("queue " + queue);
                for (int i = 0; i < COUNT; i++) {
                    byte[] body = hostileMessage(in, e.getValue());
                    channel.basicPublish(
                            "",
                            queues.name(queue),
                            new AMQP.BasicProperties.Builder()
                                    .messageId("fuzz-" + i)
                                    .correlationId("fuzz-" + i)
                                    .deliveryMode(2)
                                    .build(),
                            body);
                    s.inputs++;
                }
                List<String> withoutReason = new ArrayList<>();
                Set<String> dead = new HashSet<>();
                try {
                    await().atMost(Duration.ofSeconds(120))
                            .pollInterval(Duration.ofMillis(50))
                            .untilAsserted(() -> {
                                for (GetResponse r;
                                        dead.size() < COUNT
                                                && (r = channel.basicGet(queues.dead(queue), true)) != null; ) {
                                    Object reason = r.getProps().getHeaders() == null
                                            ? null
                                            : r.getProps().getHeaders().get(BatchConsumer.REASON_HEADER);
                                    if (reason == null || reason.toString().isBlank()) {
                                        withoutReason.add(r.getProps().getMessageId());
                                    }
                                    dead.add(r.getProps().getMessageId());
                                }
                                assertThat(dead)
                                        .as("bad messages of %s in %s", queue, queues.dead(queue))
                                        .hasSize(COUNT);
                            });
                } finally { // the tally reports a surface that timed out too
                    s.deadLettered = dead.size();
                    s.stuck = channel.messageCount(queues.name(queue));
                }
                assertThat(withoutReason)
                        .as("dead letters of %s without a reason", queue)
                        .isEmpty();
                assertThat(s.stuck)
                        .as("messages left on %s (redelivered forever?)", queue)
                        .isZero();
            }
        }
    }

    /** Bytes for a queue: the valid message with one field spoiled, a wrong version, or no JSON at all. */
    private static byte[] hostileMessage(HostileInput in, Map<String, Object> valid) {
        return switch (in.below(4)) {
            case 0 -> Json.write(in.spoiled(valid)).getBytes(StandardCharsets.UTF_8);
            case 1 -> {
                Map<String, Object> m = new LinkedHashMap<>(valid);
                m.put("v", in.pick(List.of(0, 2, 99, -1, "1", "one")));
                yield Json.write(m).getBytes(StandardCharsets.UTF_8);
            }
            case 2 -> Json.write(in.draw(in.value())).getBytes(StandardCharsets.UTF_8);
            default -> in.rawBytes(Json.write(valid).getBytes(StandardCharsets.UTF_8));
        };
    }

    @Test
    @Order(2)
    void every_answer_to_hostile_requests_is_a_documented_4xx_in_the_error_shape_never_a_5xx() {
        long started = System.nanoTime();
        RestFuzz fuzz = new RestFuzz(
                server.getURI(),
                new RestFuzz.Targets(cohortId, pushId, otherPushId, campaignId, appKeyId, appKey),
                tally);
        String only = System.getProperty("fuzz.only", ""); // e.g. "POST /api/v1/users/import": one operation's draws
        List<String> failures = fuzz.run(SEED, COUNT, name -> only.isEmpty() || name.equals(only));
        System.out.printf(
                "REST fuzz: %d requests in %d s%n",
                tally.total(s -> s.name.startsWith("queue ") ? 0 : s.inputs),
                (System.nanoTime() - started) / 1_000_000_000);
        assertThat(failures.subList(0, Math.min(20, failures.size())))
                .as("answers that break the contract (the first 20 of %d)", failures.size())
                .isEmpty();
    }

    @AfterAll
    void writeTally() throws Exception {
        tally.print();
        tally.write("admin");
    }

    @Inject
    EmbeddedServer server;
}
