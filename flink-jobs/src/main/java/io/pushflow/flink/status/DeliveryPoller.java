package io.pushflow.flink.status;

import io.pushflow.flink.delivery.ProviderFactory;
import io.pushflow.flink.delivery.ProviderNotification;
import io.pushflow.provider.NotificationStatus;
import io.pushflow.provider.ProviderException;
import io.pushflow.provider.PushProvider;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

import java.time.Duration;

/**
 * Follows each notification the provider created: looks with the provider's view call on a processing-time timer,
 * first after {@code firstLook}, then with a doubling pause up to {@code maxPause} (and as long as a 429's
 * Retry-After says), until its delivery is complete and {@code clickWindow} has passed since it was sent, because
 * its click count ({@code converted}) keeps growing after delivery. A look whose counts changed becomes a row of
 * {@code provider_notifications}, and what was delivered and clicked since the last look becomes evidence for the
 * variant (a notification is one variant's send). One look at a time per task, so the tasks' parallelism bounds the
 * calls in flight. A notification still not complete after {@code giveUpAfter} is left with its last counts.
 */
public class DeliveryPoller extends KeyedProcessFunction<String, ProviderNotification, ProviderNotification> {

    public static final String UID = "delivery-poller";
    public static final OutputTag<VariantDelta> DELIVERIES = new OutputTag<>("deliveries") { };
    static final ValueStateDescriptor<PollState> POLL = new ValueStateDescriptor<>("poll", PollState.class);

    private final ProviderFactory providerFactory;
    private final long firstLookMillis;
    private final long maxPauseMillis;
    private final long giveUpAfterMillis;
    private final long clickWindowMillis;
    private transient PushProvider provider;
    private transient ValueState<PollState> poll;

    public DeliveryPoller(ProviderFactory providerFactory, Duration firstLook, Duration maxPause, Duration clickWindow, Duration giveUpAfter) {
        this.providerFactory = providerFactory;
        this.firstLookMillis = firstLook.toMillis();
        this.maxPauseMillis = maxPause.toMillis();
        this.clickWindowMillis = clickWindow.toMillis();
        this.giveUpAfterMillis = giveUpAfter.toMillis();
    }

    @Override
    public void open(OpenContext context) {
        provider = providerFactory.open();
        poll = getRuntimeContext().getState(POLL);
    }

    @Override
    public void processElement(ProviderNotification n, Context ctx, Collector<ProviderNotification> out) throws Exception {
        if (poll.value() != null) {
            return; // the same notification again (a replayed request returns the provider's first answer)
        }
        PollState state = new PollState();
        state.last = n;
        poll.update(state);
        ctx.timerService().registerProcessingTimeTimer(ctx.timerService().currentProcessingTime() + firstLookMillis);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<ProviderNotification> out) throws Exception {
        PollState state = poll.value();
        if (state == null) {
            return;
        }
        state.looks++;
        long pause = Math.min(maxPauseMillis, firstLookMillis << Math.min(state.looks, 20));
        try {
            NotificationStatus status = provider.status(state.last.notificationId);
            ProviderNotification row = copy(state.last);
            row.successful = status.successful();
            row.failed = status.failed();
            row.errored = status.errored();
            row.converted = status.converted();
            row.remaining = status.remaining();
            row.received = status.received();
            row.checkedAtMillis = timestamp;
            // a delivery's clicks come after the push went out, not after this look: it settles from the send
            VariantDelta d = VariantDelta.of(row.campaignId, row.variant, row.sentAtMillis);
            d.delivered = Math.max(0, row.successful - state.last.successful);
            d.providerClicks = Math.max(0, row.converted - state.last.converted);
            if (d.delivered > 0 || d.providerClicks > 0) {
                ctx.output(DELIVERIES, d);
            }
            if (state.looks == 1 || changed(state.last, row)) {
                out.collect(row);
            }
            state.last = row;
            if (status.complete() && timestamp - row.sentAtMillis >= clickWindowMillis) {
                poll.clear(); // delivered, and its clicks have had their window
                return;
            }
        } catch (ProviderException e) {
            if (!e.retryable()) {
                poll.clear(); // the provider does not know it (404) or refuses us: nothing more to learn
                return;
            }
            if (e.retryAfter() != null) {
                pause = Math.max(pause, e.retryAfter().toMillis());
            }
        }
        if (timestamp - state.last.sentAtMillis > giveUpAfterMillis) {
            poll.clear();
            return;
        }
        poll.update(state);
        ctx.timerService().registerProcessingTimeTimer(timestamp + pause);
    }

    private static boolean changed(ProviderNotification a, ProviderNotification b) {
        return a.successful != b.successful || a.failed != b.failed || a.errored != b.errored || a.converted != b.converted
                || a.remaining != b.remaining || a.received != b.received;
    }

    private static ProviderNotification copy(ProviderNotification n) {
        ProviderNotification c = new ProviderNotification();
        c.notificationId = n.notificationId;
        c.campaignId = n.campaignId;
        c.variant = n.variant;
        c.requestId = n.requestId;
        c.recipients = n.recipients;
        c.sentAtMillis = n.sentAtMillis;
        c.successful = n.successful;
        c.failed = n.failed;
        c.errored = n.errored;
        c.converted = n.converted;
        c.remaining = n.remaining;
        c.received = n.received;
        c.checkedAtMillis = n.checkedAtMillis;
        return c;
    }
}
