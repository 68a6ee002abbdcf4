package io.pushflow.flink.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pushflow.core.user.DeviceTokenKind;
import io.pushflow.flink.JobEnvironment;
import io.pushflow.flink.provider.ProviderFactory;
import io.pushflow.provider.apns.ApnsFake;
import io.pushflow.provider.device.Device;
import io.pushflow.provider.device.DeviceOutcome;
import io.pushflow.provider.device.DevicePush;
import io.pushflow.provider.device.DeviceReport;
import io.pushflow.provider.device.DeviceSender;
import io.pushflow.provider.fcm.FcmFake;
import io.pushflow.simulator.provider.ProviderSimulator;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.functions.async.ResultFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Direct sends through the provider sender against pushy's mock APNs server, the FCM fake and the real ClickHouse
 * ledger: a request sent again (as after a restart) reaches no device a second time and reports the first answers;
 * one whose answer was lost is never sent again; dead tokens and a service left unconfigured report as such.
 */
class ProviderSenderTest {

    static final String APNS_1 = "a1".repeat(32);
    static final String APNS_DEAD = "de".repeat(32);
    static final String FCM_1 = "fcm-1:" + "q".repeat(40);
    static final String FCM_DEAD = "fcm-dead:" + "r".repeat(40);

    @Test
    void a_direct_request_reaches_each_device_once_even_when_it_comes_again(@TempDir Path dir) throws Exception {
        try (JobEnvironment je = new JobEnvironment();
                ApnsFake apns = new ApnsFake("io.pushflow.test", "TEAM123456");
                FcmFake fcm = new FcmFake("pushflow-test")) {
            apns.acceptAnyWellFormedToken(true);
            fcm.acceptAnyWellFormedToken(true);
            apns.unregister(Instant.parse("2026-11-01T00:00:00Z"), APNS_DEAD);
            fcm.unregister(FCM_DEAD);
            fcm.failNext(2, FcmFake.Failure.UNAVAILABLE); // retried within the call, never a device twice
            DirectServices services = DirectServices.from(ProviderSimulator.settingsFor(apns, fcm, dir));
            ProviderSender sender = open(services, je);
            try {
                SendRequest toApple = request("7-1-A-0:A:en:apns", "apns", new long[] {1, 2}, APNS_1, APNS_DEAD);
                SendRequest toGoogle = request("7-1-A-0:A:en:fcm", "fcm", new long[] {3, 4}, FCM_1, FCM_DEAD);
                SendReport first = send(sender, toApple);
                SendReport second = send(sender, toGoogle);
                assertThat(statuses(first))
                        .containsExactly(DeviceOutcome.Status.SENT, DeviceOutcome.Status.TOKEN_INVALID);
                assertThat(first.deviceReasons[1]).isEqualTo("Unregistered");
                assertThat(statuses(second))
                        .containsExactly(DeviceOutcome.Status.SENT, DeviceOutcome.Status.TOKEN_INVALID);
                assertThat(first.replayed || second.replayed).isFalse();

                // the same requests again, as after a restore from a checkpoint taken before they went out
                SendReport again = send(sender, toApple);
                SendReport againGoogle = send(sender, toGoogle);
                assertThat(again.replayed).isTrue();
                assertThat(statuses(again)).isEqualTo(statuses(first));
                assertThat(again.deviceReasons).containsExactly(first.deviceReasons);
                assertThat(statuses(againGoogle)).isEqualTo(statuses(second));
                assertThat(apns.received()).containsExactly(Map.entry(APNS_1, 1));
                assertThat(fcm.received()).containsExactly(Map.entry(FCM_1, 1));

                // a request handed to APNs whose answer was lost (the job died while it was out): never sent again
                SendRequest lost = request("7-2-A-0:A:en:apns", "apns", new long[] {5}, "b5".repeat(32));
                try (DirectLedger ledger = new DirectLedger(je.chConfig)) {
                    ledger.handed(lost, Instant.now());
                }
                SendReport unconfirmed = send(sender, lost);
                assertThat(statuses(unconfirmed)).containsExactly(DeviceOutcome.Status.UNCONFIRMED);
                assertThat(unconfirmed.deviceReasons[0]).contains("answer was lost");
                assertThat(apns.received()).doesNotContainKey("b5".repeat(32));
                assertThat(je.clickHouse.selectLong("SELECT count() AS n FROM " + je.clickHouse.table("direct_requests")
                                + " FINAL WHERE phase = 2"))
                        .as("answered requests in the ledger")
                        .isEqualTo(2);
            } finally {
                sender.close();
            }
        }
    }

