package io.pushflow.provider.fcm;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2GoAwayFrame;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.handler.codec.http2.Http2SecurityUtil;
import io.netty.handler.codec.http2.Http2SettingsFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import io.netty.util.ReferenceCountUtil;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;

/**
 * HTTP/2 over TLS to one origin on Netty (already on the classpath for pushy), over a fixed number of connections,
 * each opened when first needed and again after it closed; requests go round the connections, each on a stream of
 * its own. The JDK's HTTP client did the same at about three times the CPU per request (provider/README.md). A request that
 * never left (no connection, TLS failed, the write failed) fails with {@link NotSentException}; one that left and got
 * no answer fails with another exception.
 */
final class Http2Lanes implements AutoCloseable {

    /** An answer: the status, the Retry-After header if any, the body as text. */
    record Response(int status, String retryAfter, String body) {}

    /** The request did not leave this process: sending it again cannot make a second push. */
    static final class NotSentException extends IOException {
        NotSentException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final String host;
    private final int port;
    private final String authority;
    private final SslContext ssl;
    private final Duration connectTimeout;
    private final NioEventLoopGroup group;
    private final Lane[] lanes;
    private final AtomicInteger next = new AtomicInteger();

    Http2Lanes(URI endpoint, List<X509Certificate> trusted, int connections, Duration connectTimeout)
            throws SSLException {
        this.host = endpoint.getHost();
        this.port = endpoint.getPort() > 0 ? endpoint.getPort() : 443;
        this.authority = port == 443 ? host : host + ":" + port;
        SslContextBuilder builder = SslContextBuilder.forClient()
                .sslProvider(SslProvider.JDK)
                .ciphers(Http2SecurityUtil.CIPHERS, SupportedCipherSuiteFilter.INSTANCE)
                .applicationProtocolConfig(new ApplicationProtocolConfig(
                        ApplicationProtocolConfig.Protocol.ALPN,
                        ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                        ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                        ApplicationProtocolNames.HTTP_2));
        if (!trusted.isEmpty()) {
            builder.trustManager(trusted.toArray(new X509Certificate[0]));
        }
        this.ssl = builder.build();
        this.connectTimeout = connectTimeout;
        this.group =
                new NioEventLoopGroup(Math.min(connections, Runtime.getRuntime().availableProcessors()), r -> {
                    Thread t = new Thread(r, "fcm-client");
                    t.setDaemon(true);
                    return t;
                });
        this.lanes = new Lane[connections];
        for (int i = 0; i < connections; i++) {
            lanes[i] = new Lane();
        }
    }

    /** POSTs {@code body} to {@code path}; the future completes with the answer, or fails (never for a status). */
    CompletableFuture<Response> post(String path, String authorization, String body) {
        Lane lane = lanes[Math.floorMod(next.getAndIncrement(), lanes.length)];
        return lane.connection()
                .thenCompose(parent -> exchange(parent, path, authorization, body.getBytes(StandardCharsets.UTF_8)));
    }

    private CompletableFuture<Response> exchange(Channel parent, String path, String authorization, byte[] body) {
        CompletableFuture<Response> answer = new CompletableFuture<>();
        new Http2StreamChannelBootstrap(parent)
                .handler(new AnswerReader(answer))
                .open()
                .addListener(opened -> {
                    if (!opened.isSuccess()) {
                        answer.completeExceptionally(new NotSentException("no stream could be opened", opened.cause()));
                        return;
                    }
                    Http2StreamChannel stream = (Http2StreamChannel) opened.getNow();
                    Http2Headers headers = new DefaultHttp2Headers()
                            .method("POST")
                            .scheme("https")
                            .authority(authority)
                            .path(path)
                            .add("authorization", authorization)
                            .add("content-type", "application/json; charset=UTF-8")
                            .addInt("content-length", body.length);
                    stream.write(new DefaultHttp2HeadersFrame(headers, false));
                    stream.writeAndFlush(new DefaultHttp2DataFrame(Unpooled.wrappedBuffer(body), true))
                            .addListener(written -> {
                                if (!written.isSuccess()) {
                                    // the server acts on a request only once its last frame arrived, and that frame was
                                    // not written
                                    answer.completeExceptionally(
                                            new NotSentException("the request could not be written", written.cause()));
                                }
                            });
                    answer.whenComplete((r, e) -> {
                        if (e != null) {
                            stream.close(); // gave up (timeout): reset the stream
                        }
                    });
                });
        return answer;
    }

    /** Reads one stream's answer: the status and headers, then the body until the end of the stream. */
    private static final class AnswerReader extends ChannelInboundHandlerAdapter {
        private final CompletableFuture<Response> answer;
        private final ByteArrayOutputStream body = new ByteArrayOutputStream();
        private int status;
        private String retryAfter;

