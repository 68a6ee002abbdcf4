package io.pushflow.provider.fcm;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2SecurityUtil;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import io.pushflow.core.json.Json;
import io.pushflow.provider.RuntimeCertificate;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.Signature;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * A strict stand-in for FCM's HTTP v1 API and Google's OAuth2 token endpoint, on Netty over TLS (HTTP/2 by ALPN, as
 * FCM serves it; HTTP/1.1 for the token endpoint's client), with a certificate made at start.
 * <ul>
 * <li>Token endpoint ({@code POST /token}): takes the JWT-bearer grant, verifies the assertion (RS256 with the public
 * half of the service account's key made at start; issuer, Google's audience, scope, issue and expiry times) and issues
 * short-lived access tokens; refuses like Google ({@code invalid_grant}).</li>
 * <li>{@code POST /v1/projects/{project}/messages:send}: a bearer access token it issued and not expired (else 401
 * UNAUTHENTICATED), its project (else 403 PERMISSION_DENIED), the Message JSON shape (no unknown fields, exactly one
 * target, string-only data values without reserved keys, Android config fields and their formats, at most 4 KB of
 * payload; else 400 INVALID_ARGUMENT with a BadRequest field violation), and the token (malformed or unknown → 400
 * INVALID_ARGUMENT, unregistered → 404 UNREGISTERED, another sender's → 403 SENDER_ID_MISMATCH, each with its
 * FcmError detail). Answers {@code {"name": "projects/P/messages/ID"}}.</li>
 * </ul>
 * It counts per token the messages it accepted (above 1 is a push sent twice), keeps them, and can be told to answer
 * QUOTA_EXCEEDED (with Retry-After), UNAVAILABLE or INTERNAL for the next requests, or to stall. In main code because
 * the provider benchmark sends to it too.
 */
public final class FcmFake implements AutoCloseable {

    /** A message the fake accepted for a token. */
    public record Accepted(String token, JsonNode message) {}

    public enum Failure {
        QUOTA_EXCEEDED(
                429,
                "RESOURCE_EXHAUSTED",
                "Quota exceeded for quota metric 'Number of messages' of service 'fcm.googleapis.com'."),
        UNAVAILABLE(503, "UNAVAILABLE", "The service is currently unavailable."),
        INTERNAL(500, "INTERNAL", "Internal error encountered.");

        private final int status;
        private final String rpcStatus;
        private final String message;

        Failure(int status, String rpcStatus, String message) {
            this.status = status;
            this.rpcStatus = rpcStatus;
            this.message = message;
        }
    }

    /** What Google's front ends allow a connection (HTTP/2 SETTINGS); a client's further streams wait for a free one. */
    public static final int MAX_CONCURRENT_STREAMS = 100;
    /** Google names its own token endpoint as the assertion's audience, wherever the request is sent. */
    private static final String GOOGLE_TOKEN_AUDIENCE = "https://oauth2.googleapis.com/token";

    private static final String FCM_ERROR = "type.googleapis.com/google.firebase.fcm.v1.FcmError";
    private static final String BAD_REQUEST = "type.googleapis.com/google.rpc.BadRequest";
    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9_:\\-]{20,4096}");
    private static final Pattern TTL = Pattern.compile("(\\d+)(\\.\\d{1,9})?s");
    private static final Set<String> SCOPES = Set.of(
            "https://www.googleapis.com/auth/firebase.messaging", "https://www.googleapis.com/auth/cloud-platform");
    private static final Set<String> MESSAGE_FIELDS = Set.of(
            "name", "data", "notification", "android", "webpush", "apns", "fcm_options", "token", "topic", "condition");
    private static final Set<String> NOTIFICATION_FIELDS = Set.of("title", "body", "image");
    private static final Set<String> ANDROID_FIELDS = Set.of(
            "collapse_key",
            "priority",
            "ttl",
            "restricted_package_name",
            "data",
            "notification",
            "fcm_options",
            "direct_boot_ok",
            "bandwidth_constrained_ok",
            "restricted_satellite_ok");
    private static final Set<String> ANDROID_NOTIFICATION_FIELDS = Set.of(
            "title",
            "body",
            "icon",
            "color",
            "sound",
            "tag",
            "click_action",
            "body_loc_key",
            "body_loc_args",
            "title_loc_key",
            "title_loc_args",
            "channel_id",
            "ticker",
            "sticky",
            "event_time",
            "local_only",
            "notification_priority",
            "default_sound",
            "default_vibrate_timings",
            "default_light_settings",
            "vibrate_timings",
            "visibility",
            "notification_count",
            "light_settings",
            "image",
            "bypass_proxy_notification",
            "proxy");

    private final String projectId;
    private final String clientEmail;
    private final String privateKeyId;
    private final String privateKeyPem;
    private final PublicKey serviceAccountKey;
    private final RuntimeCertificate certificate;
    private final NioEventLoopGroup boss;
    private final NioEventLoopGroup workers;
    private final Channel server;
    private final int port;

    private final Set<String> registered = ConcurrentHashMap.newKeySet();
    private final Set<String> unregistered = ConcurrentHashMap.newKeySet();
    private final Set<String> otherSender = ConcurrentHashMap.newKeySet();
    private final Map<String, Instant> accessTokens = new ConcurrentHashMap<>();
    private final Map<String, Integer> received = new ConcurrentHashMap<>();
    private final Map<String, Integer> refusals = new ConcurrentHashMap<>();
    private final List<Accepted> accepted = Collections.synchronizedList(new ArrayList<>());
    private final Deque<Failure> failures = new ArrayDeque<>();
    private final AtomicInteger sendCalls = new AtomicInteger();
    private final AtomicInteger connections = new AtomicInteger();
    private final Map<String, Integer> sendProtocols = new ConcurrentHashMap<>();
    private final AtomicInteger grants = new AtomicInteger();
    private final AtomicLong ids = new AtomicLong(1_500_000_000_000L);
    private volatile boolean acceptAnyWellFormedToken;
    private volatile boolean keepBodies = true;
    private volatile Failure outage;
    private volatile Consumer<Accepted> listener;
    private volatile Predicate<String> dead = token -> false;
    private volatile Duration stall = Duration.ZERO;
    private volatile Duration accessTokenLifetime = Duration.ofHours(1);
    private volatile long retryAfterSeconds = 1;

    /** Starts on a free port of 127.0.0.1 with a new service account for {@code projectId}. */
    public FcmFake(String projectId) throws IOException, InterruptedException {
        this.projectId = projectId;
        this.clientEmail = "pushflow-sender@" + projectId + ".iam.gserviceaccount.com";
        this.privateKeyId = UUID.randomUUID().toString().replace("-", "");
        KeyPair key = rsaKey();
        this.serviceAccountKey = key.getPublic();
        this.privateKeyPem = "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                        .encodeToString(key.getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n";
        this.certificate = RuntimeCertificate.localhost();
        SslContext ssl = SslContextBuilder.forServer(certificate.privateKey(), certificate.certificate())
                .sslProvider(SslProvider.JDK)
                .ciphers(Http2SecurityUtil.CIPHERS, SupportedCipherSuiteFilter.INSTANCE)
                .applicationProtocolConfig(new ApplicationProtocolConfig(
                        ApplicationProtocolConfig.Protocol.ALPN,
                        ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                        ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                        ApplicationProtocolNames.HTTP_2,
                        ApplicationProtocolNames.HTTP_1_1))
                .build();
        this.boss = new NioEventLoopGroup(1, daemon("fcm-fake-accept"));
        this.workers = new NioEventLoopGroup(2, daemon("fcm-fake"));
        this.server = new ServerBootstrap()
                .group(boss, workers)
                .channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        connections.incrementAndGet();
                        ch.pipeline()
                                .addLast(
                                        ssl.newHandler(ch.alloc()),
                                        new ApplicationProtocolNegotiationHandler(ApplicationProtocolNames.HTTP_1_1) {
                                            @Override
                                            protected void configurePipeline(
                                                    ChannelHandlerContext ctx, String protocol) {
                                                if (ApplicationProtocolNames.HTTP_2.equals(protocol)) {
                                                    ctx.pipeline()
                                                            .addLast(
                                                                    Http2FrameCodecBuilder.forServer()
                                                                            .initialSettings(
                                                                                    Http2Settings.defaultSettings()
                                                                                            .maxConcurrentStreams(
                                                                                                    MAX_CONCURRENT_STREAMS))
                                                                            .build(),
                                                                    new Http2MultiplexHandler(
                                                                            new ChannelInitializer<Channel>() {
                                                                                @Override
                                                                                protected void initChannel(
                                                                                        Channel stream) {
                                                                                    stream.pipeline()
                                                                                            .addLast(
                                                                                                    new Http2StreamFrameToHttpObjectCodec(
                                                                                                            true),
                                                                                                    new HttpObjectAggregator(
                                                                                                            65_536),
                                                                                                    new RequestHandler(
                                                                                                            "HTTP/2"));
                                                                                }
                                                                            }));
                                                } else {
                                                    ctx.pipeline()
                                                            .addLast(
                                                                    new HttpServerCodec(),
                                                                    new HttpObjectAggregator(65_536),
                                                                    new RequestHandler("HTTP/1.1"));
                                                }
                                            }
                                        });
                    }
                })
                .bind(new InetSocketAddress("127.0.0.1", 0))
                .sync()
                .channel();
        this.port = ((InetSocketAddress) server.localAddress()).getPort();
    }

    private static ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    private static KeyPair rsaKey() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public URI endpoint() {
        return URI.create("https://127.0.0.1:" + port);
    }

    public URI tokenUri() {
        return URI.create(endpoint() + "/token");
    }

    /** A service account JSON key as the Firebase console hands it out, for this fake's project and token endpoint (a secret in real life). */
    public String serviceAccountJson() {
        Map<String, String> json = new LinkedHashMap<>();
        json.put("type", "service_account");
        json.put("project_id", projectId);
        json.put("private_key_id", privateKeyId);
        json.put("private_key", privateKeyPem);
        json.put("client_email", clientEmail);
        json.put("client_id", "100000000000000000001");
        json.put("auth_uri", "https://accounts.google.com/o/oauth2/auth");
        json.put("token_uri", tokenUri().toString());
        return Json.write(json);
    }

    /** Settings for a client of this fake, with the defaults otherwise. */
    public FcmSettings settings() {
        return FcmSettings.of(endpoint(), projectId, serviceAccountJson(), List.of(certificate.certificate()));
    }

    public void register(String... tokens) {
        registered.addAll(List.of(tokens));
    }

    /** Whatever the fake accepts from now on is handed to {@code listener} too (a simulated device receiving it). */
    public void onAccepted(Consumer<Accepted> listener) {
        this.listener = listener;
    }

    /** Uninstalled without a list: tokens {@code dead} picks answer 404 UNREGISTERED. */
    public void unregisterWhere(Predicate<String> dead) {
        this.dead = dead;
    }

    /** App uninstalled or token expired: these answer 404 UNREGISTERED. */
    public void unregister(String... tokens) {
        unregistered.addAll(List.of(tokens));
    }

    /** Tokens of another Firebase project's app: 403 SENDER_ID_MISMATCH. */
    public void registerForOtherSender(String... tokens) {
        otherSender.addAll(List.of(tokens));
    }

    /** Whether every well-formed token counts as registered (a benchmark's millions need no registering). */
    public void acceptAnyWellFormedToken(boolean accept) {
        acceptAnyWellFormedToken = accept;
    }

    /** The next {@code count} send requests are answered with {@code failure}, then requests are handled normally again. */
    /** Until called again with null, every push (after those of {@link #failNext}) is answered with {@code failure}: an outage. */
    public void outage(Failure failure) {
        outage = failure;
    }

    public synchronized void failNext(int count, Failure failure) {
        for (int i = 0; i < count; i++) {
            failures.add(failure);
        }
    }

    /** The Retry-After (seconds) sent with QUOTA_EXCEEDED. */
    public void retryAfterSeconds(long seconds) {
        retryAfterSeconds = seconds;
    }

    /** Every send request waits this long before it is answered (without holding up the others). */
    public void stall(Duration d) {
        stall = d;
    }

    /** How long the access tokens the fake issues live (Google: an hour). */
    public void accessTokenLifetime(Duration d) {
        accessTokenLifetime = d;
    }

    /** Every access token issued so far stops being valid now (as when Google revokes or expires them). */
    public void expireAccessTokens() {
        accessTokens.replaceAll((t, e) -> Instant.EPOCH);
    }

    public void keepBodies(boolean keep) {
        keepBodies = keep;
    }

    /** Messages accepted per token (a value above 1 is a push sent twice). */
    public Map<String, Integer> received() {
        return Map.copyOf(received);
    }

    public List<Accepted> accepted() {
        synchronized (accepted) {
            return List.copyOf(accepted);
        }
    }

    /** Refusals by FCM error code (or RPC status where FCM gives no code). */
    public Map<String, Integer> refusals() {
        return Map.copyOf(refusals);
    }

    /** Access tokens issued by the token endpoint. */
    public int accessTokensIssued() {
        return grants.get();
    }

    public int sendCalls() {
        return sendCalls.get();
    }

    /** TCP connections accepted so far (token endpoint and FCM alike). */
    public int connectionsOpened() {
        return connections.get();
    }

    /** Send requests by the protocol they came over (FCM's clients speak HTTP/2). */
    public Map<String, Integer> sendProtocols() {
        return Map.copyOf(sendProtocols);
    }

    /** What to answer: a status, a JSON body and an optional Retry-After. */
    private record Reply(int status, String json, Long retryAfter) {
        static Reply of(int status, Object body) {
            return new Reply(status, Json.write(body), null);
        }
    }

    private final class RequestHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

        private final String protocol;

        RequestHandler(String protocol) {
            this.protocol = protocol;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            String path = new QueryStringDecoder(request.uri()).path();
            String body = request.content().toString(StandardCharsets.UTF_8);
            boolean keepAlive = HttpUtil.isKeepAlive(request);
            Reply reply;
            Duration wait = Duration.ZERO;
            if ("/token".equals(path)) {
                reply = token(request.method().name(), request.headers().get(HttpHeaderNames.CONTENT_TYPE), body);
            } else {
                sendCalls.incrementAndGet();
                sendProtocols.merge(protocol, 1, Integer::sum);
                wait = stall;
                reply = send(
                        request.method().name(),
                        path,
                        request.headers().get(HttpHeaderNames.AUTHORIZATION),
                        request.headers().get(HttpHeaderNames.CONTENT_TYPE),
                        body);
            }
            if (wait.isZero()) {
                write(ctx, reply, keepAlive);
            } else {
                ctx.executor().schedule(() -> write(ctx, reply, keepAlive), wait.toMillis(), TimeUnit.MILLISECONDS);
            }
        }

        private void write(ChannelHandlerContext ctx, Reply reply, boolean keepAlive) {
            byte[] bytes = reply.json().getBytes(StandardCharsets.UTF_8);
            FullHttpResponse response = new DefaultFullHttpResponse(
                    HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(reply.status()), Unpooled.wrappedBuffer(bytes));
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json; charset=UTF-8");
            response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length);
            if (reply.retryAfter() != null) {
                response.headers().set(HttpHeaderNames.RETRY_AFTER, reply.retryAfter());
            }
            if (keepAlive && protocol.equals("HTTP/1.1")) { // HTTP/2 forbids connection headers
                response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            }
            var written = ctx.writeAndFlush(response);
            if (!keepAlive) {
                written.addListener(ChannelFutureListener.CLOSE);
            }
        }
    }

    // ---- the token endpoint

    private Reply token(String method, String contentType, String body) {
        if (!"POST".equals(method)
                || contentType == null
                || !contentType.startsWith("application/x-www-form-urlencoded")) {
            return Reply.of(400, Map.of("error", "invalid_request", "error_description", "POST a form"));
        }
        Map<String, List<String>> form = new QueryStringDecoder(body, false).parameters();
        if (!List.of("urn:ietf:params:oauth:grant-type:jwt-bearer").equals(form.get("grant_type"))) {
            return Reply.of(400, Map.of("error", "unsupported_grant_type", "error_description", "Invalid grant_type"));
        }
        List<String> assertion = form.get("assertion");
        String problem =
                assertion == null || assertion.size() != 1 ? "No assertion" : assertionProblem(assertion.get(0));
        if (problem != null) {
            return Reply.of(400, Map.of("error", "invalid_grant", "error_description", problem));
        }
        String accessToken = "ya29.fake-" + UUID.randomUUID();
        Duration lifetime = accessTokenLifetime;
        accessTokens.put(accessToken, Instant.now().plus(lifetime));
        grants.incrementAndGet();
        return Reply.of(
                200, Map.of("access_token", accessToken, "expires_in", lifetime.toSeconds(), "token_type", "Bearer"));
    }

    /** Why Google would refuse this JWT assertion, or null. */
    private String assertionProblem(String jwt) {
        String[] parts = jwt.split("\\.");
        if (parts.length != 3) {
            return "Invalid JWT: Token must be a short-lived token and in a reasonable timeframe";
        }
        try {
            JsonNode header = Json.MAPPER.readTree(Base64.getUrlDecoder().decode(parts[0]));
            JsonNode claims = Json.MAPPER.readTree(Base64.getUrlDecoder().decode(parts[1]));
            if (!"RS256".equals(header.path("alg").asText())) {
                return "Invalid JWT Signature.";
            }
            Signature rsa = Signature.getInstance("SHA256withRSA");
            rsa.initVerify(serviceAccountKey);
            rsa.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
            if (!rsa.verify(Base64.getUrlDecoder().decode(parts[2]))) {
                return "Invalid JWT Signature.";
            }
            if (!clientEmail.equals(claims.path("iss").asText())) {
                return "Invalid JWT: issuer is not the service account";
            }
            if (!GOOGLE_TOKEN_AUDIENCE.equals(claims.path("aud").asText())) {
                return "Invalid JWT: audience must be " + GOOGLE_TOKEN_AUDIENCE;
            }
            if (!List.of(claims.path("scope").asText("").split(" ")).stream().anyMatch(SCOPES::contains)) {
                return "invalid_scope: no scope allows sending messages";
            }
            long now = Instant.now().getEpochSecond();
            long iat = claims.path("iat").asLong(-1);
            long exp = claims.path("exp").asLong(-1);
            if (iat < 0 || exp <= iat || exp - iat > 3_600 || iat > now + 300 || exp < now) {
                return "Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. Check your iat and exp values";
            }
            return null;
        } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
            return "Invalid JWT: cannot be read";
        }
    }

    // ---- messages:send

    private Reply send(String method, String path, String authorization, String contentType, String body) {
        if (!path.startsWith("/v1/projects/") || !path.endsWith("/messages:send")) {
            return refuse(404, "NOT_FOUND", null, "The requested URL " + path + " was not found on this server.", null);
        }
        if (!"POST".equals(method)) {
            return refuse(405, "METHOD_NOT_ALLOWED", null, "Method " + method + " is not allowed.", null);
        }
        String bearer =
                authorization != null && authorization.startsWith("Bearer ") ? authorization.substring(7) : null;
        Instant expires = bearer == null ? null : accessTokens.get(bearer);
        if (expires == null || Instant.now().isAfter(expires)) {
            return refuse(
                    401,
                    "UNAUTHENTICATED",
                    null,
                    "Request had invalid authentication credentials. Expected OAuth 2 access token, login "
                            + "cookie or other valid authentication credential.",
                    null);
        }
        String project = path.substring("/v1/projects/".length(), path.length() - "/messages:send".length());
        if (!projectId.equals(project)) {
            return refuse(
                    403,
                    "PERMISSION_DENIED",
                    null,
                    "Permission 'cloudmessaging.messages.create' denied on resource "
                            + "'//cloudresourcemanager.googleapis.com/projects/" + project + "' (or it may not exist).",
                    null);
        }
        Failure failure;
        synchronized (this) {
            failure = failures.isEmpty() ? outage : failures.poll();
        }
        if (failure != null) {
            Reply r = refuse(failure.status, failure.rpcStatus, failure.name(), failure.message, null);
            return failure == Failure.QUOTA_EXCEEDED ? new Reply(r.status(), r.json(), retryAfterSeconds) : r;
        }
        if (contentType == null || !contentType.startsWith("application/json")) {
            return refuse(
                    400,
                    "INVALID_ARGUMENT",
                    null,
                    "Invalid JSON payload received. Content-Type must be application/json.",
                    null);
        }
        JsonNode request;
        try {
            request = Json.MAPPER.readTree(body);
        } catch (IOException e) {
            return refuse(400, "INVALID_ARGUMENT", null, "Invalid JSON payload received.", null);
        }
        if (request == null || !request.isObject() || !request.path("message").isObject()) {
            return badValue("message", "Invalid JSON payload received. A message is required.");
        }
        for (Iterator<String> it = request.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!Set.of("message", "validate_only").contains(f)) {
                return badValue(f, "Invalid JSON payload received. Unknown name \"" + f + "\": Cannot find field.");
            }
        }
        JsonNode message = request.get("message");
        Reply invalid = shape(message);
        if (invalid != null) {
            return invalid;
        }
        String token = message.get("token").asText();
        if (!TOKEN.matcher(token).matches()
                || !(acceptAnyWellFormedToken
                        || registered.contains(token)
                        || unregistered.contains(token)
                        || otherSender.contains(token))) {
            return refuse(
                    400,
                    "INVALID_ARGUMENT",
                    "INVALID_ARGUMENT",
                    "The registration token is not a valid FCM registration token",
                    null);
        }
        if (unregistered.contains(token) || dead.test(token)) {
            return refuse(404, "NOT_FOUND", "UNREGISTERED", "Requested entity was not found.", null);
        }
        if (otherSender.contains(token)) {
            return refuse(403, "PERMISSION_DENIED", "SENDER_ID_MISMATCH", "SenderId mismatch", null);
        }
        if (request.path("validate_only").asBoolean(false)) {
            return Reply.of(200, Map.of("name", "projects/" + projectId + "/messages/fake_message_id"));
        }
        received.merge(token, 1, Integer::sum);
        Consumer<Accepted> told = listener;
        if (keepBodies || told != null) {
            Accepted push = new Accepted(token, message);
            if (keepBodies) {
                accepted.add(push);
            }
            if (told != null) {
                told.accept(push);
            }
        }
        return Reply.of(
                200, Map.of("name", "projects/" + projectId + "/messages/0:" + ids.incrementAndGet() + "%fake"));
    }

    /** The Message resource's rules this fake checks, or null when the message keeps to them. */
    private Reply shape(JsonNode message) {
        String unknown = unknownField(message, MESSAGE_FIELDS, "message");
        if (unknown != null) {
            return badValue(
                    unknown, "Invalid JSON payload received. Unknown name \"" + unknown + "\": Cannot find field.");
        }
        int targets =
                (message.has("token") ? 1 : 0) + (message.has("topic") ? 1 : 0) + (message.has("condition") ? 1 : 0);
        if (targets != 1) {
            return badValue("message", "Exactly one of token, topic or condition must be given, got " + targets);
        }
        if (!message.has("token") || !message.get("token").isTextual()) {
            return badValue("message.token", "This fake sends to tokens only: a string token is required");
        }
        Reply data = stringMap(message.path("data"), "message.data", true);
        if (data != null) {
            return data;
        }
        JsonNode notification = message.path("notification");
        if (!notification.isMissingNode()) {
            String u = unknownField(notification, NOTIFICATION_FIELDS, "message.notification");
            if (u != null) {
                return badValue(u, "Invalid JSON payload received. Unknown name: Cannot find field.");
            }
            for (String f : NOTIFICATION_FIELDS) {
                if (notification.has(f) && !notification.get(f).isTextual()) {
                    return badValue("message.notification." + f, "Invalid value (TYPE_STRING)");
                }
            }
        }
        JsonNode android = message.path("android");
        if (!android.isMissingNode()) {
            Reply a = android(android);
            if (a != null) {
                return a;
            }
        }
        int size = message.path("data").toString().getBytes(StandardCharsets.UTF_8).length
                + (notification.isMissingNode() ? 0 : notification.toString().getBytes(StandardCharsets.UTF_8).length);
        if (size > FcmSender.MAX_PAYLOAD_BYTES) {
            return badValue("message", "Message is too big: " + size + " bytes, at most 4096");
        }
        return null;
    }

    private Reply android(JsonNode android) {
        String u = unknownField(android, ANDROID_FIELDS, "message.android");
        if (u != null) {
            return badValue(u, "Invalid JSON payload received. Unknown name: Cannot find field.");
        }
        JsonNode priority = android.path("priority");
        if (!priority.isMissingNode() && !Set.of("NORMAL", "HIGH").contains(priority.asText())) {
            return badValue(
                    "message.android.priority",
                    "Invalid value at 'message.android.priority' (type.googleapis.com/"
                            + "google.firebase.fcm.v1.AndroidMessagePriority), \"" + priority.asText() + "\"");
        }
        JsonNode ttl = android.path("ttl");
        if (!ttl.isMissingNode()) {
            var m = TTL.matcher(ttl.asText());
            if (!ttl.isTextual() || !m.matches() || Long.parseLong(m.group(1)) > 2_419_200L) {
                return badValue(
                        "message.android.ttl",
                        "Invalid value at 'message.android.ttl' (type.googleapis.com/google.protobuf.Duration): "
                                + "a duration in seconds like \"3600s\", at most four weeks");
            }
        }
        for (String f : List.of("collapse_key", "restricted_package_name")) {
            if (android.has(f) && !android.get(f).isTextual()) {
                return badValue("message.android." + f, "Invalid value (TYPE_STRING)");
            }
        }
        Reply data = stringMap(android.path("data"), "message.android.data", true);
        if (data != null) {
            return data;
        }
        JsonNode notification = android.path("notification");
        if (!notification.isMissingNode()) {
            String n = unknownField(notification, ANDROID_NOTIFICATION_FIELDS, "message.android.notification");
            if (n != null) {
                return badValue(n, "Invalid JSON payload received. Unknown name: Cannot find field.");
            }
            for (String f :
                    List.of("title", "body", "channel_id", "image", "tag", "color", "sound", "icon", "click_action")) {
                if (notification.has(f) && !notification.get(f).isTextual()) {
                    return badValue("message.android.notification." + f, "Invalid value (TYPE_STRING)");
                }
            }
        }
        return null;
    }

    /** FCM data: an object of string values, none under a key FCM keeps for itself. */
    private Reply stringMap(JsonNode map, String field, boolean reservedKeys) {
        if (map.isMissingNode()) {
            return null;
        }
        if (!map.isObject()) {
            return badValue(field, "Invalid value at '" + field + "': an object of strings");
        }
        int i = 0;
        for (Iterator<Map.Entry<String, JsonNode>> it = map.fields(); it.hasNext(); i++) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isTextual()) {
                return badValue(
                        field + "[" + i + "].value",
                        "Invalid value at '" + field + "[" + i + "].value' (TYPE_STRING), " + e.getValue());
            }
            String key = e.getKey();
            if (reservedKeys
                    && (Set.of("from", "notification", "message_type").contains(key)
                            || key.startsWith("google")
                            || key.startsWith("gcm"))) {
                return badValue(field, "Invalid data payload key: " + key);
            }
        }
        return null;
    }

    private static String unknownField(JsonNode node, Set<String> known, String prefix) {
        if (!node.isObject()) {
            return prefix;
        }
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!known.contains(f)) {
                return prefix + "." + f;
            }
        }
        return null;
    }

    private Reply badValue(String field, String description) {
        return refuse(400, "INVALID_ARGUMENT", null, description, field);
    }

    /** google.rpc.Status with an FcmError detail when FCM gives a code, and a BadRequest naming the field when a value is bad. */
    private Reply refuse(int status, String rpcStatus, String fcmCode, String message, String field) {
        refusals.merge(fcmCode != null ? fcmCode : rpcStatus, 1, Integer::sum);
        List<Object> details = new ArrayList<>();
        if (fcmCode != null) {
            details.add(Map.of("@type", FCM_ERROR, "errorCode", fcmCode));
        }
        if (field != null) {
            details.add(Map.of(
                    "@type", BAD_REQUEST, "fieldViolations", List.of(Map.of("field", field, "description", message))));
        }
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("code", status);
        error.put("message", message);
        error.put("status", rpcStatus);
        if (!details.isEmpty()) {
            error.put("details", details);
        }
        return Reply.of(status, Map.of("error", error));
    }

    @Override
    public void close() {
        server.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        workers.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        boss.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
}