    @Test
    void the_services_may_come_from_a_settings_file_read_when_the_first_push_goes_out(@TempDir Path dir)
            throws Exception {
        try (JobEnvironment je = new JobEnvironment();
                ApnsFake apns = new ApnsFake("io.pushflow.test", "TEAM123456");
                FcmFake fcm = new FcmFake("pushflow-test")) {
            apns.acceptAnyWellFormedToken(true);
            Path file = dir.resolve("direct.env");
            ProviderSender sender = open(new DirectServices(null, null, file.toString()), je);
            try {
                StringBuilder lines =
                        new StringBuilder("# written after the job started, as the provider simulator does\n");
                ProviderSimulator.settingsFor(apns, fcm, dir)
                        .forEach((k, v) -> lines.append("export ")
                                .append(k)
                                .append('=')
                                .append(v)
                                .append('\n'));
                Files.writeString(file, lines);
                SendReport report = send(sender, request("7-1-A-0:A:en:apns", "apns", new long[] {1}, APNS_1));
                assertThat(statuses(report)).containsExactly(DeviceOutcome.Status.SENT);
                assertThat(apns.received()).containsOnlyKeys(APNS_1);
            } finally {
                sender.close();
            }
        }
    }

    @Test
    void a_service_left_unconfigured_fails_its_pushes_with_what_to_set() throws Exception {
        try (JobEnvironment je = new JobEnvironment()) {
            ProviderSender sender = open(DirectServices.NONE, je);
            try {
                SendReport report = send(sender, request("7-1-A-0:A:en:fcm", "fcm", new long[] {1}, FCM_1));
                assertThat(report.error)
                        .startsWith("FCM: direct sending to FCM is not configured")
                        .contains("FCM_SERVICE_ACCOUNT_FILE");
                assertThat(je.clickHouse.selectLong(
                                "SELECT count() AS n FROM " + je.clickHouse.table("direct_requests")))
                        .as("nothing handed out")
                        .isZero();
            } finally {
                sender.close();
            }
        }
    }

    @Test
    void a_request_that_cannot_be_sent_or_a_client_that_breaks_off_fails_its_users_not_the_job() throws Exception {
        try (JobEnvironment je = new JobEnvironment()) {
            ProviderSender sender =
                    new ProviderSender(
                            new ProviderFactory.OneSignal("http://127.0.0.1:1", "app", "key", Duration.ofSeconds(1), 1),
                            DirectServices.NONE,
                            je.chConfig,
                            2) {
                        @Override
                        DeviceSender openSender(DeviceTokenKind service) {
                            return new DeviceSender() {
                                @Override
                                public DeviceReport send(DevicePush push, List<Device> devices) {
                                    throw new IllegalStateException("the connection pool is closed");
                                }

                                @Override
                                public void close() {}
                            };
                        }
                    };
            sender.open((OpenContext) null);
            try {
                SendReport unbuildable = send(sender, request("7-1-A-0:A:en:pigeon", "pigeon", new long[] {1}, APNS_1));
                assertThat(unbuildable.error).startsWith("could not send").contains("names no service: pigeon");

                SendRequest toApple = request("7-1-A-0:A:en:apns", "apns", new long[] {1, 2}, APNS_1, APNS_DEAD);
                SendReport broken = send(sender, toApple);
                assertThat(statuses(broken)).containsOnly(DeviceOutcome.Status.UNCONFIRMED);
                assertThat(broken.deviceReasons[0])
                        .contains("broke off while sending")
                        .contains("the connection pool is closed");
                SendReport again = send(sender, toApple);
                assertThat(again.replayed)
                        .as("recorded as answered: never sent again")
                        .isTrue();
                assertThat(statuses(again)).containsOnly(DeviceOutcome.Status.UNCONFIRMED);
                assertThat(je.clickHouse.selectLong("SELECT count() AS n FROM " + je.clickHouse.table("direct_requests")
                                + " FINAL WHERE phase = 2"))
                        .as("the broken request answered in the ledger, the unbuildable one never handed")
                        .isEqualTo(1);

                // the same request id with other devices than the ledger answered for (a replay whose gate decided
                // otherwise)
                SendReport other = send(sender, request("7-1-A-0:A:en:apns", "apns", new long[] {1}, APNS_1));
                assertThat(statuses(other)).containsOnly(DeviceOutcome.Status.UNCONFIRMED);
                assertThat(other.deviceReasons[0]).contains("for 2 devices before a restart, replayed with 1");
            } finally {
                sender.close();
            }
        }
    }

