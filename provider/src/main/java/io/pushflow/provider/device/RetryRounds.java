package io.pushflow.provider.device;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * The part of a call both per-device services share: each distinct token once per round, at most
 * {@code maxInFlight} requests outstanding, every request bounded by {@code answerTimeout}; tokens the service did not
 * take go to the next round after a backoff, until {@link RetryPolicy#maxAttempts()}. A token enters a round only
 * after the previous round's request for it was answered with a refusal or never left, so no token is sent twice.
 */
public final class RetryRounds {

    private final RetryPolicy policy;
    private final Sleeper sleeper;
    private final Semaphore inFlight;
    private final Duration answerTimeout;

    public RetryRounds(RetryPolicy policy, Sleeper sleeper, int maxInFlight, Duration answerTimeout) {
        if (maxInFlight < 1) {
            throw new IllegalArgumentException("maxInFlight must be at least 1, got " + maxInFlight);
        }
        this.policy = policy;
        this.sleeper = sleeper;
        this.inFlight = new Semaphore(maxInFlight);
        this.answerTimeout = answerTimeout;
    }

    /**
     * @param refuse  a final answer for a device before anything is sent (its payload is too large, ...), or null
     * @param send    sends one request; its future completes with the answer (it must not complete exceptionally
     *                for a service's answer; an exception is taken as "no answer")
     */
    public DeviceReport run(
            List<Device> devices, Function<Device, Answer> refuse, Function<Device, CompletableFuture<Answer>> send)
            throws InterruptedException {
        Map<String, DeviceOutcome> outcomes = new LinkedHashMap<>();
        List<Device> pending = new ArrayList<>();
        for (Device d : devices) {
            if (d == null || d.token() == null || d.token().isBlank()) {
                String token = d == null || d.token() == null ? "" : d.token();
                outcomes.putIfAbsent(
                        token, new DeviceOutcome(token, DeviceOutcome.Status.FAILED, "no push token", 0, null));
                continue;
            }
            if (outcomes.containsKey(d.token())) {
                continue;
            }
            Answer refused;
            try {
                refused = refuse.apply(d);
            } catch (RuntimeException e) { // a push that cannot be written for this device fails, the call goes on
                refused = Answer.failed("cannot be written: " + e.getClass().getSimpleName());
            }
            if (refused != null) {
                outcomes.put(d.token(), outcome(d.token(), refused, 0));
            } else {
                outcomes.put(d.token(), null); // keeps the token's place and marks it seen
                pending.add(d);
            }
        }
        Map<String, Answer> last = new LinkedHashMap<>();
        for (int attempt = 1; attempt <= policy.maxAttempts() && !pending.isEmpty(); attempt++) {
            if (attempt > 1) {
                Duration retryAfter = null;
                for (Device d : pending) {
                    Duration r = last.get(d.token()).retryAfter();
                    if (r != null && (retryAfter == null || r.compareTo(retryAfter) > 0)) {
                        retryAfter = r;
                    }
                }
                sleeper.sleep(policy.backoff(attempt, retryAfter));
            }
            List<CompletableFuture<Answer>> round = new ArrayList<>(pending.size());
            for (Device d : pending) {
                inFlight.acquire();
                CompletableFuture<Answer> sent;
                try {
                    sent = send.apply(d);
                } catch (RuntimeException e) {
                    sent = CompletableFuture.completedFuture(
                            Answer.retry("not sent: " + e.getClass().getSimpleName(), null));
                }
                round.add(sent.orTimeout(answerTimeout.toMillis(), TimeUnit.MILLISECONDS)
                        .exceptionally(RetryRounds::noAnswer)
                        .whenComplete((a, e) -> inFlight.release()));
            }
            List<Device> retry = new ArrayList<>();
            for (int i = 0; i < round.size(); i++) {
                Device d = pending.get(i);
                Answer a = round.get(i).join();
                last.put(d.token(), a);
                if (a.kind() == Answer.Kind.RETRY) {
                    retry.add(d);
                } else {
                    outcomes.put(d.token(), outcome(d.token(), a, attempt));
                }
            }
            pending = retry;
        }
        for (Device d : pending) {
            outcomes.put(
                    d.token(),
                    new DeviceOutcome(
                            d.token(),
                            DeviceOutcome.Status.RETRIES_EXHAUSTED,
                            last.get(d.token()).reason(),
                            policy.maxAttempts(),
                            null));
        }
        return new DeviceReport(List.copyOf(outcomes.values()));
    }

    private static Answer noAnswer(Throwable e) {
        Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
        return cause instanceof TimeoutException
                ? Answer.unconfirmed("no answer within the timeout")
                : Answer.unconfirmed("no answer: " + cause.getClass().getSimpleName());
    }

    private static DeviceOutcome outcome(String token, Answer a, int attempts) {
        DeviceOutcome.Status status = switch (a.kind()) {
            case SENT -> DeviceOutcome.Status.SENT;
            case TOKEN_INVALID -> DeviceOutcome.Status.TOKEN_INVALID;
            case FAILED -> DeviceOutcome.Status.FAILED;
            case UNCONFIRMED -> DeviceOutcome.Status.UNCONFIRMED;
            case RETRY -> DeviceOutcome.Status.RETRIES_EXHAUSTED;
        };
        return new DeviceOutcome(token, status, a.reason(), attempts, a.tokenInvalidSince());
    }
}
