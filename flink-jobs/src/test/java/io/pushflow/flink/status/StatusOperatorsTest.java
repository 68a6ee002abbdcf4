package io.pushflow.flink.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushflow.core.bandit.BanditFeedback;
import io.pushflow.core.campaign.Metric;
import io.pushflow.core.campaign.PushEvent;
import io.pushflow.core.campaign.RewardSource;
import io.pushflow.core.json.Json;
import io.pushflow.flink.rabbit.AmqpMessage;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

class StatusOperatorsTest {

    static final long T0 = 1_800_000_000_000L;

    static EngagementEvent event(String id, String subscription, String type) {
        EngagementEvent e = new EngagementEvent();
        e.eventId = id;
        e.campaignId = 7;
        e.variant = "A";
        e.subscriptionId = subscription;
        e.type = type;
        e.atMillis = T0;
        return e;
    }

    @Test
    void an_install_s_first_open_and_first_click_count_and_nothing_after_them() throws Exception {
        try (var h = ProcessFunctionTestHarnesses.forKeyedProcessFunction(
                new FirstEngagement(), FirstEngagement::key, Types.STRING)) {
            h.processElement(event("e1", "s1", "OPENED"), T0);
            h.processElement(event("e1", "s1", "OPENED"), T0); // redelivered
            h.processElement(event("e2", "s1", "CLICKED"), T0);
            h.processElement(event("e3", "s1", "CLICKED"), T0); // clicked again
            h.processElement(event("e4", "s2", "CLICKED"), T0);
            assertThat(h.extractOutputValues())
                    .extracting(d -> d.opens + ":" + d.clicks)
                    .containsExactly("1:0", "0:1", "0:1");
        }
    }

    static VariantDelta delta(String variant, long delivered, long clicks, long at) {
        VariantDelta d = VariantDelta.of(7, variant, at);
        d.delivered = delivered;
        d.clicks = clicks;
        return d;
    }

    static VariantDelta providerClicks(String variant, long clicks, long at) {
        VariantDelta d = VariantDelta.of(7, variant, at);
        d.providerClicks = clicks;
        return d;
    }

    static VariantDelta opens(String variant, long opens, long at) {
        VariantDelta d = VariantDelta.of(7, variant, at);
        d.opens = opens;
        return d;
    }

    static RewardRule rule(Metric metric, RewardSource source) {
        RewardRule r = new RewardRule();
        r.campaignId = 7;
        r.version = 1;
        r.metric = metric.name();
        r.rewardSource = source.name();
        r.variants = new String[] {"A", "B"};
        r.windowEndMillis = T0 + 3_600_000;
        return r;
    }

    static KeyedTwoInputStreamOperatorTestHarness<Long, RewardRule, VariantDelta, AmqpMessage> batcher(
            Duration appDelay, Duration providerDelay) throws Exception {
        var h = ProcessFunctionTestHarnesses.forKeyedCoProcessFunction(
                new FeedbackBatcher("bandit.feedback", Duration.ofSeconds(2), appDelay, appDelay, providerDelay),
                (RewardRule r) -> r.campaignId,
                (VariantDelta d) -> d.campaignId,
                Types.LONG);
        h.setProcessingTime(T0);
        return h;
    }

    static List<BanditFeedback> feedback(
            KeyedTwoInputStreamOperatorTestHarness<Long, RewardRule, VariantDelta, AmqpMessage> h) {
        List<BanditFeedback> out = h.extractOutputValues().stream()
                .map(m -> Json.read(m.body, BanditFeedback.class))
                .toList();
        h.getOutput().clear();
        return out;
    }

    static Map<String, Long> rewards(List<BanditFeedback> feedback) {
        Map<String, Long> out = new TreeMap<>();
        feedback.forEach(f -> out.merge(f.variant(), f.rewards(), Long::sum));
        return out;
    }

    @Test
    void deliveries_become_trials_as_their_clicks_can_have_arrived() throws Exception {
        try (var h = batcher(Duration.ofSeconds(10), Duration.ofSeconds(40))) {
            h.processElement2(delta("A", 1_000, 0, T0), T0);
            h.processElement2(delta("B", 1_000, 0, T0), T0);
            h.processElement2(delta("A", 0, 30, T0), T0);
            h.setProcessingTime(T0 + 2_000);
            List<BanditFeedback> first = feedback(h);
            assertThat(first).extracting(BanditFeedback::variant).containsExactly("A", "B");
            double settled2s = 1 - Math.exp(-0.2); // the app reports: its clicks come with the click delay (10 s)
            assertThat(first.get(0).trials()).isCloseTo(1_000 * settled2s, Offset.offset(1e-6));
            assertThat(first.get(0).rewards()).isEqualTo(30);
            assertThat(first.get(1).rewards()).isZero();

            double total = 0; // by 200 s every delivery has settled: the rest of the trials, nothing counted twice
            for (int t = 4_000; t <= 200_000; t += 2_000) {
                h.setProcessingTime(T0 + t);
            }
            for (BanditFeedback f : feedback(h)) {
                if (f.variant().equals("A")) {
                    total += f.trials();
                }
            }
            assertThat(first.get(0).trials() + total).isCloseTo(1_000, Offset.offset(1e-6));
            assertThat(h.numProcessingTimeTimers()).isZero();
            var totals = h.getSideOutput(FeedbackBatcher.TOTALS).stream()
                    .map(r -> r.getValue())
                    .filter(t -> t.variant.equals("A"))
                    .toList();
            assertThat(totals.get(totals.size() - 1)).satisfies(t -> {
                assertThat(t.delivered).isEqualTo(1_000);
                assertThat(t.clicked).isEqualTo(30);
            });
        }
    }