    @Test
    void closing_cuts_a_onesignal_send_at_once_it_is_sent_again_under_its_key_after_the_restore() throws Exception {
        try (JobEnvironment je = new JobEnvironment();
                ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread accepting = new Thread(() -> {
                List<Socket> held = new ArrayList<>();
                try {
                    while (true) {
                        held.add(silent.accept()); // taken and never answered
                    }
                } catch (IOException closed) {
                    // the test is over
                }
            });
            accepting.setDaemon(true);
            accepting.start();
            ProviderSender sender = new ProviderSender(
                    new ProviderFactory.OneSignal(
                            "http://127.0.0.1:" + silent.getLocalPort(), "app", "key", Duration.ofSeconds(30), 1),
                    DirectServices.NONE,
                    je.chConfig,
                    2);
            sender.open((OpenContext) null);
            SendRequest r = request("7-1-A-0:A:en", null, new long[] {1}, "0b0e3c4e-5a6b-4c8d-9e0f-1a2b3c4d5e6f");
            CompletableFuture<SendReport> answer = invoke(sender, r);
            Thread.sleep(500);
            assertThat(answer).as("the send waits on the silent provider").isNotDone();
            long start = System.nanoTime();
            sender.close();
            assertThat(Duration.ofNanos(System.nanoTime() - start))
                    .as("close with only a OneSignal send in flight")
                    .isLessThan(Duration.ofSeconds(5));
        }
    }

    @Test
    void closing_waits_for_a_direct_request_that_has_begun_and_starts_none_after() throws Exception {
        try (JobEnvironment je = new JobEnvironment()) {
            CountDownLatch opening = new CountDownLatch(1);
            CountDownLatch open = new CountDownLatch(1);
            List<String> reached = new CopyOnWriteArrayList<>();
            ProviderSender sender =
                    new ProviderSender(
                            new ProviderFactory.OneSignal("http://127.0.0.1:1", "app", "key", Duration.ofSeconds(1), 1),
                            DirectServices.NONE,
                            je.chConfig,
                            2) {
                        @Override
                        DeviceSender openSender(DeviceTokenKind service) throws InterruptedException {
                            opening.countDown();
                            open.await(); // a slow handshake: the request has begun, nothing is handed out yet
                            return new DeviceSender() {
                                @Override
                                public DeviceReport send(DevicePush push, List<Device> devices) {
                                    devices.forEach(d -> reached.add(d.token()));
                                    return new DeviceReport(devices.stream()
                                            .map(d -> new DeviceOutcome(
                                                    d.token(), DeviceOutcome.Status.SENT, null, 1, null))
                                            .toList());
                                }

                                @Override
                                public void close() {}
                            };
                        }
                    };
            sender.open((OpenContext) null);
            CompletableFuture<SendReport> begun =
                    invoke(sender, request("7-1-A-0:A:en:apns", "apns", new long[] {1}, APNS_1));
            assertThat(opening.await(10, TimeUnit.SECONDS)).isTrue();
            Thread closing = new Thread(sender::close, "closing");
            closing.start();
            while (closing.getState() != Thread.State.TIMED_WAITING && closing.isAlive()) {
                Thread.onSpinWait(); // until close waits for the request in flight
            }
            CompletableFuture<SendReport> late =
                    invoke(sender, request("7-1-A-1:A:en:apns", "apns", new long[] {2}, APNS_DEAD));
            assertThat(closing.isAlive())
                    .as("close waits for the request that has begun")
                    .isTrue();
            open.countDown();
            closing.join(10_000);
            assertThat(closing.isAlive()).isFalse();
            assertThat(late)
                    .as(
                            "a direct request after closing began gets no result (Flink takes none then): the restore sends it")
                    .isNotDone();
            assertThat(statuses(begun.get(10, TimeUnit.SECONDS))).containsExactly(DeviceOutcome.Status.SENT);
            assertThat(reached).containsExactly(APNS_1);
            assertThat(je.clickHouse.select("SELECT request_id, phase FROM " + je.clickHouse.table("direct_requests")
                            + " ORDER BY phase"))
                    .as("the begun request handed and answered, the late one never handed")
                    .extracting(row -> row.get("request_id") + ":" + row.get("phase"))
                    .containsExactly("7-1-A-0:A:en:apns:1", "7-1-A-0:A:en:apns:2");
        }
    }

