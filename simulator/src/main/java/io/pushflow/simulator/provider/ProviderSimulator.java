package io.pushflow.simulator.provider;

import com.fasterxml.jackson.databind.JsonNode;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import io.pushflow.core.Environment;
import io.pushflow.core.campaign.PushEvent;
import io.pushflow.core.campaign.PushEvents;
import io.pushflow.core.json.Json;
import io.pushflow.core.messaging.ChannelDeclarer;
import io.pushflow.core.messaging.Queues;
import io.pushflow.provider.OneSignalFake;
import io.pushflow.provider.OneSignalFake.Created;
import io.pushflow.provider.RuntimeCertificate;
import io.pushflow.provider.apns.ApnsFake;
import io.pushflow.provider.fcm.FcmFake;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * A push provider that behaves like OneSignal and like the app's users: the strict OneSignal fake answers the
 * create- and view-notification calls with the contract's shapes; every delivered push may be opened and
 * clicked with its variant's true probabilities, after realistic delays. A click raises the notification's
 * {@code converted} count at once, as the provider counts it; and unless the config switches the app's events off,
 * the app reports each open and click on {@code push.events} with the campaign and variant from the push's data.
 * A ledger keeps the truth per campaign and variant, so tests, the demo and benchmarks can hold the project's
 * numbers against it.
 */
public final class ProviderSimulator implements AutoCloseable {

    /** The truth for one campaign and variant: what was sent, what its users did, and how much of it the app has reported. */
    public static final class Tally {
        public final AtomicLong notifications = new AtomicLong();
        public final AtomicLong recipients = new AtomicLong();
        public final AtomicLong invalid = new AtomicLong();
        public final AtomicLong opened = new AtomicLong();
        public final AtomicLong clicked = new AtomicLong();
        public final AtomicLong reported = new AtomicLong();
        /** App opens the push caused (beyond the users' own), when the config simulates app opens. */
        public final AtomicLong appOpened = new AtomicLong();

