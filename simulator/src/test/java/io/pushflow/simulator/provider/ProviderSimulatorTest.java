package io.pushflow.simulator.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.AlreadyClosedException;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import com.rabbitmq.client.ShutdownSignalException;
import io.pushflow.core.campaign.PushEvent;
import io.pushflow.core.campaign.PushEvents;
import io.pushflow.core.json.Json;
import io.pushflow.core.messaging.Queues;
import io.pushflow.provider.NotificationStatus;
import io.pushflow.provider.OneSignalClient;
import io.pushflow.provider.ProviderException;
import io.pushflow.provider.PushMessage;
import io.pushflow.provider.SendResult;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The provider simulator against the real RabbitMQ, driven through the project's own OneSignal client. */
class ProviderSimulatorTest {

    static final String APP = "sim-app";
    static final String KEY = "sim-key";

    static PushMessage push(String request, String variant, List<String> ids) {
        return new PushMessage(
                PushMessage.idempotencyKey(request, "en"),
                ids,
                Map.of("en", "Wind"),
                Map.of("en", "25 knots " + variant),
                Map.of("pushflow_campaign", 42, "pushflow_variant", variant, "pushflow_push", 7),
                null,
                null);
    }

    static List<String> ids(String prefix, int n) {
        return IntStream.range(0, n).mapToObj(i -> prefix + "-" + i).toList();
    }

    @Test
    void users_engage_with_each_variant_s_true_rates_and_the_app_reports_it_on_push_events() throws Exception {
        Queues queues = new Queues("tsim" + System.nanoTime() + ".");
        // delivered after 2 s, so the first look comes before it even on a busy machine
        var config = new SimulatorConfig(
                5,
                2_000,
                50,
                50,
                0.1,
                0,
                0,
                new SimulatorConfig.Engagement(0, 0),
                List.of(
                        new SimulatorConfig.Rule(null, 42L, "A", null, 0.6, 0.5),
                        new SimulatorConfig.Rule(null, null, null, "knots B", 0.2, 0.0)));
        ConnectionFactory rabbit = new ConnectionFactory();
        try (ProviderSimulator sim =
                        new ProviderSimulator(config, APP, KEY, new InetSocketAddress("127.0.0.1", 0), rabbit, queues);
                Connection connection = rabbit.newConnection();
                Channel channel = connection.createChannel()) {
            OneSignalClient client = new OneSignalClient(
                    sim.baseUrl(), APP, KEY, Duration.ofSeconds(5), 3, d -> Thread.sleep(d.toMillis()));
            SendResult a = client.send(push("42-1-A-0", "A", ids("a", 400)));
            SendResult b = client.send(push("42-1-B-0", "B", ids("b", 400)));
            NotificationStatus early = client.status(a.notificationId());
            assertThat(early.remaining()).isPositive();
            assertThat(early.failed())
                    .isEqualTo(a.invalidSubscriptionIds().size())
                    .isBetween(10L, 80L); // about 10% not subscribed

            record Received(String correlationId, PushEvents batch) {}
            List<Received> received = new ArrayList<>();
            List<PushEvent> all = new ArrayList<>();
            var tallyA = sim.tally(42, "A");
            var tallyB = sim.tally(42, "B");
            await().atMost(Duration.ofSeconds(15))
                    .pollInterval(Duration.ofMillis(50))
                    .during(Duration.ofMillis(700)) // nothing more is due after the delays
                    .untilAsserted(() -> {
                        for (GetResponse r; (r = channel.basicGet(queues.name(Queues.PUSH_EVENTS), true)) != null; ) {
                            PushEvents batch =
                                    Json.read(new String(r.getBody(), StandardCharsets.UTF_8), PushEvents.class);
                            received.add(new Received(r.getProps().getCorrelationId(), batch));
                            all.addAll(batch.events());
                        }
                        assertThat(all)
                                .as("push events on the queue, against the opens and clicks the simulator tallied")
                                .isNotEmpty()
                                .hasSize((int) (tallyA.opened.get()
                                        + tallyA.clicked.get()
                                        + tallyB.opened.get()
                                        + tallyB.clicked.get()));
                    });
            Map<String, Integer> events = new HashMap<>();
            for (Received r : received) {
                assertThat(r.correlationId()).isEqualTo(r.batch().batchId());
                assertThat(r.batch().events()).isNotEmpty().hasSizeLessThanOrEqualTo(1_000);
                r.batch().events().forEach(e -> events.merge(e.variant() + ":" + e.type(), 1, Integer::sum));
            }
            long reachedA = 400 - a.invalidSubscriptionIds().size();
            assertThat(events.get("A:CLICKED"))
                    .isEqualTo((int) tallyA.clicked.get())
                    .isBetween((int) (reachedA * 0.4), (int) (reachedA * 0.6));
            assertThat(events.get("A:OPENED"))
                    .isEqualTo((int) tallyA.opened.get())
                    .isBetween((int) (reachedA * 0.5), (int) (reachedA * 0.7));
            assertThat(events.get("B:CLICKED")).isNull();
            assertThat(events.get("B:OPENED"))
                    .isEqualTo((int) tallyB.opened.get())
                    .isPositive();
            assertThat(all).allMatch(e -> e.campaignId() == 42);
            assertThat(all.stream().map(PushEvent::eventId).distinct().count()).isEqualTo(all.size());

            NotificationStatus done = client.status(a.notificationId());
            assertThat(done.complete()).isTrue();
            assertThat(done.successful()).isEqualTo(reachedA);
            assertThat(done.converted()).isEqualTo(tallyA.clicked.get());
            @SuppressWarnings("unchecked")
            Map<String, Object> ledger = (Map<String, Object>) sim.ledger().get("variants");
            assertThat(ledger).containsKeys("42/A", "42/B");
            assertThat(sim.ledger().get("duplicates")).isEqualTo(0L);
            channel.queueDelete(queues.name(Queues.PUSH_EVENTS));
            channel.queueDelete(queues.dead(Queues.PUSH_EVENTS));
        }
    }

