package io.pushflow.flink.delivery;

import io.pushflow.provider.device.DeviceOutcome;
import io.pushflow.provider.device.DeviceReport;
import io.pushflow.provider.device.DeviceSender;
import io.pushflow.store.ClickHouseException;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One direct request to APNs or FCM, through the {@link DirectLedger} so a request replayed after a restart reaches no
 * device a second time. Looked up in the ledger first: answered before (a replay), its recorded answers; handed out but
 * never answered (the job died while it was out), or answered for other devices than the replay has, every device
 * unconfirmed and nothing sent; else written as handed, sent, and its answers written. The ledger's writes are retried
 * until ClickHouse takes them: an outage slows the campaign and sends nothing unrecorded.
 */
final class DirectSend {

    private static final Logger LOG = LoggerFactory.getLogger(DirectSend.class);
    private static final long LEDGER_MAX_PAUSE_MILLIS = 5_000;

    private DirectSend() {}

    static void send(SendRequest request, SendReport report, DeviceSender sender, DirectLedger ledger)
            throws InterruptedException {
        String name = request.directKind().serviceName();
        int n = request.pushTokens.length;
        DeviceOutcome.Status[] statuses = new DeviceOutcome.Status[n];
        String[] reasons = new String[n];
        // everything a send needs is built before the ledger is told: a request that cannot be built leaves no row
        long startMillis = System.currentTimeMillis();
        var push = request.devicePush(startMillis);
        var devices = request.devices();
        DirectLedger.Entry known = ledgerCall(() -> ledger.find(request));
        if (known.phase() == DirectLedger.Phase.ANSWERED && known.statuses().length == n) {
            System.arraycopy(known.statuses(), 0, statuses, 0, n);
            System.arraycopy(known.reasons(), 0, reasons, 0, n);
            report.replayed = true;
            report.handedAtMillis = known.atMillis();
        } else if (known.phase() == DirectLedger.Phase.ANSWERED) {
            Arrays.fill(statuses, DeviceOutcome.Status.UNCONFIRMED);
            Arrays.fill(
                    reasons,
                    "answered by " + name + " for " + known.statuses().length
                            + " devices before a restart, replayed with " + n + "; not sent again");
            report.replayed = true;
        } else if (known.phase() == DirectLedger.Phase.HANDED) {
            Arrays.fill(statuses, DeviceOutcome.Status.UNCONFIRMED);
            Arrays.fill(reasons, "handed to " + name + " before a restart and its answer was lost; not sent again");
            report.replayed = true;
        } else {
            report.handedAtMillis = startMillis;
            ledgerCall(() -> {
                ledger.handed(request, Instant.ofEpochMilli(startMillis));
                return null;
            });
            DeviceReport answer = null;
            try {
                answer = sender.send(push, devices);
            } catch (RuntimeException e) {
                // the client broke off half-way: some devices may have it, so none is tried again
                LOG.warn("{} request {} broke off while sending", name, request.requestId, e);
                Arrays.fill(statuses, DeviceOutcome.Status.UNCONFIRMED);
                Arrays.fill(reasons, "the client broke off while sending (" + e + "); not sent again");
            }
            if (answer != null) {
                Map<String, DeviceOutcome> byToken = answer.byToken();
                for (int i = 0; i < n; i++) {
                    DeviceOutcome o = byToken.get(request.pushTokens[i]);
                    statuses[i] = o == null ? DeviceOutcome.Status.FAILED : o.status();
                    reasons[i] = o == null ? "no answer for this device" : o.sent() ? null : o.reason();
                    report.attempts = Math.max(report.attempts, o == null ? 0 : o.attempts());
                }
            }
            ledgerCall(() -> {
                ledger.answered(request, statuses, reasons, Instant.now());
                return null;
            });
        }
        report.deviceStatuses = new byte[n];
        for (int i = 0; i < n; i++) {
            report.deviceStatuses[i] = (byte) statuses[i].ordinal();
        }
        report.deviceReasons = reasons;
        report.status = 200;
    }

    /** Until ClickHouse answers: pauses of 0.5 s doubling up to 5 s, one warning per outage; any other error is the request's. */
    private static <T> T ledgerCall(Supplier<T> call) throws InterruptedException {
        long pause = 500;
        boolean warned = false;
        while (true) {
            try {
                T value = call.get();
                if (warned) {
                    LOG.info("the ledger of direct sends is reachable again");
                }
                return value;
            } catch (ClickHouseException e) {
                if (!warned) {
                    LOG.warn(
                            "the ledger of direct sends cannot be read or written; nothing is sent until it can: {}",
                            e.getMessage());
                    warned = true;
                }
                Thread.sleep(pause);
                pause = Math.min(LEDGER_MAX_PAUSE_MILLIS, pause * 2);
            }
        }
    }
}