    @Test
    void with_no_app_events_the_provider_s_clicks_are_the_rewards_and_its_deliveries_settle_with_the_polling_delay()
            throws Exception {
        try (var h = batcher(Duration.ofSeconds(10), Duration.ofSeconds(40))) {
            h.processElement1(rule(Metric.CLICKS, RewardSource.PROVIDER), T0);
            h.processElement2(delta("A", 1_000, 0, T0), T0);
            h.processElement2(providerClicks("A", 12, T0), T0);
            h.processElement2(delta("A", 0, 50, T0), T0); // app clicks do not count for a PROVIDER campaign
            h.setProcessingTime(T0 + 2_000);
            List<BanditFeedback> first = feedback(h);
            assertThat(first).singleElement().satisfies(f -> {
                assertThat(f.rewards()).isEqualTo(12);
                assertThat(f.trials()).isCloseTo(1_000 * (1 - Math.exp(-2.0 / 40)), Offset.offset(1e-6));
            });
            h.processElement2(providerClicks("A", 3, T0 + 2_500), T0 + 2_500);
            h.setProcessingTime(T0 + 4_000);
            assertThat(rewards(feedback(h))).containsEntry("A", 3L);
        }
    }

    @Test
    void auto_counts_the_larger_of_the_two_sources_and_never_a_click_twice() throws Exception {
        try (var h = batcher(Duration.ofSeconds(10), Duration.ofSeconds(40))) {
            h.processElement1(rule(Metric.CLICKS, RewardSource.AUTO), T0);
            h.processElement2(delta("A", 100, 0, T0), T0);
            h.processElement2(providerClicks("A", 5, T0), T0); // the provider saw 5 clicks before the app reported any
            h.setProcessingTime(T0 + 2_000);
            assertThat(rewards(feedback(h))).containsEntry("A", 5L);
            h.processElement2(delta("A", 0, 7, T0 + 2_100), T0 + 2_100); // the app reports the same 5 and 2 more
            h.setProcessingTime(T0 + 4_000);
            assertThat(rewards(feedback(h))).containsEntry("A", 2L);
            h.processElement2(
                    providerClicks("A", 2, T0 + 4_100), T0 + 4_100); // the provider catches up to 7: nothing new
            h.setProcessingTime(T0 + 6_000);
            assertThat(rewards(feedback(h)).getOrDefault("A", 0L)).isZero();
        }
    }

    @Test
    void an_opens_campaign_is_rewarded_by_first_opens() throws Exception {
        try (var h = batcher(Duration.ofSeconds(10), Duration.ofSeconds(40))) {
            h.processElement1(rule(Metric.OPENS, RewardSource.AUTO), T0);
            h.processElement2(delta("A", 100, 0, T0), T0);
            h.processElement2(opens("A", 20, T0), T0);
            h.processElement2(delta("A", 0, 4, T0), T0);
            h.processElement2(providerClicks("A", 9, T0), T0);
            h.setProcessingTime(T0 + 2_000);
            assertThat(rewards(feedback(h))).containsEntry("A", 20L);
        }
    }

    @Test
    void state_from_before_reward_sources_reports_each_app_click_once() {
        FeedbackState old = new FeedbackState();
        old.variants = new String[] {"A", "B"};
        old.settled = new double[2];
        old.reported = new double[2];
        old.sequence = new long[2];
        old.totalDelivered = new long[] {100, 100};
        old.totalOpened = new long[2];
        old.totalClicked = new long[] {10, 4};
        old.clicks = new long[] {3, 0}; // A had 3 clicks not yet reported when the savepoint was taken
        FeedbackState now = FeedbackBatcher.normalize(old);
        assertThat(now.reportedRewards).containsExactly(7, 4);
        assertThat(now.totalProviderClicks).containsExactly(0, 0);
        assertThat(RewardSource.AUTO.reward(Metric.CLICKS, 0, now.totalClicked[0], now.totalProviderClicks[0])
                        - now.reportedRewards[0])
                .isEqualTo(3);
    }

