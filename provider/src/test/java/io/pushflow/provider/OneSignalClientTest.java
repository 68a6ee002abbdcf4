package io.pushflow.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class OneSignalClientTest {

    private OneSignalFake fake;
    private final List<Duration> slept = new ArrayList<>();
    private OneSignalClient client;

    @BeforeEach
    void start() throws Exception {
        fake = new OneSignalFake("app-1", "rest-key-1");
        client = new OneSignalClient(fake.baseUrl(), "app-1", "rest-key-1", Duration.ofSeconds(2), 4, slept::add);
    }

    @AfterEach
    void stop() {
        fake.close();
    }

    static PushMessage message(String batch, List<String> ids) {
        return new PushMessage(
                PushMessage.idempotencyKey(batch, "en"),
                ids,
                Map.of("en", "Wind is on", "pt", "Há vento"),
                PushMessage.withFallback(Map.of("pt", "25 nós amanhã"), "pt"),
                Map.of("pushflow_campaign", 42, "pushflow_variant", "B"),
                "windy://spot/1",
                "https://cdn.example.com/w.png");
    }

    @Test
    void a_message_becomes_one_notification_with_the_contract_s_fields() throws Exception {
        SendResult result = client.send(message("42-1-B-0", List.of("s1", "s2")));
        assertThat(result.sent()).isTrue();
        assertThat(result.attempts()).isEqualTo(1);
        assertThat(fake.created()).hasSize(1);
        var body = fake.created().get(0).body();
        assertThat(body.path("contents").path("en").asText()).isEqualTo("25 nós amanhã");
        assertThat(body.path("headings").path("pt").asText()).isEqualTo("Há vento");
        assertThat(body.path("data").path("pushflow_variant").asText()).isEqualTo("B");
        assertThat(body.path("app_url").asText()).isEqualTo("windy://spot/1");
        assertThat(fake.created().get(0).subscriptionIds()).containsExactly("s1", "s2");
    }

    @Test
    void a_retry_after_a_server_error_or_a_rate_limit_sends_once() throws Exception {
        fake.failNext(500, 429);
        SendResult result = client.send(message("42-1-A-0", List.of("s1")));
        assertThat(result.sent()).isTrue();
        assertThat(result.attempts()).isEqualTo(3);
        assertThat(slept).hasSize(2);
        assertThat(slept.get(0)).isBetween(Duration.ofMillis(125), Duration.ofMillis(250)); // backoff with jitter
        assertThat(slept.get(1)).isEqualTo(Duration.ofSeconds(1)); // Retry-After as told
        assertThat(fake.created()).hasSize(1);

        SendResult again = client.send(message("42-1-A-0", List.of("s1")));
        assertThat(again.notificationId()).isEqualTo(result.notificationId());
        assertThat(fake.created()).hasSize(1);
    }

    @Test
    void retry_after_is_a_floor_under_the_backoff_not_the_backoff() throws Exception {
        fake.failNext(429, 429, 429, 429, 429, 429);
        OneSignalClient patient =
                new OneSignalClient(fake.baseUrl(), "app-1", "rest-key-1", Duration.ofSeconds(2), 8, slept::add);
        SendResult result = patient.send(message("42-3-A-0", List.of("s1")));
        assertThat(result.attempts()).isEqualTo(7);
        assertThat(slept).allSatisfy(d -> assertThat(d).isGreaterThanOrEqualTo(Duration.ofSeconds(1)));
        assertThat(slept.get(5))
                .as("the sixth wait: the backoff's 4-8 s, above Retry-After's 1 s")
                .isBetween(Duration.ofSeconds(4), Duration.ofSeconds(8));
    }

    @Test
    void a_timeout_is_retried_under_the_same_key_twice_as_often_and_the_failure_says_the_outcome_is_unknown()
            throws Exception {
        fake.delay(Duration.ofMillis(600));
        OneSignalClient impatient =
                new OneSignalClient(fake.baseUrl(), "app-1", "rest-key-1", Duration.ofMillis(300), 4, slept::add);
        assertThatThrownBy(() -> impatient.send(message("42-2-A-0", List.of("s1"))))
                .isInstanceOf(ProviderException.class)
                .hasMessageContaining("after 8 attempts; the outcome is unknown: OneSignal did not answer 8 of them")
                .matches(e -> ((ProviderException) e).retryable());
        assertThat(slept).hasSize(7);
        await().atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(50)) // the fake answers the abandoned calls in turn
                .untilAsserted(() ->
                        assertThat(fake.calls()).as("calls the fake received").isGreaterThanOrEqualTo(8));
        Thread.sleep(700);
        assertThat(fake.calls()).isEqualTo(8);
        assertThat(fake.created())
                .as("the provider sent it although the client never heard")
                .hasSize(1); // one idempotency key
    }

    @Test
    void a_provider_that_answers_again_after_timeouts_gives_the_one_notification_it_created() throws Exception {
        fake.delay(Duration.ofMillis(600));
        OneSignalClient impatient =
                new OneSignalClient(fake.baseUrl(), "app-1", "rest-key-1", Duration.ofMillis(300), 4, slept::add);
        Thread recovers = new Thread(() -> {
            try {
                Thread.sleep(1_600); // past the fourth attempt: once four attempts were all there was
                fake.delay(Duration.ZERO);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        recovers.start();
        SendResult result = impatient.send(message("42-4-A-0", List.of("s1")));
        recovers.join();
        assertThat(result.sent()).isTrue();
        assertThat(result.attempts()).isGreaterThan(4);
        Thread.sleep(700);
        assertThat(fake.created()).hasSize(1);
    }

    @Test
    void unsubscribed_ids_are_reported_and_a_message_to_no_one_creates_nothing() throws Exception {
        fake.unsubscribe("dead-1", "dead-2");
        SendResult partial = client.send(message("42-3-A-0", List.of("s1", "dead-1")));
        assertThat(partial.sent()).isTrue();
        assertThat(partial.invalidSubscriptionIds()).containsExactly("dead-1");
        SendResult none = client.send(message("42-3-A-1", List.of("dead-1", "dead-2")));
        assertThat(none.sent()).isFalse();
        assertThat(none.errors()).containsExactly("All included players are not subscribed");
    }

    @Test
    void refusals_are_final_and_say_why_without_the_key() throws Exception {
        OneSignalClient wrongKey =
                new OneSignalClient(fake.baseUrl(), "app-1", "not-the-key", Duration.ofSeconds(2), 4, slept::add);
        assertThatThrownBy(() -> wrongKey.send(message("42-4-A-0", List.of("s1"))))
                .isInstanceOf(ProviderException.class)
                .hasMessageContaining("403")
                .hasMessageNotContaining("not-the-key")
                .matches(e -> !((ProviderException) e).retryable());
        OneSignalClient wrongApp =
                new OneSignalClient(fake.baseUrl(), "app-2", "rest-key-1", Duration.ofSeconds(2), 4, slept::add);
        assertThatThrownBy(() -> wrongApp.send(message("42-4-A-1", List.of("s1"))))
                .hasMessageContaining("app_id");
        assertThat(fake.calls()).isEqualTo(2);
        assertThat(slept).isEmpty();
    }

    @Test
    void messages_keep_to_the_provider_s_limits() {
        List<String> many = IntStream.range(0, 2_001).mapToObj(i -> "s" + i).toList();
        assertThatThrownBy(() -> message("x", many)).hasMessageContaining("2000");
        assertThatThrownBy(() -> new PushMessage(
                        PushMessage.idempotencyKey("x", "pt"),
                        List.of("s1"),
                        Map.of(),
                        Map.of("pt", "só"),
                        null,
                        null,
                        null))
                .hasMessageContaining("English");
        assertThat(PushMessage.idempotencyKey("42-1-A-0", "en"))
                .isEqualTo(PushMessage.idempotencyKey("42-1-A-0", "en"))
                .isNotEqualTo(PushMessage.idempotencyKey("42-1-A-0", "pt"));
    }

    @Test
    void a_notification_s_delivery_is_read_with_the_view_call() throws Exception {
        fake.unsubscribe("dead-1");
        SendResult sent = client.send(message("42-5-A-0", List.of("s1", "s2", "dead-1")));
        NotificationStatus status = client.status(sent.notificationId());
        assertThat(status).isEqualTo(new NotificationStatus(sent.notificationId(), 2, 1, 0, 0, 0, 2));
        fake.click(sent.notificationId());
        fake.click(sent.notificationId());
        assertThat(client.status(sent.notificationId()).converted()).isEqualTo(2);
        assertThat(status.complete()).isTrue();

        assertThatThrownBy(() -> client.status("no-such-id"))
                .isInstanceOfSatisfying(
                        ProviderException.class, e -> assertThat(e.status()).isEqualTo(404));
        fake.failNext(429);
        assertThatThrownBy(() -> client.status(sent.notificationId()))
                .isInstanceOfSatisfying(ProviderException.class, e -> {
                    assertThat(e.retryable()).isTrue();
                    assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(1));
                });
    }
}