    @Test
    void rate_limits_and_server_errors_come_at_their_configured_shares() throws Exception {
        Queues queues = new Queues("tsim" + System.nanoTime() + ".");
        var config = new SimulatorConfig(9, 0, 0, 0, 0, 1.0, 0, null, null);
        ConnectionFactory rabbit = new ConnectionFactory();
        try (ProviderSimulator sim =
                        new ProviderSimulator(config, APP, KEY, new InetSocketAddress("127.0.0.1", 0), rabbit, queues);
                Connection connection = rabbit.newConnection();
                Channel channel = connection.createChannel()) {
            OneSignalClient client = new OneSignalClient(sim.baseUrl(), APP, KEY, Duration.ofSeconds(5), 1, d -> {});
            assertThatThrownBy(() -> client.send(push("42-2-A-0", "A", ids("c", 3))))
                    .isInstanceOfSatisfying(
                            ProviderException.class, e -> assertThat(e.status()).isEqualTo(429));
            channel.queueDelete(queues.name(Queues.PUSH_EVENTS));
            channel.queueDelete(queues.dead(Queues.PUSH_EVENTS));
        }
        assertThatThrownBy(() -> new SimulatorConfig(1, 0, 0, 0, 0, 0.7, 0.5, null, null))
                .hasMessageContaining("shares");
        assertThat(SimulatorConfig.parse(
                                "{\"otherwise\":{\"open\":0.2,\"click\":0.05},\"variants\":[{\"push\":7,\"open\":0.3,\"click\":0.1}]}")
                        .engagement(7, 1, "A", null))
                .isEqualTo(new SimulatorConfig.Engagement(0.3, 0.1));
    }

    @Test
    void without_app_events_the_provider_s_click_counts_are_the_only_signal() throws Exception {
        Queues queues = new Queues("tsim" + System.nanoTime() + ".");
        var config = new SimulatorConfig(11, 100, 50, 50, 0, 0, 0, new SimulatorConfig.Engagement(0.5, 0.3), List.of())
                .withAppEvents(false);
        ConnectionFactory unreachable = new ConnectionFactory();
        unreachable.setPort(1); // no broker is needed when the app reports nothing
        try (ProviderSimulator sim =
                new ProviderSimulator(config, APP, KEY, new InetSocketAddress("127.0.0.1", 0), unreachable, queues)) {
            OneSignalClient client = new OneSignalClient(
                    sim.baseUrl(), APP, KEY, Duration.ofSeconds(5), 3, d -> Thread.sleep(d.toMillis()));
            SendResult a = client.send(push("42-3-A-0", "A", ids("p", 500)));
            var tally = sim.tally(42, "A");
            AtomicLong last = new AtomicLong(-1);
            await().atMost(Duration.ofSeconds(10))
                    .pollDelay(Duration.ofMillis(300))
                    .pollInterval(Duration.ofMillis(300))
                    .untilAsserted(
                            () -> { // the clicks have settled
                                long now = client.status(a.notificationId()).converted();
                                long before = last.getAndSet(now);
                                assertThat(now)
                                        .as("clicks the provider counts, 300 ms after %d", before)
                                        .isPositive()
                                        .isEqualTo(before);
                            });
            NotificationStatus done = client.status(a.notificationId());
            assertThat(done.converted()).isEqualTo(tally.clicked.get()).isBetween(100L, 200L); // 30% of 500
            assertThat(done.received()).isEqualTo(500);
            assertThat(tally.opened.get()).isGreaterThanOrEqualTo(tally.clicked.get());
            assertThat(tally.reported.get()).isZero();
            assertThat(sim.published()).isZero();
            assertThat(sim.ledger()).containsEntry("appEvents", false);
        }
    }