    static RewardRule known(long campaign, long windowEnd, String... variants) {
        RewardRule r = rule(Metric.CLICKS, RewardSource.AUTO);
        r.campaignId = campaign;
        r.variants = variants;
        r.windowEndMillis = windowEnd;
        return r;
    }

    @Test
    void only_events_of_known_campaigns_and_their_variants_get_through_and_the_others_are_dead_letters_with_the_reason()
            throws Exception {
        var check = new EngagementCheck("push.events.dead", Duration.ofMinutes(10), Duration.ofDays(7));
        try (var h = ProcessFunctionTestHarnesses.forKeyedCoProcessFunction(
                check, (RewardRule r) -> r.campaignId, (EngagementEvent e) -> e.campaignId, Types.LONG)) {
            h.setProcessingTime(T0);
            h.processElement1(known(7, T0 + 60_000, "A", "B"), T0);
            h.processElement2(event("e1", "s1", "CLICKED"), T0);
            EngagementEvent wrongVariant = event("e2", "s2", "CLICKED");
            wrongVariant.variant = "Z";
            h.processElement2(wrongVariant, T0);
            EngagementEvent early = event("e3", "s3", "OPENED");
            early.campaignId = 8; // its command comes a moment later
            h.processElement2(early, T0);
            EngagementEvent stranger = event("e4", "s4", "OPENED");
            stranger.campaignId = 9; // never launched
            h.processElement2(stranger, T0);
            assertThat(h.extractOutputValues()).extracting(e -> e.eventId).containsExactly("e1");
            h.processElement1(known(8, T0 + 60_000, "A"), T0 + 1_000);
            assertThat(h.extractOutputValues()).extracting(e -> e.eventId).containsExactly("e1", "e3");

            h.setProcessingTime(T0 + Duration.ofMinutes(10).toMillis());
            var dead = h.getSideOutput(EngagementCheck.DEAD_LETTERS).stream()
                    .map(r -> r.getValue())
                    .toList();
            assertThat(dead).extracting(m -> m.queue).containsOnly("push.events.dead");
            assertThat(dead)
                    .extracting(m -> m.correlationId + ": " + m.error)
                    .containsExactly(
                            "e2: campaign 7 has no variant 'Z'",
                            "e4: campaign 9 is unknown (never launched, or its window ended long ago): no command of it came within PT10M");
            assertThat(Json.read(dead.get(0).body, PushEvent.class).eventId()).isEqualTo("e2");
            assertThat(h.numKeyedStateEntries())
                    .as("the rules of 7 and 8, nothing of 9")
                    .isEqualTo(2);

            h.setProcessingTime(T0 + 60_000 + Duration.ofDays(7).toMillis()); // both campaigns long over: forgotten
            assertThat(h.numKeyedStateEntries()).isZero();
        }
    }

    @Test
    void an_unknown_campaign_cannot_hold_more_than_its_share_of_waiting_events() throws Exception {
        var check = new EngagementCheck("push.events.dead", Duration.ofMinutes(10), Duration.ofDays(7));
        try (var h = ProcessFunctionTestHarnesses.forKeyedCoProcessFunction(
                check, (RewardRule r) -> r.campaignId, (EngagementEvent e) -> e.campaignId, Types.LONG)) {
            h.setProcessingTime(T0);
            for (int i = 0; i < EngagementCheck.MAX_WAITING + 5; i++) {
                h.processElement2(event("f" + i, "s" + i, "CLICKED"), T0);
            }
            assertThat(h.getSideOutput(EngagementCheck.DEAD_LETTERS)).hasSize(5);
            h.setProcessingTime(T0 + Duration.ofMinutes(10).toMillis());
            assertThat(h.getSideOutput(EngagementCheck.DEAD_LETTERS)).hasSize(EngagementCheck.MAX_WAITING + 5);
            assertThat(h.numKeyedStateEntries()).isZero();
        }
    }

    @Test
    void a_campaign_s_evidence_is_forgotten_a_day_after_its_window() throws Exception {
        try (var h = batcher(Duration.ofSeconds(10), Duration.ofSeconds(40))) {
            h.processElement1(known(7, T0 + 60_000, "A"), T0);
            h.processElement2(delta("A", 100, 5, T0), T0);
            h.setProcessingTime(T0 + 2_000);
            assertThat(feedback(h)).isNotEmpty();
            assertThat(h.numKeyedStateEntries()).isEqualTo(1);
            h.setProcessingTime(T0 + 60_000 + FeedbackBatcher.FORGET_AFTER_WINDOW.toMillis());
            assertThat(h.numKeyedStateEntries()).isZero();
        }
    }
}