    @Test
    void a_send_that_ends_after_its_task_closed_leaves_the_result_and_throws_nothing() throws Exception {
        List<Throwable> uncaught = new CopyOnWriteArrayList<>();
        Thread.UncaughtExceptionHandler before = Thread.getDefaultUncaughtExceptionHandler();
        Thread.setDefaultUncaughtExceptionHandler((t, e) -> uncaught.add(e));
        try (JobEnvironment je = new JobEnvironment()) {
            ProviderSender sender = open(DirectServices.NONE, je);
            CountDownLatch offered = new CountDownLatch(1);
            sender.asyncInvoke(request("7-1-A-0:A:en", null, new long[] {1}, APNS_1), new ResultFuture<>() {
                @Override
                public void complete(Collection<SendReport> result) {
                    offered.countDown();
                    // what Flink's mailbox does once the task has closed
                    throw new RejectedExecutionException("Mailbox is in state CLOSED");
                }

                @Override
                public void completeExceptionally(Throwable error) {
                    offered.countDown();
                    throw new RejectedExecutionException("Mailbox is in state CLOSED");
                }
            });
            assertThat(offered.await(30, TimeUnit.SECONDS)).isTrue();
            await().during(Duration.ofMillis(500))
                    .atMost(Duration.ofSeconds(2))
                    .untilAsserted(() -> assertThat(uncaught)
                            .as("uncaught on the send's thread")
                            .isEmpty());
            sender.close();
        } finally {
            Thread.setDefaultUncaughtExceptionHandler(before);
        }
    }

    private static ProviderSender open(DirectServices services, JobEnvironment je) {
        ProviderSender sender = new ProviderSender(
                new ProviderFactory.OneSignal("http://127.0.0.1:1", "app", "key", Duration.ofSeconds(1), 1),
                services,
                je.chConfig,
                2);
        sender.open((OpenContext) null);
        return sender;
    }

    static SendRequest request(String id, String service, long[] users, String... tokens) {
        SendRequest r = new SendRequest();
        r.requestId = id;
        r.campaignId = 7;
        r.variant = "A";
        r.pushId = 11;
        r.wave = 1;
        r.batchId = "7-1-A-0";
        r.language = "en";
        r.title = "Wind";
        r.body = "25 knots at the beach";
        r.userIds = users;
        r.pushTokens = tokens;
        r.channel = service;
        r.windowEndMillis = System.currentTimeMillis() + 3_600_000;
        return r;
    }

    static SendReport send(ProviderSender sender, SendRequest request) throws Exception {
        return invoke(sender, request).get(60, TimeUnit.SECONDS);
    }

    static CompletableFuture<SendReport> invoke(ProviderSender sender, SendRequest request) {
        CompletableFuture<SendReport> answer = new CompletableFuture<>();
        sender.asyncInvoke(request, new ResultFuture<>() {
            @Override
            public void complete(Collection<SendReport> result) {
                answer.complete(result.iterator().next());
            }

            @Override
            public void completeExceptionally(Throwable error) {
                answer.completeExceptionally(error);
            }
        });
        return answer;
    }

    static List<DeviceOutcome.Status> statuses(SendReport report) {
        assertThat(report.error).isNull();
        byte[] codes = report.deviceStatuses;
        return IntStream.range(0, codes.length)
                .mapToObj(i -> DeviceOutcome.Status.values()[codes[i]])
                .toList();
    }
}