    @Test
    void the_app_keeps_every_event_while_the_broker_is_away_and_reports_it_when_it_is_back() throws Exception {
        var config = new SimulatorConfig(13, 0, 20, 20, 0, 0, 0, new SimulatorConfig.Engagement(1.0, 0.5), List.of());
        List<PushEvent> reported = Collections.synchronizedList(new ArrayList<>());
        var refusals = new AtomicInteger(30); // 1.5 s of ticks with the broker away
        ProviderSimulator.App flaky = batch -> {
            if (refusals.getAndDecrement() > 0) {
                throw new AlreadyClosedException(new ShutdownSignalException(true, false, null, null));
            }
            reported.addAll(batch.events());
        };
        try (ProviderSimulator sim =
                new ProviderSimulator(config, APP, KEY, new InetSocketAddress("127.0.0.1", 0), null, flaky, "test")) {
            OneSignalClient client = new OneSignalClient(
                    sim.baseUrl(), APP, KEY, Duration.ofSeconds(5), 3, d -> Thread.sleep(d.toMillis()));
            client.send(push("42-4-A-0", "A", ids("q", 300)));
            var tally = sim.tally(42, "A");
            await().atMost(Duration.ofSeconds(10))
                    .pollInterval(Duration.ofMillis(50))
                    .untilAsserted(() -> {
                        assertThat(refusals.get()).as("refusals still to come").isNotPositive();
                        assertThat(tally.opened.get()).as("opened").isGreaterThanOrEqualTo(300);
                        assertThat((long) reported.size())
                                .as("events reported")
                                .isGreaterThanOrEqualTo(tally.opened.get() + tally.clicked.get());
                    });
            assertThat(refusals.get()).isNegative(); // it went on trying after the refusals
            assertThat(tally.opened.get()).isEqualTo(300);
            assertThat(reported).hasSize((int) (tally.opened.get() + tally.clicked.get()));
            assertThat(reported.stream().map(PushEvent::eventId).distinct().count())
                    .isEqualTo(reported.size());
            assertThat(tally.reported.get()).isEqualTo(reported.size());
        }
    }

    @Test
    void users_open_the_app_by_themselves_and_more_often_after_a_push() throws Exception {
        var config = new SimulatorConfig(17, 0, 0, 0, 0, 0, 0, new SimulatorConfig.Engagement(0, 0), List.of())
                .withAppOpens(new SimulatorConfig.AppOpens(0.5, 1_000, Map.of("A", 0.4)));
        List<PushEvent> reported = Collections.synchronizedList(new ArrayList<>());
        try (ProviderSimulator sim = new ProviderSimulator(
                config,
                APP,
                KEY,
                new InetSocketAddress("127.0.0.1", 0),
                null,
                batch -> reported.addAll(batch.events()),
                "test")) {
            OneSignalClient client = new OneSignalClient(
                    sim.baseUrl(), APP, KEY, Duration.ofSeconds(5), 3, d -> Thread.sleep(d.toMillis()));
            client.send(push("42-5-A-0", "A", ids("pushed", 500)));
            sim.openAppsByThemselves(ids("held", 500), Duration.ofSeconds(1));
            Thread.sleep(2_000);
            List<PushEvent> opens = List.copyOf(reported);
            assertThat(opens).allSatisfy(e -> assertThat(e.type()).isEqualTo(PushEvent.Type.APP_OPENED));
            // a push of A opens the app with probability 0.4 / (1 - 0.5) beyond the users' own opens; the held out open
            // by themselves only
            long byPush = opens.stream().filter(e -> e.campaignId() == 42).count();
            assertThat(byPush).isEqualTo(sim.tally(42, "A").appOpened.get()).isBetween(340L, 460L);
            long heldOpened = opens.stream()
                    .filter(e -> e.campaignId() == 0)
                    .map(PushEvent::subscriptionId)
                    .distinct()
                    .count();
            assertThat(heldOpened).isBetween(200L, 300L);
        }
    }
}
