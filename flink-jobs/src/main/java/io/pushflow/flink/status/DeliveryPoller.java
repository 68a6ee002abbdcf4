package io.pushflow.flink.status;

import io.pushflow.flink.contracts.ProviderNotification;
import io.pushflow.flink.provider.ProviderFactory;
import io.pushflow.provider.NotificationStatus;
import io.pushflow.provider.ProviderException;
import io.pushflow.provider.PushProvider;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Follows each notification the provider created: looks with the provider's view call on a processing-time timer,
 * first after {@code firstLook}, then with a doubling pause up to {@code maxPause} (and as long as a 429's
 * Retry-After says), until its delivery is complete and {@code clickWindow} has passed since it was sent, because
 * its click count ({@code converted}) keeps growing after delivery. A look whose counts changed becomes a row of
 * {@code provider_notifications}, and what was delivered and clicked since the last look becomes evidence for the
 * variant (a notification is one variant's send). A notification still not complete after {@code giveUpAfter} is
 * left with its last counts.
 *
 * <p>The view call runs off the task thread, at most {@code looksInFlight} at once per task, so a slow provider
 * costs time per look, not the task: its answer is collected by a short timer on the task thread, the only one
 * that touches state. A look due while that many are in flight waits its turn on a timer (the waiting in no
 * particular order). Calls in flight are not part of a snapshot: after a restore the notification's timer simply
 * looks again (a view call only reads).
 */
public class DeliveryPoller extends KeyedProcessFunction<String, ProviderNotification, ProviderNotification> {

    public static final String UID = "delivery-poller";
    public static final OutputTag<VariantDelta> DELIVERIES = new OutputTag<>("deliveries") {};
    /** Public for SavepointMigration: savepoints from before ProviderNotification moved need this state's serializer. */
    public static final ValueStateDescriptor<PollState> POLL = new ValueStateDescriptor<>("poll", PollState.class);
    /** How soon a look in flight is checked for its answer, and the shortest wait for a free call. */
    static final long ANSWER_CHECK_MILLIS = 20;

    /** A view call in flight: when its notification's timer started it. */
    private record Look(long startedAtMillis, Future<NotificationStatus> answer) {}

    private final ProviderFactory providerFactory;
    private final long firstLookMillis;
    private final long maxPauseMillis;
    private final long giveUpAfterMillis;
    private final long clickWindowMillis;
    private final int looksInFlight;
    private transient PushProvider provider;
    private transient ValueState<PollState> poll;
    private transient ExecutorService calls;
    private transient Map<String, Look> inFlight;
    /** Notifications whose look is due but waits for a free call: how many decides how long each waits. */
    private transient Set<String> waiting;
    /** How long a look has taken lately (a moving average; a guess of a second until the first answers). */
    private transient double lookMillis;

    public DeliveryPoller(
            ProviderFactory providerFactory,
            Duration firstLook,
            Duration maxPause,
            Duration clickWindow,
            Duration giveUpAfter,
            int looksInFlight) {
        this.providerFactory = providerFactory;
        this.firstLookMillis = firstLook.toMillis();
        this.maxPauseMillis = maxPause.toMillis();
        this.clickWindowMillis = clickWindow.toMillis();
        this.giveUpAfterMillis = giveUpAfter.toMillis();
        this.looksInFlight = looksInFlight;
    }

    @Override
    public void open(OpenContext context) {
        provider = providerFactory.open();
        poll = getRuntimeContext().getState(POLL);
        calls = Executors.newFixedThreadPool(looksInFlight, r -> {
            Thread t = new Thread(r, "delivery-poller-look");
            t.setDaemon(true);
            return t;
        });
        inFlight = new HashMap<>();
        waiting = new HashSet<>();
        lookMillis = 1_000;
    }

    @Override
    public void close() {
        if (calls != null) {
            calls.shutdownNow();
        }
    }

    /** Looks in flight on this task (tests wait for their answers). */
    int callsInFlight() {
        return inFlight.size();
    }

    @Override
    public void processElement(ProviderNotification n, Context ctx, Collector<ProviderNotification> out)
            throws Exception {
        if (poll.value() != null) {
            return; // the same notification again (a replayed request returns the provider's first answer)
        }
        PollState state = new PollState();
        state.last = n;
        poll.update(state);
        if (n.direct()) {
            // APNs and FCM report nothing later: what the service accepted is the delivery, known now; the state stays
            // until the click window is over, so the same row again counts nothing
            VariantDelta d = VariantDelta.of(n.campaignId, n.variant, n.sentAtMillis);
            d.delivered = n.successful;
            if (d.delivered > 0) {
                ctx.output(DELIVERIES, d);
            }
            ctx.timerService()
                    .registerProcessingTimeTimer(ctx.timerService().currentProcessingTime() + clickWindowMillis);
            return;
        }
        ctx.timerService().registerProcessingTimeTimer(ctx.timerService().currentProcessingTime() + firstLookMillis);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<ProviderNotification> out) throws Exception {
        String id = ctx.getCurrentKey();
        long now = ctx.timerService().currentProcessingTime();
        Look look = inFlight.get(id);
        if (look == null) {
            waiting.remove(id);
            if (poll.value() == null) {
                return;
            }
            if (poll.value().last.direct()) {
                poll.clear(); // a direct send's row: nothing to look at, its click window is over
                return;
            }
            if (inFlight.size() >= looksInFlight) {
                waiting.add(id);
                ctx.timerService().registerProcessingTimeTimer(now + turnWait());
                return;
            }
            inFlight.put(id, new Look(timestamp, calls.submit(() -> provider.status(id))));
            ctx.timerService().registerProcessingTimeTimer(now + ANSWER_CHECK_MILLIS);
            return;
        }
        if (!look.answer().isDone()) {
            ctx.timerService().registerProcessingTimeTimer(now + ANSWER_CHECK_MILLIS);
            return;
        }
        inFlight.remove(id);
        lookMillis = 0.9 * lookMillis + 0.1 * (now - look.startedAtMillis());
        PollState state = poll.value();
        if (state != null) {
            settle(look, state, now, ctx, out);
        }
    }

    /**
     * About how long until a call is free for a notification that joins the waiting ones, halved so that calls do
     * not stand idle, at random around it so the waiting do not come back together: many waiting cost a timer each
     * per wait, not one per few milliseconds. Never longer than the longest pause between looks.
     */
    private long turnWait() {
        double turn = lookMillis * waiting.size() / looksInFlight / 2;
        long wait = (long) (turn * (0.5 + ThreadLocalRandom.current().nextDouble()));
        return Math.max(ANSWER_CHECK_MILLIS, Math.min(maxPauseMillis, wait));
    }

    /**
     * What a look found: a row when the counts changed, evidence for what grew, and the next look a pause after this
     * one started (and no sooner after the answer than a 429's Retry-After), or none when there is nothing more to learn.
     */
    private void settle(Look look, PollState state, long now, OnTimerContext ctx, Collector<ProviderNotification> out)
            throws Exception {
        long started = look.startedAtMillis();
        state.looks++;
        long next = started + Math.min(maxPauseMillis, firstLookMillis << Math.min(state.looks, 20));
        try {
            NotificationStatus status = answer(look.answer());
            ProviderNotification row = state.last.looked(status, started);
            // a delivery's clicks come after the push went out, not after this look: it settles from the send
            VariantDelta d = VariantDelta.of(row.campaignId, row.variant, row.sentAtMillis);
            d.delivered = Math.max(0, row.successful - state.last.successful);
            d.providerClicks = Math.max(0, row.converted - state.last.converted);
            if (d.delivered > 0 || d.providerClicks > 0) {
                ctx.output(DELIVERIES, d);
            }
            if (state.looks == 1 || !row.sameCounts(state.last)) {
                out.collect(row);
            }
            state.last = row;
            if (status.complete() && started - row.sentAtMillis >= clickWindowMillis) {
                poll.clear(); // delivered, and its clicks have had their window
                return;
            }
        } catch (ProviderException e) {
            if (!e.retryable()) {
                poll.clear(); // the provider does not know it (404) or refuses us: nothing more to learn
                return;
            }
            if (e.retryAfter() != null) {
                next = Math.max(next, now + e.retryAfter().toMillis());
            }
        }
        if (started - state.last.sentAtMillis > giveUpAfterMillis) {
            poll.clear();
            return;
        }
        poll.update(state);
        ctx.timerService().registerProcessingTimeTimer(next);
    }

    /** The call's answer, or what it threw (a provider error is the answer of a look that failed). */
    private static NotificationStatus answer(Future<NotificationStatus> call) throws Exception {
        try {
            return call.get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
    }
}
