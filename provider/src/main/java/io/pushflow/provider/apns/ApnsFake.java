package io.pushflow.provider.apns;

import com.eatthepath.pushy.apns.auth.ApnsVerificationKey;
import com.eatthepath.pushy.apns.auth.AuthenticationToken;
import com.eatthepath.pushy.apns.server.MockApnsServer;
import com.eatthepath.pushy.apns.server.MockApnsServerBuilder;
import com.eatthepath.pushy.apns.server.PushNotificationHandler;
import com.eatthepath.pushy.apns.server.RejectedNotificationException;
import com.eatthepath.pushy.apns.server.RejectionReason;
import com.eatthepath.pushy.apns.server.UnregisteredDeviceTokenException;
import com.fasterxml.jackson.databind.JsonNode;
import io.netty.buffer.ByteBuf;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.handler.codec.http2.Http2Headers;
import io.pushflow.core.json.Json;
import io.pushflow.provider.RuntimeCertificate;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * A strict stand-in for APNs: pushy's {@link MockApnsServer} (real HTTP/2 over TLS, with a certificate made at
 * start) with a handler written from Apple's documented request rules and answers. It checks, in Apple's order, the
 * provider token (ES256 JWT signed with the team's key, checked with the key's public half: missing → 403
 * MissingProviderToken, bad signature, unknown key or another team → 403 InvalidProviderToken, older than an hour →
 * 403 ExpiredProviderToken, changed on a connection sooner than 20 minutes after the last → 429
 * TooManyProviderTokenUpdates), the headers (topic of the app or 400 TopicDisallowed, apns-id, push type, priority,
 * expiration, collapse id of at most 64 bytes), the device token (malformed or unknown → 400 BadDeviceToken, another
 * app's → 400 DeviceTokenNotForTopic, unregistered → 410 Unregistered with its timestamp) and the payload (empty →
 * PayloadEmpty, over 4 KB → 413 PayloadTooLarge). It counts per device token the pushes it accepted (above 1 is a
 * push sent twice), keeps what it accepted, and can be told to answer 429/5xx for the next pushes or to stall.
 * In main code because the provider benchmark sends to it too.
 */
public final class ApnsFake implements AutoCloseable {

    /** A push the fake accepted: the device token, the request headers Apple reads, and the payload. */
    public record Accepted(String token, Map<String, String> headers, JsonNode payload) {}

    /** The refusals the fake can be told to answer with, as Apple names them. */
    public enum Failure {
        TOO_MANY_REQUESTS(RejectionReason.TOO_MANY_REQUESTS),
        INTERNAL_SERVER_ERROR(RejectionReason.INTERNAL_SERVER_ERROR),
        SERVICE_UNAVAILABLE(RejectionReason.SERVICE_UNAVAILABLE),
        SHUTDOWN(RejectionReason.SHUTDOWN);

        private final RejectionReason reason;

        Failure(RejectionReason reason) {
            this.reason = reason;
        }
    }

    private static final Pattern DEVICE_TOKEN = Pattern.compile("[0-9a-fA-F]{64}");
    private static final Set<String> PUSH_TYPES = Set.of(
            "alert",
            "background",
            "location",
            "voip",
            "complication",
            "fileprovider",
            "mdm",
            "liveactivity",
            "pushtotalk");
    private static final String PATH = "/3/device/";

    private final String topic;
    private final String teamId;
    private final String keyId;
    private final String signingKeyPem;
    private final ApnsVerificationKey verificationKey;
    private final RuntimeCertificate certificate;
    private final NioEventLoopGroup eventLoop;
    private final MockApnsServer server;
    private final int port;

    private final Set<String> registered = ConcurrentHashMap.newKeySet();
    private final Map<String, String> otherTopics = new ConcurrentHashMap<>();
    private final Map<String, Instant> unregistered = new ConcurrentHashMap<>();
    private final Map<String, Integer> received = new ConcurrentHashMap<>();
    private final Map<String, Integer> refusals = new ConcurrentHashMap<>();
    private final List<Accepted> accepted = Collections.synchronizedList(new ArrayList<>());
    private final List<Instant> providerTokens = Collections.synchronizedList(new ArrayList<>());
    private final Deque<Failure> failures = new ArrayDeque<>();
    private final AtomicInteger calls = new AtomicInteger();
    private volatile boolean acceptAnyWellFormedToken;
    private volatile boolean keepBodies = true;
    private volatile Failure outage;
    private volatile Consumer<Accepted> listener;
    private volatile Predicate<String> dead = token -> false;
    private volatile Duration stall = Duration.ZERO;
    private volatile Duration minTokenRefresh = Duration.ofMinutes(20);
    private volatile Duration maxTokenAge = Duration.ofHours(1);