        AnswerReader(CompletableFuture<Response> answer) {
            this.answer = answer;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (msg instanceof Http2HeadersFrame frame) {
                    CharSequence s = frame.headers().status();
                    if (s != null && status == 0) {
                        status = Integer.parseInt(s.toString());
                        CharSequence r = frame.headers().get("retry-after");
                        retryAfter = r == null ? null : r.toString();
                    }
                    if (frame.isEndStream()) {
                        done(ctx);
                    }
                } else if (msg instanceof Http2DataFrame frame) {
                    ByteBuf content = frame.content();
                    if (body.size() < 65_536) {
                        byte[] bytes = new byte[Math.min(content.readableBytes(), 65_536 - body.size())];
                        content.readBytes(bytes);
                        body.write(bytes, 0, bytes.length);
                    }
                    if (frame.isEndStream()) {
                        done(ctx);
                    }
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        private void done(ChannelHandlerContext ctx) {
            answer.complete(new Response(status, retryAfter, body.toString(StandardCharsets.UTF_8)));
            ctx.close();
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
            try {
                // REFUSED_STREAM, and a GOAWAY below this stream's id, say the server did not act on it (RFC 9113 8.7)
                if (event instanceof Http2ResetFrame reset && reset.errorCode() == Http2Error.REFUSED_STREAM.code()) {
                    answer.completeExceptionally(new NotSentException("the server refused the stream", null));
                } else if (event instanceof Http2GoAwayFrame goAway && status == 0) {
                    answer.completeExceptionally(
                            new NotSentException("the server is going away before this stream", null));
                }
            } finally {
                ReferenceCountUtil.release(event);
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            answer.completeExceptionally(new IOException("the stream closed before its answer"));
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            answer.completeExceptionally(cause);
            ctx.close();
        }
    }

    /** One connection: opened on first use and again after it closed. */
    private final class Lane {
        private CompletableFuture<Channel> connection;

        synchronized CompletableFuture<Channel> connection() {
            if (connection == null
                    || connection.isCompletedExceptionally()
                    || (connection.isDone() && !connection.join().isActive())) {
                connection = connect();
            }
            return connection;
        }
    }

    private CompletableFuture<Channel> connect() {
        CompletableFuture<Channel> ready = new CompletableFuture<>();
        ChannelFuture connecting = new Bootstrap()
                .group(group)
                .channel(NioSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int)
                        Math.min(Integer.MAX_VALUE, connectTimeout.toMillis()))
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        SslHandler tls = ssl.newHandler(ch.alloc(), host, port);
                        tls.setHandshakeTimeoutMillis(connectTimeout.toMillis());
                        SSLEngine engine = tls.engine();
                        SSLParameters parameters = engine.getSSLParameters();
                        parameters.setEndpointIdentificationAlgorithm("HTTPS"); // the certificate must name the host
                        engine.setSSLParameters(parameters);
                        ch.pipeline().addLast(tls, new ApplicationProtocolNegotiationHandler("none") {
                            @Override
                            protected void configurePipeline(ChannelHandlerContext ctx, String protocol) {
                                if (!ApplicationProtocolNames.HTTP_2.equals(protocol)) {
                                    ready.completeExceptionally(
                                            new NotSentException("the server did not agree to HTTP/2", null));
                                    ctx.close();
                                    return;
                                }
                                // ready once the server's SETTINGS came: before them its stream limit is unknown, and a
                                // burst of streams over it is refused and costs the connection
                                ctx.pipeline()
                                        .addLast(
                                                Http2FrameCodecBuilder.forClient()
                                                        .encoderEnforceMaxConcurrentStreams(true)
                                                        .build(),
                                                new Http2MultiplexHandler(new ChannelInboundHandlerAdapter()),
                                                new ChannelInboundHandlerAdapter() {
                                                    @Override
                                                    public void channelRead(ChannelHandlerContext c, Object msg) {
                                                        if (msg instanceof Http2SettingsFrame) {
                                                            ready.complete(c.channel());
                                                        }
                                                        ReferenceCountUtil.release(msg);
                                                    }
                                                });
                            }

                            @Override
                            protected void handshakeFailure(ChannelHandlerContext ctx, Throwable cause) {
                                ready.completeExceptionally(new NotSentException("TLS handshake failed", cause));
                                ctx.close();
                            }
                        });
                    }
                })
                .connect(host, port);
        connecting.addListener(f -> {
            if (!f.isSuccess()) {
                ready.completeExceptionally(new NotSentException("cannot connect", f.cause()));
            } else {
                connecting
                        .channel()
                        .closeFuture()
                        .addListener(c -> ready.completeExceptionally(new NotSentException("connection closed", null)));
            }
        });
        return ready;
    }

    @Override
    public void close() {
        for (Lane lane : lanes) {
            CompletableFuture<Channel> c;
            synchronized (lane) {
                c = lane.connection;
            }
            if (c != null && c.isDone() && !c.isCompletedExceptionally()) {
                c.join().close();
            }
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
}
