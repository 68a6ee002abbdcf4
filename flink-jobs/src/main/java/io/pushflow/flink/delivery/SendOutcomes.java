package io.pushflow.flink.delivery;

import io.pushflow.core.delivery.Reason;
import io.pushflow.core.json.Json;
import io.pushflow.core.messaging.Queues;
import io.pushflow.core.user.UserChange;
import io.pushflow.flink.CampaignMetrics;
import io.pushflow.flink.rabbit.AmqpMessage;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

import java.util.Map;
import java.util.Set;

/**
 * The outcome rows of a request's recipients: {@code sent}, {@code failed} with the provider's error, or
 * {@code skipped}/{@code invalid_token} for ids the provider called invalid; each of those also becomes a
 * {@code user.changes} message (token_valid = false) so every part learns it at once. Created notifications
 * go on for the status job.
 */
public class SendOutcomes extends ProcessFunction<SendReport, Outcomes> {

    public static final OutputTag<AmqpMessage> USER_CHANGES = new OutputTag<>("invalid-tokens") { };
    public static final OutputTag<ProviderNotification> NOTIFICATIONS = new OutputTag<>("notifications") { };
    private static final byte INVALID = Outcomes.skipped(Reason.INVALID_TOKEN);

    private final String userChangesExchange;
    private transient CampaignMetrics metrics;

    public SendOutcomes(Queues queues) {
        this.userChangesExchange = queues.name(Queues.USER_CHANGES_EXCHANGE);
    }

    @Override
    public void open(org.apache.flink.api.common.functions.OpenContext context) {
        metrics = new CampaignMetrics(getRuntimeContext().getMetricGroup());
    }

    @Override
    public void processElement(SendReport report, Context ctx, Collector<Outcomes> out) {
        SendRequest r = report.request;
        metrics.record(r.campaignId, "providerLatencyMs", report.latencyMillis);
        metrics.inc(r.campaignId, "providerRequests", 1);
        metrics.inc(r.campaignId, "providerRetries", Math.max(0, report.attempts - 1));
        Set<String> invalid = Set.of(report.invalidTokens);
        Outcomes o = Outcomes.of(r.campaignId, r.variant, r.wave, r.batchId, report.atMillis, r.userIds.length);
        System.arraycopy(r.userIds, 0, o.userIds, 0, r.userIds.length);
        if (report.error != null) {
            java.util.Arrays.fill(o.kinds, Outcomes.KIND_FAILED);
            o.error = report.error;
        } else {
            o.notificationId = report.notificationId == null ? "" : report.notificationId;
            for (int i = 0; i < r.userIds.length; i++) {
                if (!invalid.isEmpty() && invalid.contains(r.pushTokens[i])) {
                    o.kinds[i] = INVALID;
                    UserChange dead = new UserChange(UserChange.VERSION, r.userIds[i], report.atMillis, Map.of("token_valid", false));
                    ctx.output(USER_CHANGES, AmqpMessage.toExchange(userChangesExchange, "invalid-token-" + r.requestId + "-" + r.userIds[i],
                            "USER_CHANGE", Json.write(dead)));
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
}