    /** Starts on a free port with a new signing key for {@code teamId} (its .p8 in {@link #signingKeyPem()}), accepting {@code topic}. */
    public ApnsFake(String topic, String teamId) throws IOException, InterruptedException {
        this.topic = topic;
        this.teamId = teamId;
        this.keyId =
                UUID.randomUUID().toString().replace("-", "").substring(0, 10).toUpperCase(Locale.ROOT);
        KeyPair key = newKey();
        this.signingKeyPem = pem(key);
        try {
            this.verificationKey = new ApnsVerificationKey(keyId, teamId, (ECPublicKey) key.getPublic());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        this.certificate = RuntimeCertificate.localhost();
        this.eventLoop = new NioEventLoopGroup(2, r -> {
            Thread t = new Thread(r, "apns-fake");
            t.setDaemon(true);
            return t;
        });
        this.server = new MockApnsServerBuilder()
                .setServerCredentials(new X509Certificate[] {certificate.certificate()}, certificate.privateKey(), null)
                .setEventLoopGroup(eventLoop)
                .setMaxConcurrentStreams(1_000)
                .setHandlerFactory(ssl -> new ConnectionHandler())
                .build();
        try {
            this.port = server.start(0).get(10, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            eventLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw new IOException("the APNs fake did not start", e);
        }
    }

    /** A new EC P-256 signing key as a .p8 file's text (PKCS#8 PEM), as Apple hands them out. */
    public static String newSigningKeyPem() {
        return pem(newKey());
    }

    private static KeyPair newKey() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String pem(KeyPair key) {
        return "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                        .encodeToString(key.getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n";
    }

    /** Settings for a client of this fake: its address, certificate, topic, team and key, with the defaults otherwise. */
    public ApnsSettings settings() {
        return ApnsSettings.of(
                "127.0.0.1", port, topic, teamId, keyId, signingKeyPem, List.of(certificate.certificate()));
    }

    public int port() {
        return port;
    }

    public String keyId() {
        return keyId;
    }

    /** The signing key's .p8 text: what a client signs with (a secret in real life). */
    public String signingKeyPem() {
        return signingKeyPem;
    }

    /** Device tokens of this app's devices. */
    public void register(String... tokens) {
        registered.addAll(List.of(tokens));
    }

    /** Device tokens of another app (topic): pushing them under this app's topic is DeviceTokenNotForTopic. */
    public void registerForOtherApp(String otherTopic, String... tokens) {
        for (String t : tokens) {
            otherTopics.put(t, otherTopic);
        }
    }

    /** Whatever the fake accepts from now on is handed to {@code listener} too (a simulated device receiving it). */
    public void onAccepted(Consumer<Accepted> listener) {
        this.listener = listener;
    }

    /** Uninstalled without a list: tokens {@code dead} picks answer 410 Unregistered, as of when they are pushed. */
    public void unregisterWhere(Predicate<String> dead) {
        this.dead = dead;
    }

    /** Uninstalled: these tokens answer 410 Unregistered with {@code since}. */
    public void unregister(Instant since, String... tokens) {
        for (String t : tokens) {
            unregistered.put(t, since);
        }
    }

    /** Whether every well-formed token counts as one of this app's devices (a benchmark's millions need no registering). */
    public void acceptAnyWellFormedToken(boolean accept) {
        acceptAnyWellFormedToken = accept;
    }

    /** The next {@code count} pushes are answered with {@code failure}, then pushes are handled normally again. */
    /** Until called again with null, every push (after those of {@link #failNext}) is answered with {@code failure}: an outage. */
    public void outage(Failure failure) {
        outage = failure;
    }

    public synchronized void failNext(int count, Failure failure) {
        for (int i = 0; i < count; i++) {
            failures.add(failure);
        }
    }

    /** Every push waits this long before it is handled (the connection's other streams wait too, as on a stuck server). */
    public void stall(Duration d) {
        stall = d;
    }

    /** Apple's provider-token rules, shortened by a test: a new token per connection no sooner than {@code minRefresh}, none older than {@code maxAge}. */
    public void providerTokenRules(Duration minRefresh, Duration maxAge) {
        minTokenRefresh = minRefresh;
        maxTokenAge = maxAge;
    }

    /** Whether to keep each accepted push in {@link #accepted()} (a benchmark sending millions does not). */
    public void keepBodies(boolean keep) {
        keepBodies = keep;
    }

    /** Pushes accepted per device token (a value above 1 is a push sent twice). */
    public Map<String, Integer> received() {
        return Map.copyOf(received);
    }

    public List<Accepted> accepted() {
        synchronized (accepted) {
            return List.copyOf(accepted);
        }
    }

    /** Refusals by Apple's reason text. */
    public Map<String, Integer> refusals() {
        return Map.copyOf(refusals);
    }

    /** The issue times of the distinct provider tokens the fake accepted, in the order it first saw them. */
    public List<Instant> providerTokens() {
        synchronized (providerTokens) {
            return List.copyOf(providerTokens);
        }
    }

    public int calls() {
        return calls.get();
    }

    /** One per HTTP/2 connection, as pushy builds them: Apple holds a connection to one team and tracks its token there. */
    private final class ConnectionHandler implements PushNotificationHandler {

        private final Map<String, AuthenticationToken> verified = new HashMap<>();
        private String currentToken;
        private Instant currentIssuedAt;

        @Override
        public void handlePushNotification(Http2Headers headers, ByteBuf payload) throws RejectedNotificationException {
            calls.incrementAndGet();
            handle(headers, payload);
        }

        private void handle(Http2Headers headers, ByteBuf payload) throws RejectedNotificationException {
            Duration wait = stall;
            if (!wait.isZero()) {
                try {
                    Thread.sleep(wait.toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            Failure failure;
            synchronized (ApnsFake.this) {
                failure = failures.isEmpty() ? outage : failures.poll();
            }
            if (failure != null) {
                throw refused(failure.reason);
            }
            if (!"POST".contentEquals(headers.method())) {
                throw refused(RejectionReason.METHOD_NOT_ALLOWED);
            }
            CharSequence path = headers.path();
            if (path == null || !path.toString().startsWith(PATH)) {
                throw refused(RejectionReason.BAD_PATH);
            }
            authenticate(headers);
            String topicHeader = header(headers, "apns-topic");
            if (topicHeader == null) {
                throw refused(RejectionReason.MISSING_TOPIC);
            }
            if (!topic.equals(topicHeader)) {
                throw refused(RejectionReason.TOPIC_DISALLOWED);
            }
            checkHeaders(headers);
            String token = path.toString().substring(PATH.length());
            if (token.isEmpty()) {
                throw refused(RejectionReason.MISSING_DEVICE_TOKEN);
            }
            if (!DEVICE_TOKEN.matcher(token).matches()) {
                throw refused(RejectionReason.BAD_DEVICE_TOKEN);
            }
            Instant gone = unregistered.get(token);
            if (gone == null && dead.test(token)) {
                gone = Instant.now();
            }
            if (gone != null) {
                refusals.merge("Unregistered", 1, Integer::sum);
                throw new UnregisteredDeviceTokenException(gone);
            }
            if (otherTopics.containsKey(token)) {
                throw refused(RejectionReason.DEVICE_TOKEN_NOT_FOR_TOPIC);
            }
            if (!acceptAnyWellFormedToken && !registered.contains(token)) {
                throw refused(RejectionReason.BAD_DEVICE_TOKEN);
            }
            int size = payload == null ? 0 : payload.readableBytes();
            if (size == 0) {
                throw refused(RejectionReason.PAYLOAD_EMPTY);
            }
            if (size > ApnsSender.MAX_PAYLOAD_BYTES) {
                throw refused(RejectionReason.PAYLOAD_TOO_LARGE);
            }
            received.merge(token, 1, Integer::sum);
            Consumer<Accepted> told = listener;
            if (keepBodies || told != null) {
                Map<String, String> kept = new HashMap<>();
                for (String h : List.of(
                        "apns-topic",
                        "apns-priority",
                        "apns-push-type",
                        "apns-collapse-id",
                        "apns-expiration",
                        "apns-id")) {
                    String v = header(headers, h);
                    if (v != null) {
                        kept.put(h, v);
                    }
                }
                JsonNode json;
                try {
                    json = Json.MAPPER.readTree(payload.toString(StandardCharsets.UTF_8));
                } catch (IOException e) {
                    json = null;
                }
                Accepted push = new Accepted(token, Map.copyOf(kept), json);
                if (keepBodies) {
                    accepted.add(push);
                }
                if (told != null) {
                    told.accept(push);
                }
            }
        }

        private void authenticate(Http2Headers headers) throws RejectedNotificationException {
            String authorization = header(headers, "authorization");
            if (authorization == null
                    || !authorization.startsWith("bearer ")
                    || authorization.length() == "bearer ".length()) {
                throw refused(RejectionReason.MISSING_PROVIDER_TOKEN);
            }
            String jwt = authorization.substring("bearer ".length()).trim();
            AuthenticationToken token = verified.get(jwt);
            if (token == null) {
                try {
                    token = new AuthenticationToken(jwt);
                } catch (RuntimeException e) {
                    throw refused(RejectionReason.INVALID_PROVIDER_TOKEN);
                }
                if (!keyId.equals(token.getKeyId())
                        || !teamId.equals(token.getTeamId())
                        || !token.verifySignature(verificationKey)) {
                    throw refused(RejectionReason.INVALID_PROVIDER_TOKEN);
                }
                if (currentToken != null && token.getIssuedAt().isBefore(currentIssuedAt.plus(minTokenRefresh))) {
                    throw refused(RejectionReason.TOO_MANY_PROVIDER_TOKEN_UPDATES);
                }
                verified.clear(); // a connection uses one token at a time
                verified.put(jwt, token);
                currentToken = jwt;
                currentIssuedAt = token.getIssuedAt();
                providerTokens.add(currentIssuedAt);
            }
            if (Instant.now().isAfter(token.getIssuedAt().plus(maxTokenAge))) {
                throw refused(RejectionReason.EXPIRED_PROVIDER_TOKEN);
            }
        }

        private void checkHeaders(Http2Headers headers) throws RejectedNotificationException {
            String id = header(headers, "apns-id");
            if (id != null) {
                try {
                    UUID.fromString(id);
                } catch (IllegalArgumentException e) {
                    throw refused(RejectionReason.BAD_MESSAGE_ID);
                }
            }
            String pushType = header(headers, "apns-push-type");
            if (pushType != null && !PUSH_TYPES.contains(pushType)) {
                throw refused(RejectionReason.INVALID_PUSH_TYPE);
            }
            String priority = header(headers, "apns-priority");
            if (priority != null && !Set.of("10", "5", "1").contains(priority)) {
                throw refused(RejectionReason.BAD_PRIORITY);
            }
            String expiration = header(headers, "apns-expiration");
            if (expiration != null) {
                try {
                    if (Long.parseLong(expiration) < 0) {
                        throw refused(RejectionReason.BAD_EXPIRATION_DATE);
                    }
                } catch (NumberFormatException e) {
                    throw refused(RejectionReason.BAD_EXPIRATION_DATE);
                }
            }
            String collapse = header(headers, "apns-collapse-id");
            if (collapse != null && collapse.getBytes(StandardCharsets.UTF_8).length > 64) {
                throw refused(RejectionReason.BAD_COLLAPSE_ID);
            }
        }
    }

    private static String header(Http2Headers headers, String name) {
        CharSequence v = headers.get(name);
        return v == null ? null : v.toString();
    }

    /** Counts the refusal under Apple's reason text (pushy keeps the enum's text to itself: made from its name). */
    private RejectedNotificationException refused(RejectionReason reason) {
        StringBuilder text = new StringBuilder();
        for (String word : reason.name().split("_")) {
            text.append(word.charAt(0)).append(word.substring(1).toLowerCase(Locale.ROOT));
        }
        refusals.merge(text.toString(), 1, Integer::sum);
        return new RejectedNotificationException(reason);
    }

    @Override
    public void close() {
        try {
            server.shutdown().get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
        } finally {
            eventLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }
}