        public volatile double trueOpen;
        public volatile double trueClick;

        Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("notifications", notifications.get());
            m.put("recipients", recipients.get());
            m.put("invalid", invalid.get());
            m.put("opened", opened.get());
            m.put("clicked", clicked.get());
            m.put("reported", reported.get());
            m.put("appOpened", appOpened.get());
            m.put("trueOpen", trueOpen);
            m.put("trueClick", trueClick);
            return m;
        }
    }

    /** The app's event collector: sends one batch of events, or throws when it cannot (the batch is kept and sent again). */
    @FunctionalInterface
    interface App {
        void report(PushEvents batch) throws Exception;
    }

    private final SimulatorConfig config;
    private final OneSignalFake api;
    private final Connection connection;
    private final App app;
    private final String eventsTarget;
    private final ScheduledExecutorService clock;
    private final SplittableRandom random;
    private final AppOpenModel appOpens;
    private final Map<String, Tally> ledger = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> converted = new ConcurrentHashMap<>();
    /** The campaigns that reached each subscription (a handful each), to see one campaign reach it twice. */
    private final Map<String, long[]> campaignsReached = new ConcurrentHashMap<>();

    private final Map<Long, AtomicLong> duplicates = new ConcurrentHashMap<>();
    private final AtomicLong published = new AtomicLong();
    /** The bundle id the simulated iOS app's pushes go under. */
    public static final String DIRECT_TOPIC = "io.pushflow.simulator";

    private ApnsFake apns;
    private FcmFake fcm;
    /** Opens and clicks not yet due, by the tick they are due in. */
    private final ConcurrentSkipListMap<Long, Queue<Engaged>> pending = new ConcurrentSkipListMap<>();
    /** Opens and clicks that happened and that the app has not reported yet (it could not reach the broker). */
    private final List<Engaged> unreported = new ArrayList<>();

    private volatile boolean reportFailing;
    /** While set, every call to the provider is answered with this status (an outage: 429 storms, 5xx). */
    private volatile Integer outageStatus;
    /** When each campaign's clicks happened, kept only when asked for (a benchmark of how fast clicks reach the bandit). */
    private volatile Map<Long, Queue<Long>> clickTimes;

    private static final long TICK_MILLIS = 50;
    private final List<Fault> faults = new CopyOnWriteArrayList<>();
    private static final int EVENTS_PER_MESSAGE = 1_000;

    public ProviderSimulator(
            SimulatorConfig config,
            String appId,
            String restApiKey,
            InetSocketAddress address,
            ConnectionFactory rabbit,
            Queues queues)
            throws Exception {
        this(
                config,
                appId,
                restApiKey,
                address,
                config.appEvents() ? rabbit.newConnection("pushflow-provider-simulator") : null,
                queues);
    }

    private ProviderSimulator(
            SimulatorConfig config,
            String appId,
            String restApiKey,
            InetSocketAddress address,
            Connection connection,
            Queues queues)
            throws Exception {
        this(
                config,
                appId,
                restApiKey,
                address,
                connection,
                connection == null ? null : rabbitApp(connection, queues),
                queues.name(Queues.PUSH_EVENTS));
    }

    ProviderSimulator(
            SimulatorConfig config,
            String appId,
            String restApiKey,
            InetSocketAddress address,
            Connection connection,
            App app,
            String eventsTarget)
            throws Exception {
        this.config = config;
        this.random = new SplittableRandom(config.seed());
        this.appOpens = config.appOpens() == null ? null : new AppOpenModel(config.seed(), config.appOpens());
        this.connection = connection;
        this.app = app;
        this.eventsTarget = eventsTarget;
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "provider-simulator-users");
            t.setDaemon(true);
            return t;
        });
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        this.clock = executor;
        clock.scheduleAtFixedRate(this::tick, TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
        this.api = new OneSignalFake(appId, restApiKey, address);
        api.keepBodies(false);
        api.behaviour(new Behaviour());
    }

    /** The app's reports go to {@code push.events} as persistent messages; the batch id is the correlation id. */
    private static App rabbitApp(Connection connection, Queues queues) throws IOException {
        Channel channel = connection.createChannel();
        queues.declare(Queues.PUSH_EVENTS, new ChannelDeclarer(channel));
        String queue = queues.name(Queues.PUSH_EVENTS);
        return batch -> channel.basicPublish(
                "",
                queue,
                new AMQP.BasicProperties.Builder()
                        .correlationId(batch.batchId())
                        .messageId(batch.batchId())
                        .contentType("application/json")
                        .deliveryMode(2)
                        .type("EVENTS")
                        .build(),
                Json.bytes(batch));
    }

    public URI baseUrl() {
        return api.baseUrl();
    }

    /** The truth so far, per {@code campaign/variant}, and how often a campaign reached a subscription it had reached before. */
    public Map<String, Object> ledger() {
        Map<String, Object> out = new LinkedHashMap<>();
        Map<String, Object> variants = new LinkedHashMap<>();
        ledger.entrySet().stream()
                .sorted(Map.Entry.comparingByKey())
                .forEach(e -> variants.put(e.getKey(), e.getValue().toMap()));
        out.put("variants", variants);
        out.put(
                "duplicates",
                duplicates.values().stream().mapToLong(AtomicLong::get).sum());
        out.put("appEvents", config.appEvents());
        out.put("events", published.get());
        return out;
    }

    public Tally tally(long campaignId, String variant) {
        return ledger.get(campaignId + "/" + variant);
    }

    /** How many times campaign {@code campaignId} reached a subscription it had reached before (a push sent twice). */
    public long duplicates(long campaignId) {
        AtomicLong n = duplicates.get(campaignId);
        return n == null ? 0 : n.get();
    }

    /** From now on, keep the moment of every click (see {@link #clickTimes}). */
    public void recordClickTimes() {
        clickTimes = new ConcurrentHashMap<>();
    }

    /** The moments (epoch milliseconds) the campaign's users clicked, since {@link #recordClickTimes}. */
    public List<Long> clickTimes(long campaignId) {
        Map<Long, Queue<Long>> times = clickTimes;
        Queue<Long> mine = times == null ? null : times.get(campaignId);
        return mine == null ? List.of() : mine.stream().sorted().toList();
    }

    /**
     * The app opens {@code subscriptionIds} make by themselves over the next {@code span} (with or without a push: a
     * holdout's members too), reported as {@code APP_OPENED} events as they happen. Needs {@code appOpens} in the config.
     */
    public void openAppsByThemselves(Collection<String> subscriptionIds, Duration span) {
        if (appOpens == null) {
            throw new IllegalStateException("the config simulates no app opens (appOpens)");
        }
        Instant now = Instant.now();
        for (String id : subscriptionIds) {
            for (Instant at : appOpens.organic(id, now, now.plus(span))) {
                due(at.toEpochMilli(), new Engaged(0, null, id, PushEvent.Type.APP_OPENED, null, null));
            }
        }
    }

    /**
     * A fault the simulator plays from now until {@link #clearFaults()}, for the pushes of {@code campaign} (null: every
     * campaign) and {@code variant} (null: every variant): a {@code serverErrorShare} of their create-notification
     * calls answered 503, and a further {@code invalidShare} of their ids answered as not subscribed.
     */
    public record Fault(Long campaign, String variant, double serverErrorShare, double invalidShare) {
        public Fault {
            if (serverErrorShare < 0 || serverErrorShare > 1 || invalidShare < 0 || invalidShare > 1) {
                throw new IllegalArgumentException("serverErrorShare and invalidShare are shares between 0 and 1");
            }
        }

        boolean aims(JsonNode body) {
            JsonNode data = body.path("data");
            return (campaign == null
                            || campaign == data.path("pushflow_campaign").asLong())
                    && (variant == null
                            || variant.equals(data.path("pushflow_variant").asText()));
        }
    }

    public void fault(Fault fault) {
        faults.add(fault);
    }

    public void clearFaults() {
        faults.clear();
    }

    /**
     * An outage of the provider until {@link #endOutage}: every call answered with {@code status} when not null (429
     * with {@code Retry-After}, or a 5xx), and every call answered {@code latency} late.
     */
    public void outage(Integer status, Duration latency) {
        outageStatus = status;
        api.delay(latency);
        synchronized (this) {
            if (apns != null) { // APNs and FCM go through the same outage, each in its own words
                apns.outage(
                        status == null
                                ? null
                                : status == 429
                                        ? ApnsFake.Failure.TOO_MANY_REQUESTS
                                        : ApnsFake.Failure.SERVICE_UNAVAILABLE);
                fcm.outage(
                        status == null
                                ? null
                                : status == 429 ? FcmFake.Failure.QUOTA_EXCEEDED : FcmFake.Failure.UNAVAILABLE);
                apns.stall(latency);
                fcm.stall(latency);
            }
        }
    }

    public void endOutage() {
        outage(null, Duration.ZERO);
    }

    /** Events the app has put on {@code push.events} so far. */
    public long published() {
        return published.get();
    }

    private final class Behaviour implements OneSignalFake.Behaviour {

        @Override
        public Integer failure() {
            Integer outage = outageStatus;
            if (outage != null) {
                return outage;
            }
            double r;
            synchronized (random) {
                r = random.nextDouble();
            }
            return r < config.rateLimitShare()
                    ? Integer.valueOf(429)
                    : r < config.rateLimitShare() + config.serverErrorShare() ? 503 : null;
        }

        /** A fixed share of ids, chosen by their hash, is not subscribed (the same ids on every call). */
        @Override
        public boolean unsubscribed(String id) {
            return config.invalidShare() > 0 && hash(id) < config.invalidShare() * 0x10000;
        }

        /** Beside the fixed share, a fault's share of its pushes' ids (by the ids' hash, so more of them than before). */
        @Override
        public boolean unsubscribed(String id, JsonNode body) {
            if (unsubscribed(id)) {
                return true;
            }
            for (Fault f : faults) {
                if (f.invalidShare() > 0
                        && f.aims(body)
                        && hash(id) < (config.invalidShare() + f.invalidShare()) * 0x10000) {
                    return true;
                }
            }
            return false;
        }

        @Override
        public Integer refusal(JsonNode body) {
            for (Fault f : faults) {
                if (f.serverErrorShare() > 0 && f.aims(body)) {
                    double r;
                    synchronized (random) {
                        r = random.nextDouble();
                    }
                    if (r < f.serverErrorShare()) {
                        return 503;
                    }
                }
            }
            return null;
        }

        private static long hash(String id) {
            long h = id.hashCode() * 0x9E3779B97F4A7C15L; // SplitMix64's finalizer spreads similar ids over the range
            h = (h ^ (h >>> 30)) * 0xBF58476D1CE4E5B9L;
            h = (h ^ (h >>> 27)) * 0x94D049BB133111EBL;
            return (h ^ (h >>> 31)) >>> 48;
        }

        @Override
        public void created(Created n) {
            JsonNode data = n.data();
            AtomicLong clicks = new AtomicLong();
            converted.put(n.id(), clicks);
            Tally tally = reached(data, text(n), n.subscriptionIds(), clicks);
            tally.notifications.incrementAndGet();
            tally.invalid.addAndGet(n.invalidIds().size());
        }

        /** Delivered (and received) everything after the latency; converted = the clicks so far. */
        @Override
        public Map<String, Long> counts(Created n, long ignored) {
            boolean delivered = System.currentTimeMillis() >= n.createdAtMillis() + config.deliveryLatencyMillis();
            long reached = n.subscriptionIds().size();
            AtomicLong clicks = converted.get(n.id());
            return Map.of(
                    "successful",
                    delivered ? reached : 0L,
                    "failed",
                    (long) n.invalidIds().size(),
                    "errored",
                    0L,
                    "converted",
                    clicks == null ? 0L : clicks.get(),
                    "remaining",
                    delivered ? 0L : reached,
                    "received",
                    delivered ? reached : 0L);
        }

        private String text(Created n) {
            return n.body() == null
                    ? null
                    : n.body().path("contents").path("en").asText(null);
        }
    }

    /**
     * A push of the campaign and variant {@code data} names reached the devices {@code ids} (subscription ids, or device
     * tokens of a direct send): the ledger counts them, a device reached twice by one campaign counts as a duplicate, and
     * the users open and click with their variant's true rates after the delays; {@code clicks}, when not null, counts
     * the clicks as the provider would ({@code converted}).
     */
    private Tally reached(JsonNode data, String text, List<String> ids, AtomicLong clicks) {
        long campaign = data.path("pushflow_campaign").asLong();
        String variant = data.path("pushflow_variant").asText("");
        SimulatorConfig.Engagement e =
                config.engagement(data.path("pushflow_push").asLong(), campaign, variant, text);
        Tally tally = ledger.computeIfAbsent(campaign + "/" + variant, k -> new Tally());
        tally.trueOpen = e.open();
        tally.trueClick = e.click();
        tally.recipients.addAndGet(ids.size());
        for (String id : ids) {
            campaignsReached.compute(id, (k, seen) -> {
                if (seen != null && Arrays.stream(seen).anyMatch(c -> c == campaign)) {
                    duplicates.computeIfAbsent(campaign, c -> new AtomicLong()).incrementAndGet();
                    return seen;
                }
                long[] next = seen == null ? new long[1] : Arrays.copyOf(seen, seen.length + 1);
                next[next.length - 1] = campaign;
                return next;
            });
        }
        long now = System.currentTimeMillis();
        if (appOpens != null) {
            Instant arrived = Instant.ofEpochMilli(now + config.deliveryLatencyMillis());
            for (String id : ids) {
                appOpens.pushed(campaign, variant, id, arrived)
                        .ifPresent(at -> due(
                                at.toEpochMilli(),
                                new Engaged(campaign, variant, id, PushEvent.Type.APP_OPENED, tally, null)));
            }
        }
        synchronized (random) {
            for (String id : ids) {
                double u = random.nextDouble();
                if (u < Math.max(e.open(), e.click())) {
                    long openAt = now + config.deliveryLatencyMillis() + delay(config.openDelayMillis());
                    due(openAt, new Engaged(campaign, variant, id, PushEvent.Type.OPENED, tally, null));
                    if (u < e.click()) {
                        due(
                                openAt + delay(config.clickDelayMillis()),
                                new Engaged(campaign, variant, id, PushEvent.Type.CLICKED, tally, clicks));
                    }
                }
            }
        }
        return tally;
    }

    private long delay(long mean) {
        return mean == 0 ? 0 : (long) (-mean * Math.log(1 - random.nextDouble()));
    }

    /**
     * APNs and FCM beside the OneSignal API, for DIRECT campaigns: pushy's mock APNs server and the FCM fake, both over
     * TLS with a certificate made at start, accepting every well-formed token (a share of them, by the token's hash as
     * for OneSignal's ids, answered as uninstalled), each accepted push reaching the simulated users like a OneSignal
     * notification. Writes what a delivery job needs to reach them into {@code dir} and returns it as the jobs'
     * settings (APNS_*, FCM_*: the signing key, the service account, the certificates to trust), also as {@code DIR/direct.env}
     * (the jobs' DIRECT_SETTINGS_FILE).
     */
    public synchronized Map<String, String> startDirect(Path dir) throws Exception {
        if (apns != null) {
            throw new IllegalStateException("APNs and FCM run already");
        }
        Files.createDirectories(dir);
        apns = new ApnsFake(DIRECT_TOPIC, "PFSIMTEAM1");
        fcm = new FcmFake("pushflow-simulator");
        Behaviour rules = new Behaviour();
        for (var fake : List.<Consumer<Predicate<String>>>of(apns::unregisterWhere, fcm::unregisterWhere)) {
            fake.accept(rules::unsubscribed);
        }
        apns.acceptAnyWellFormedToken(true);
        fcm.acceptAnyWellFormedToken(true);
        apns.keepBodies(false);
        fcm.keepBodies(false);
        apns.onAccepted(push -> {
            JsonNode payload = push.payload();
            reached(payload, payload.path("aps").path("alert").path("body").asText(null), List.of(push.token()), null);
        });
        fcm.onAccepted(push -> {
            JsonNode message = push.message();
            reached(
                    message.path("data"),
                    message.path("notification").path("body").asText(null),
                    List.of(push.token()),
                    null);
        });
        Map<String, String> env = settingsFor(apns, fcm, dir);
        StringBuilder lines = new StringBuilder();
        env.forEach((k, v) ->
                lines.append("export ").append(k).append('=').append(v).append('\n'));
        Files.writeString(dir.resolve("direct.env"), lines);
        return env;
    }

    /**
     * Writes what a delivery job needs to reach {@code apns} and {@code fcm} into {@code dir} (the signing key, the
     * service account, each server's certificate) and returns the jobs' settings for them (APNS_*, FCM_*).
     */
    public static Map<String, String> settingsFor(ApnsFake apns, FcmFake fcm, Path dir) throws IOException {
        Files.createDirectories(dir);
        Path key = Files.writeString(dir.resolve("apns-signing-key.p8"), apns.signingKeyPem());
        Path apnsCert = Files.writeString(
                dir.resolve("apns-server.pem"),
                RuntimeCertificate.pem(
                        apns.settings().trustedServerCertificates().get(0)));
        Path account = Files.writeString(dir.resolve("fcm-service-account.json"), fcm.serviceAccountJson());
        Path fcmCert = Files.writeString(
                dir.resolve("fcm-server.pem"),
                RuntimeCertificate.pem(
                        fcm.settings().trustedServerCertificates().get(0)));
        Map<String, String> env = new LinkedHashMap<>();
        env.put("APNS_HOST", "127.0.0.1");
        env.put("APNS_PORT", Integer.toString(apns.port()));
        env.put("APNS_TOPIC", apns.settings().topic());
        env.put("APNS_TEAM_ID", apns.settings().teamId());
        env.put("APNS_KEY_ID", apns.keyId());
        env.put("APNS_SIGNING_KEY_FILE", key.toString());
        env.put("APNS_TRUST_CERT_FILE", apnsCert.toString());
        env.put("FCM_ENDPOINT", fcm.endpoint().toString());
        env.put("FCM_PROJECT_ID", fcm.settings().projectId());
        env.put("FCM_SERVICE_ACCOUNT_FILE", account.toString());
        env.put("FCM_TRUST_CERT_FILE", fcmCert.toString());
        return env;
    }

    /** The pushes APNs accepted per device token (from {@link #startDirect}); a value above 1 is a device reached twice. */
    public Map<String, Integer> apnsReceived() {
        return apns == null ? Map.of() : apns.received();
    }

    /** The pushes FCM accepted per registration token (from {@link #startDirect}). */
    public Map<String, Integer> fcmReceived() {
        return fcm == null ? Map.of() : fcm.received();
    }

    /** One user's open or click, waiting for its moment; {@code converted} counts the notification's clicks. */
    private record Engaged(
            long campaign,
            String variant,
            String subscriptionId,
            PushEvent.Type type,
            Tally tally,
            AtomicLong converted) {}

    private void due(long atMillis, Engaged event) {
        pending.computeIfAbsent((atMillis + TICK_MILLIS - 1) / TICK_MILLIS, t -> new ConcurrentLinkedQueue<>())
                .add(event);
    }

    /**
     * Every tick the users act: the opens and clicks that are due happen (a click raises its notification's
     * {@code converted} at once), and the app reports them on {@code push.events}, at most {@value #EVENTS_PER_MESSAGE}
     * to a message, as an app's event collector forwards them. What the app cannot send now (the broker is away) it
     * keeps and sends on a later tick; nothing that happens here may end the ticks.
     */
    private void tick() {
        try {
            long tick = System.currentTimeMillis() / TICK_MILLIS;
            for (var bucket = pending.firstEntry();
                    bucket != null && bucket.getKey() <= tick;
                    bucket = pending.firstEntry()) {
                pending.remove(bucket.getKey());
                for (Engaged e : bucket.getValue()) {
                    if (e.tally() != null) {
                        (switch (e.type()) {
                                    case CLICKED -> e.tally().clicked;
                                    case OPENED -> e.tally().opened;
                                    case APP_OPENED -> e.tally().appOpened;
                                })
                                .incrementAndGet();
                    }
                    if (e.converted() != null) {
                        e.converted().incrementAndGet();
                        Map<Long, Queue<Long>> times = clickTimes;
                        if (times != null) {
                            times.computeIfAbsent(e.campaign(), c -> new ConcurrentLinkedQueue<>())
                                    .add(System.currentTimeMillis());
                        }
                    }
                    if (app != null) {
                        unreported.add(e);
                    }
                }
            }
            report();
        } catch (RuntimeException | Error e) {
            System.err.println("provider simulator: a tick failed, the next one goes on: " + e);
        }
    }

    private void report() {
        Instant at = Instant.now();
        while (!unreported.isEmpty()) {
            List<Engaged> part = unreported.subList(0, Math.min(unreported.size(), EVENTS_PER_MESSAGE));
            List<PushEvent> events = new ArrayList<>(part.size());
            for (Engaged e : part) {
                events.add(new PushEvent(
                        PushEvent.VERSION,
                        UUID.randomUUID().toString(),
                        e.campaign(),
                        e.variant(),
                        e.subscriptionId(),
                        e.type(),
                        at));
            }
            PushEvents batch =
                    new PushEvents(PushEvents.VERSION, UUID.randomUUID().toString(), events);
            try {
                app.report(batch);
            } catch (Exception e) { // AlreadyClosedException while the broker is away is a RuntimeException
                if (!reportFailing) {
                    System.err.println("provider simulator: the app cannot report " + unreported.size() + " events to "
                            + eventsTarget + " (" + e + "); it keeps them and tries again every " + TICK_MILLIS
                            + " ms");
                    reportFailing = true;
                }
                return;
            }
            if (reportFailing) {
                System.err.println("provider simulator: the app reports events again");
                reportFailing = false;
            }
            for (Engaged e : part) {
                if (e.tally() != null) {
                    e.tally().reported.incrementAndGet();
                }
            }
            published.addAndGet(part.size());
            part.clear();
        }
    }

    @Override
    public void close() throws Exception {
        clock.shutdownNow();
        api.close();
        synchronized (this) {
            if (apns != null) {
                apns.close();
                fcm.close();
            }
        }
        if (connection != null) {
            connection.close();
        }
    }

    /** {@code bin/pushflow simulator}: the simulator as a server, until interrupted. */
    public static void main(String[] args) throws Exception {
        int port = 4010;
        SimulatorConfig config = SimulatorConfig.defaults();
        boolean appEvents = true;
        Path direct = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--port" -> port = Integer.parseInt(args[++i]);
                case "--config" -> config = SimulatorConfig.parse(Files.readString(Path.of(args[++i])));
                case "--no-app-events" -> appEvents = false;
                case "--direct" -> direct = Path.of(args[++i]);
                default -> {
                    System.err.println(
                            "usage: simulator [--port 4010] [--config FILE.json] [--no-app-events] [--direct DIR]");
                    System.exit(2);
                }
            }
        }
        config = appEvents ? config : config.withAppEvents(false);
        ConnectionFactory rabbit = new ConnectionFactory();
        rabbit.setHost(Environment.value("RABBITMQ_HOST", "127.0.0.1"));
        rabbit.setPort(Integer.parseInt(Environment.value("RABBITMQ_PORT", "5672")));
        rabbit.setUsername(Environment.value("RABBITMQ_USER", "guest"));
        rabbit.setPassword(Environment.value("RABBITMQ_PASSWORD", "guest"));
        rabbit.setVirtualHost(Environment.value("RABBITMQ_VHOST", "/"));
        ProviderSimulator sim = new ProviderSimulator(
                config,
                Environment.value("ONESIGNAL_APP_ID", "pushflow-simulator"),
                Environment.value("ONESIGNAL_REST_API_KEY", "simulator"),
                new InetSocketAddress("127.0.0.1", port),
                rabbit,
                new Queues(Environment.value("PUSHFLOW_QUEUE_PREFIX", "")));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println(Json.write(sim.ledger()));
        }));
        System.out.println("provider simulator: OneSignal API at " + sim.baseUrl() + ", "
                + (config.appEvents()
                        ? "the app's events on " + sim.eventsTarget
                        : "no app events (the provider's click counts only)"));
        if (direct != null) {
            Map<String, String> env = sim.startDirect(direct);
            System.out.println("provider simulator: APNs at 127.0.0.1:" + env.get("APNS_PORT") + " and FCM at "
                    + env.get("FCM_ENDPOINT") + "; the delivery job reaches them with these settings (also in "
                    + direct.resolve("direct.env") + "):");
            System.out.print(Files.readString(direct.resolve("direct.env")));
        }
        Thread.currentThread().join();
    }
}
