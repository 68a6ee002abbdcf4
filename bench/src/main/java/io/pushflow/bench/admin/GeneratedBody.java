package io.pushflow.bench.admin;

import io.pushflow.core.user.User;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.SubmissionPublisher;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * An NDJSON request body generated while it is sent: when the HTTP client subscribes, a generator thread encodes
 * the users into 256 KiB chunks and hands them over through a bounded {@link SubmissionPublisher}, which blocks the
 * generator whenever the connection is behind. Only a few chunks are ever in memory. JDK's piped streams would do
 * too, but they tie the pipe to the reading thread, and the HTTP client reads from pool threads.
 */
final class GeneratedBody implements Flow.Publisher<ByteBuffer> {

    private static final int CHUNK = 256 * 1024;
    private static final int CHUNKS_IN_FLIGHT = 16;

    private final Supplier<Stream<User>> users;
    private final AtomicBoolean subscribed = new AtomicBoolean();
    /** Hands chunks to the HTTP client; its idle threads end by themselves. */
    private final ExecutorService delivery = Executors.newCachedThreadPool(r -> daemon(r, "ndjson-delivery"));

    private volatile long bytes;
    private volatile long generatorNanos;
    private volatile long generatorCpuNanos;
    private volatile Throwable failure;

    GeneratedBody(Supplier<Stream<User>> users) {
        this.users = users;
    }

    @Override
    public void subscribe(Flow.Subscriber<? super ByteBuffer> subscriber) {
        if (!subscribed.compareAndSet(false, true)) {
            // a generated body can be sent once; the client must not retry it
            subscriber.onSubscribe(new Flow.Subscription() {
                public void request(long n) {}

                public void cancel() {}
            });
            subscriber.onError(new IllegalStateException("the generated body was sent already"));
            return;
        }
        SubmissionPublisher<ByteBuffer> pipe = new SubmissionPublisher<>(delivery, CHUNKS_IN_FLIGHT);
        pipe.subscribe(subscriber);
        daemon(() -> generate(pipe), "ndjson-generator").start();
    }

    private void generate(SubmissionPublisher<ByteBuffer> pipe) {
        long started = System.nanoTime();
        var threads = ManagementFactory.getThreadMXBean();
        long cpuStarted = threads.getCurrentThreadCpuTime();
        try (Chunks chunks = new Chunks(pipe);
                ImportLines lines = new ImportLines(chunks)) {
            var it = users.get().iterator();
            while (it.hasNext()) {
                if (pipe.getNumberOfSubscribers() == 0) {
                    throw new IOException("the HTTP client stopped reading the body");
                }
                lines.write(it.next());
            }
        } catch (IOException | RuntimeException e) {
            failure = e;
            pipe.closeExceptionally(e);
            return;
        } finally {
            generatorNanos = System.nanoTime() - started;
            generatorCpuNanos = threads.getCurrentThreadCpuTime() - cpuStarted;
        }
        pipe.close();
    }

    long bytes() {
        return bytes;
    }

    /** Wall time of the generator thread, from subscription to the last chunk handed over. */
    double generatorSeconds() {
        return generatorNanos / 1e9;
    }

    /** CPU the generator thread used: the client's share of the machine during the import. */
    double generatorCpuSeconds() {
        return generatorCpuNanos / 1e9;
    }

    Throwable failure() {
        return failure;
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /** Bytes cut into chunks and submitted; {@code submit} blocks while CHUNKS_IN_FLIGHT wait to be sent. */
    private final class Chunks extends OutputStream {
        private final SubmissionPublisher<ByteBuffer> pipe;
        private byte[] chunk = new byte[CHUNK];
        private int used;

        Chunks(SubmissionPublisher<ByteBuffer> pipe) {
            this.pipe = pipe;
        }

        @Override
        public void write(int b) {
            if (used == chunk.length) {
                submit();
            }
            chunk[used++] = (byte) b;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            while (len > 0) {
                if (used == chunk.length) {
                    submit();
                }
                int n = Math.min(len, chunk.length - used);
                System.arraycopy(b, off, chunk, used, n);
                used += n;
                off += n;
                len -= n;
            }
        }

        @Override
        public void close() {
            if (used > 0) {
                submit();
            }
        }

        private void submit() {
            pipe.submit(ByteBuffer.wrap(chunk, 0, used));
            bytes += used;
            chunk = new byte[CHUNK];
            used = 0;
        }
    }
}
