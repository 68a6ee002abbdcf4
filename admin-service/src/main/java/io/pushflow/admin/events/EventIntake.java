package io.pushflow.admin.events;

import com.rabbitmq.client.ShutdownSignalException;
import io.micronaut.context.annotation.Value;
import io.micronaut.http.HttpStatus;
import io.pushflow.admin.api.ApiError.FieldError;
import io.pushflow.admin.api.ApiException;
import io.pushflow.core.campaign.PushEvent;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the event endpoints share: a bound on the requests being read at once (each may hold a body of megabytes), a
 * body read up to its limit, and accepted events handed to the broker.
 */
@Singleton
class EventIntake {

    private static final Logger LOG = LoggerFactory.getLogger(EventIntake.class);
    private static final int DRAIN_FACTOR = 16;

    private final EventPublisher publisher;
    private final Semaphore inFlight;
    private final long waitMillis;

    EventIntake(
            EventPublisher publisher,
            @Value("${pushflow.events.max-concurrent:16}") int maxConcurrent,
            @Value("${pushflow.rabbitmq.confirm-timeout:5s}") Duration wait) {
        this.publisher = publisher;
        this.inFlight = new Semaphore(maxConcurrent);
        this.waitMillis = wait.toMillis();
    }

    /**
     * Runs one request's work when fewer than {@code max-concurrent} others are being read; 503 when none ends in
     * time. The body of a waiting request stays in the socket (the server reads it only on demand).
     */
    <T> T limited(Supplier<T> work) {
        try {
            if (!inFlight.tryAcquire(waitMillis, TimeUnit.MILLISECONDS)) {
                throw unavailable("too many requests at once");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unavailable("interrupted");
        }
        try {
            return work.get();
        } finally {
            inFlight.release();
        }
    }

    /**
     * The whole body, or a 413 when it is longer than {@code limit} bytes. A body over the limit is read to its end
     * (up to {@value #DRAIN_FACTOR} times the limit) before the answer: a client still sending would otherwise wait
     * for the server to read on, and never see the 413.
     */
    static byte[] read(InputStream body, Long contentLength, int limit) {
        long drainLimit = (long) limit * DRAIN_FACTOR;
        try (body) {
            if (contentLength != null && contentLength > limit) {
                if (contentLength <= drainLimit) {
                    body.transferTo(OutputStream.nullOutputStream());
                }
                throw tooLarge(limit);
            }
            byte[] buffer = new byte[(int) Math.min(limit + 1L, contentLength != null ? contentLength + 1 : 64 * 1024)];
            int length = 0;
            while (true) {
                if (length == buffer.length) {
                    if (length > limit) {
                        drain(body, drainLimit - length);
                        throw tooLarge(limit);
                    }
                    buffer = Arrays.copyOf(buffer, (int) Math.min(limit + 1L, buffer.length * 2L));
                }
                int n = body.read(buffer, length, buffer.length - length);
                if (n < 0) {
                    return length == buffer.length ? buffer : Arrays.copyOf(buffer, length);
                }
                length += n;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("reading the request body failed", e);
        }
    }

    private static void drain(InputStream body, long atMost) throws IOException {
        byte[] scratch = new byte[64 * 1024];
        long left = atMost;
        int n;
        while (left > 0 && (n = body.read(scratch, 0, (int) Math.min(scratch.length, left))) >= 0) {
            left -= n;
        }
    }

    private static ApiException tooLarge(int limit) {
        String message = "the body is larger than " + limit + " bytes; send fewer events a request";
        return new ApiException(HttpStatus.REQUEST_ENTITY_TOO_LARGE, message, List.of(new FieldError("body", message)));
    }

    /** Publishes the events and returns the batch id once the broker confirmed them; 503 when it did not. */
    String publish(List<PushEvent> events) {
        try {
            return publisher.publish(events);
        } catch (IOException | TimeoutException | ShutdownSignalException e) {
            LOG.warn("{} events not confirmed by RabbitMQ: {}", events.size(), e.toString());
            throw unavailable("RabbitMQ did not confirm them: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unavailable("interrupted");
        }
    }

    private static ApiException unavailable(String why) {
        return new ApiException(
                HttpStatus.SERVICE_UNAVAILABLE,
                "the events were not taken (" + why + "); nothing was accepted, send the same request again later",
                List.of());
    }
}
