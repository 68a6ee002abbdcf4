package io.pushflow.flink.delivery;

import io.pushflow.core.delivery.Reason;
import io.pushflow.core.json.Json;
import io.pushflow.core.messaging.Queues;
import io.pushflow.core.user.DeviceTokenKind;
import io.pushflow.core.user.UserChange;
import io.pushflow.flink.CampaignMetrics;
import io.pushflow.flink.contracts.ProviderNotification;
import io.pushflow.flink.rabbit.AmqpMessage;
import io.pushflow.provider.device.DeviceOutcome;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * The outcome rows of a request's recipients: {@code sent}, {@code failed} with the provider's error, or
 * {@code skipped}/{@code invalid_token} for ids the provider called invalid; each of those also becomes a
 * {@code user.changes} message so every part learns it at once (OneSignal: token_valid = false; APNs or FCM: the
 * device token forgotten, so no direct campaign sends to it again until the app registers a new one). Created
 * notifications, and a direct send's row of what the service accepted, go on for the status job.
 */
public class SendOutcomes extends ProcessFunction<SendReport, Outcomes> {

    public static final OutputTag<AmqpMessage> USER_CHANGES = new OutputTag<>("invalid-tokens") {};
    public static final OutputTag<ProviderNotification> NOTIFICATIONS = new OutputTag<>("notifications") {};
    private static final byte INVALID = Outcomes.skipped(Reason.INVALID_TOKEN);

    private final String userChangesExchange;
    private transient CampaignMetrics metrics;

    public SendOutcomes(Queues queues) {
        this.userChangesExchange = queues.name(Queues.USER_CHANGES_EXCHANGE);
    }

    @Override
    public void open(OpenContext context) {
        metrics = new CampaignMetrics(getRuntimeContext().getMetricGroup());
    }

    @Override
    public void processElement(SendReport report, Context ctx, Collector<Outcomes> out) {
        SendRequest r = report.request;
        metrics.record(r.campaignId, "providerLatencyMs", report.latencyMillis);
        metrics.inc(r.campaignId, "providerRequests", 1);
        metrics.inc(r.campaignId, "providerRetries", Math.max(0, report.attempts - 1));
        if (r.channel != null) {
            direct(report, ctx, out);
            return;
        }
        Set<String> invalid = Set.of(report.invalidTokens);
        Outcomes o = Outcomes.of(r.campaignId, r.variant, r.wave, r.batchId, report.atMillis, r.userIds.length);
        System.arraycopy(r.userIds, 0, o.userIds, 0, r.userIds.length);
        if (report.error != null) {
            Arrays.fill(o.kinds, Outcomes.KIND_FAILED);
            o.error = report.error;
        } else {
            o.notificationId = report.notificationId == null ? "" : report.notificationId;
            for (int i = 0; i < r.userIds.length; i++) {
                if (!invalid.isEmpty() && invalid.contains(r.pushTokens[i])) {
                    o.kinds[i] = INVALID;
                    UserChange dead = new UserChange(
                            UserChange.VERSION, r.userIds[i], report.atMillis, Map.of("token_valid", false));
                    ctx.output(
                            USER_CHANGES,
                            AmqpMessage.toExchange(
                                    userChangesExchange,
                                    "invalid-token-" + r.requestId + "-" + r.userIds[i],
                                    "USER_CHANGE",
                                    Json.write(dead)));
                } else {
                    o.kinds[i] = Outcomes.KIND_SENT;
                }
            }
        }
        o.countByKind((kind, n) -> metrics.inc(r.campaignId, Outcomes.metric(kind), n));
        out.collect(o);
        if (report.error == null && report.notificationId != null && !report.notificationId.isEmpty()) {
            ProviderNotification n = new ProviderNotification();
            n.notificationId = report.notificationId;
            n.campaignId = r.campaignId;
            n.variant = r.variant;
            n.requestId = r.requestId;
            n.recipients = r.userIds.length - invalid.size();
            n.remaining = n.recipients;
            n.sentAtMillis = report.atMillis;
            ctx.output(NOTIFICATIONS, n);
        }
    }

