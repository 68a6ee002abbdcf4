package io.pushflow.flink.status;

import io.pushflow.core.campaign.PushEvent;
import java.time.Duration;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Counts each install's first open and first click of a campaign (keyed by campaign and subscription): a
 * redelivered event, or a second click, adds nothing to the bandit's evidence.
 */
public class FirstEngagement extends KeyedProcessFunction<String, EngagementEvent, VariantDelta> {

    public static final String UID = "first-engagement";
    static final ValueStateDescriptor<Integer> SEEN = seen();

    private transient ValueState<Integer> seen;

    private static ValueStateDescriptor<Integer> seen() {
        ValueStateDescriptor<Integer> d = new ValueStateDescriptor<>("seen-types", Integer.class);
        d.enableTimeToLive(StateTtlConfig.newBuilder(Duration.ofDays(32)).build());
        return d;
    }

    public static String key(EngagementEvent e) {
        return e.campaignId + "|" + e.subscriptionId;
    }

    @Override
    public void open(OpenContext context) {
        seen = getRuntimeContext().getState(SEEN);
    }

    @Override
    public void processElement(EngagementEvent e, Context ctx, Collector<VariantDelta> out) throws Exception {
        int bit = 1 << PushEvent.Type.valueOf(e.type).ordinal();
        int before = seen.value() == null ? 0 : seen.value();
        if ((before & bit) != 0) {
            return;
        }
        seen.update(before | bit);
        VariantDelta d = VariantDelta.of(e.campaignId, e.variant, e.atMillis);
        if (e.clicked()) {
            d.clicks = 1;
        } else {
            d.opens = 1;
        }
        out.collect(d);
    }
}