    /**
     * A direct send: per device its service's answer. Sent rows name the request ({@code apns:<request id>}); a dead
     * token is skipped as {@code invalid_token} and forgotten; every other answer fails the user with the service's
     * reason (an unconfirmed push says so: the device may have it, and it is never sent again). The request's row for
     * {@code provider_notifications} and the status job carries the counts, delivered meaning accepted by the service.
     */
    private void direct(SendReport report, Context ctx, Collector<Outcomes> out) {
        SendRequest r = report.request;
        DeviceTokenKind service = r.directKind();
        String name = service.serviceName();
        String notificationId = ProviderNotification.directId(r.channel, r.requestId);
        int n = r.userIds.length;
        Map<String, List<Integer>> byError = new LinkedHashMap<>();
        List<Integer> sent = new ArrayList<>();
        List<Integer> dead = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (report.error != null) {
                byError.computeIfAbsent(report.error, e -> new ArrayList<>()).add(i);
                continue;
            }
            DeviceOutcome.Status status = DeviceOutcome.Status.values()[report.deviceStatuses[i]];
            switch (status) {
                case SENT -> sent.add(i);
                case TOKEN_INVALID -> dead.add(i);
                case UNCONFIRMED ->
                    byError.computeIfAbsent(
                                    name + ": unconfirmed, the device may have it (" + report.deviceReasons[i] + ")",
                                    e -> new ArrayList<>())
                            .add(i);
                default ->
                    byError.computeIfAbsent(name + ": " + report.deviceReasons[i], e -> new ArrayList<>())
                            .add(i);
            }
        }
        emit(r, report, sent, Outcomes.KIND_SENT, notificationId, "", out);
        emit(r, report, dead, INVALID, "", "", out);
        byError.forEach((error, rows) -> emit(r, report, rows, Outcomes.KIND_FAILED, "", error, out));
        for (int i : dead) {
            // the kind none alone clears the token: the user keeps their OneSignal subscription, the dead token is
            // gone; as
            // of when the push left, so a token the app registered after that stays
            UserChange change = new UserChange(
                    UserChange.VERSION,
                    r.userIds[i],
                    report.handedAtMillis,
                    Map.of("device_token_kind", DeviceTokenKind.NONE.code()));
            ctx.output(
                    USER_CHANGES,
                    AmqpMessage.toExchange(
                            userChangesExchange,
                            "dead-device-token-" + r.requestId + "-" + r.userIds[i],
                            "USER_CHANGE",
                            Json.write(change)));
        }
        int failed = n - sent.size() - dead.size();
        metrics.inc(r.campaignId, service.code() + "Sent", sent.size());
        ProviderNotification row = new ProviderNotification();
        row.notificationId = notificationId;
        row.campaignId = r.campaignId;
        row.variant = r.variant;
        row.requestId = r.requestId;
        row.recipients = n;
        row.successful = sent.size();
        row.failed = dead.size();
        row.errored = failed;
        row.sentAtMillis = report.atMillis;
        row.checkedAtMillis = report.atMillis;
        ctx.output(NOTIFICATIONS, row);
    }

    private void emit(
            SendRequest r,
            SendReport report,
            List<Integer> rows,
            byte kind,
            String notificationId,
            String error,
            Collector<Outcomes> out) {
        if (rows.isEmpty()) {
            return;
        }
        Outcomes o = Outcomes.of(r.campaignId, r.variant, r.wave, r.batchId, report.atMillis, rows.size());
        for (int j = 0; j < rows.size(); j++) {
            o.userIds[j] = r.userIds[rows.get(j)];
            o.kinds[j] = kind;
        }
        o.notificationId = notificationId;
        o.error = error;
        metrics.inc(r.campaignId, Outcomes.metric(kind), rows.size());
        out.collect(o);
    }
}
