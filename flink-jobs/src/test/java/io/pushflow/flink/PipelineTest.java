package io.pushflow.flink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.ConnectionFactory;
import io.pushflow.core.campaign.Metric;
import io.pushflow.core.campaign.RewardSource;
import io.pushflow.core.campaign.SplitType;
import io.pushflow.core.filter.FilterChain;
import io.pushflow.core.filter.UserPredicate;
import io.pushflow.core.messaging.Queues;
import io.pushflow.core.stats.ProportionDifference;
import io.pushflow.core.user.User;
import io.pushflow.flink.delivery.DeliveryJob;
import io.pushflow.flink.dispatch.ClickHouseAudience;
import io.pushflow.flink.dispatch.DispatchJob;
import io.pushflow.flink.provider.ProviderFactory;
import io.pushflow.flink.status.StatusJob;
import io.pushflow.simulator.provider.AppOpenModel;
import io.pushflow.simulator.provider.ProviderSimulator;
import io.pushflow.simulator.provider.SimulatorConfig;
import io.pushflow.store.CampaignStats;
import io.pushflow.store.HoldoutLift;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The whole loop on one MiniCluster against the real RabbitMQ and ClickHouse: dispatch → delivery → the
 * provider simulator (its users open and click) → status → the campaign's statistics, which must equal the
 * simulator's ledger; the bandit learning the campaign's metric, from the app's events or from the provider's own
 * click counts when the app reports nothing.
 */
class PipelineTest {

    static final InMemoryReporter METRICS = InMemoryReporter.createWithRetainedMetrics();

    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setConfiguration(METRICS.addToConfiguration(new Configuration()))
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(8)
            .build());

    static final String APP = "pipeline-app";
    static final String KEY = "pipeline-key";

    static final Map<String, Object> FILTER = JobEnvironment.WATER_SPORTS;

    /** The three jobs against the simulator, as they run in production, with short pauses for a test; the time they all read their queues. */
    static Instant startJobs(JobEnvironment je, ProviderSimulator sim) throws Exception {
        var provider = new ProviderFactory.OneSignal(sim.baseUrl().toString(), APP, KEY, Duration.ofSeconds(5), 8);
        StreamExecutionEnvironment dispatch = StreamExecutionEnvironment.getExecutionEnvironment();
        dispatch.setParallelism(2);
        DispatchJob.build(
                dispatch,
                new DispatchJob.Settings(
                        je.queues,
                        je.rabbit,
                        je.chConfig,
                        Duration.ofMillis(250),
                        100_000,
                        200,
                        je.checkpoints(Duration.ofMillis(300)),
                        1_000),
                new ClickHouseAudience(je.chConfig));
        je.jobs.add(dispatch.executeAsync("dispatch"));
        StreamExecutionEnvironment delivery = StreamExecutionEnvironment.getExecutionEnvironment();
        delivery.setParallelism(2);
        DeliveryJob.build(
                delivery,
                new DeliveryJob.Settings(
                        je.queues,
                        je.rabbit,
                        je.chConfig,
                        provider,
                        4,
                        16,
                        Duration.ofMinutes(2),
                        je.checkpoints(Duration.ofMillis(300)),
                        200));
        je.jobs.add(delivery.executeAsync("delivery"));
        StreamExecutionEnvironment status = StreamExecutionEnvironment.getExecutionEnvironment();
        status.setParallelism(2);
        StatusJob.build(
                status,
                new StatusJob.Settings(
                        je.queues,
                        je.rabbit,
                        je.chConfig,
                        provider,
                        Duration.ofMillis(500),
                        Duration.ofSeconds(2),
                        Duration.ofMinutes(10),
                        Duration.ofHours(1),
                        16,
                        Duration.ofMillis(500),
                        Duration.ofSeconds(1),
                        Duration.ofMillis(700),
                        Duration.ofSeconds(2),
                        Duration.ofMinutes(1),
                        je.checkpoints(Duration.ofMillis(300)),
                        5_000));
        je.jobs.add(status.executeAsync("status"));
        // a launch before the jobs read would start the window before they run: wait for every source
        je.awaitConsumers(
                Duration.ofMinutes(2),
                Queues.CAMPAIGN_COMMANDS,
                Queues.BANDIT_FEEDBACK,
                Queues.PUSH_OUTBOX,
                Queues.DELIVERY_COMMANDS,
                Queues.DELIVERY_USER_CHANGES,
                Queues.PUSH_EVENTS,
                Queues.PUSH_NOTIFICATIONS,
                Queues.STATUS_COMMANDS);
        return Instant.now();
    }

    /** The campaign's statistics once every member has an outcome and they agree with the simulator's ledger. */
    static CampaignStats.Campaign settle(
            CampaignStats stats, CampaignStats.Spec spec, ProviderSimulator sim, long notBefore) {
        AtomicReference<CampaignStats.Campaign> seen = new AtomicReference<>();
        await().atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofMillis(500))
                .untilAsserted(() -> {
                    seen.set(stats.of(spec, Instant.now()));
                    assertThat(System.currentTimeMillis())
                            .as("now, against the earliest the statistics may be final")
                            .isGreaterThan(notBefore);
                    assertThat(seen.get().outcomes())
                            .as("members of campaign %d with an outcome", spec.campaignId())
                            .isEqualTo(spec.audience());
                    assertAgrees(seen.get(), sim);
                });
        return seen.get();
    }

    @Test
    void the_statistics_of_a_campaign_equal_what_the_simulated_provider_and_its_users_did() throws Exception {
        try (JobEnvironment je = new JobEnvironment()) {
            Instant now = Instant.now();
            List<User> cohort = je.load(21, 3_000, now).stream()
                    .filter(UserPredicate.of(FilterChain.parse(FILTER), now))
                    .toList();
            // 42: clicks, the default; 43 optimises opens and 44 clicks over creatives whose best by opens (A) is not
            // the best by clicks (B)
            var config = new SimulatorConfig(
                    3,
                    300,
                    400,
                    300,
                    0.02,
                    0,
                    0,
                    new SimulatorConfig.Engagement(0.2, 0.02),
                    List.of(
                            new SimulatorConfig.Rule(null, 42L, "A", null, 0.5, 0.3),
                                    new SimulatorConfig.Rule(null, 42L, "B", null, 0.3, 0.05),
                            new SimulatorConfig.Rule(null, 43L, "A", null, 0.6, 0.03),
                                    new SimulatorConfig.Rule(null, 43L, "B", null, 0.15, 0.12),
                            new SimulatorConfig.Rule(null, 44L, "A", null, 0.6, 0.03),
                                    new SimulatorConfig.Rule(null, 44L, "B", null, 0.15, 0.12)));
            ConnectionFactory rabbit = je.rabbit.connectionFactory();
            try (ProviderSimulator sim =
                    new ProviderSimulator(config, APP, KEY, new InetSocketAddress("127.0.0.1", 0), rabbit, je.queues)) {
                Instant start = startJobs(je, sim);
                je.command(JobEnvironment.launch(filter(), start, SplitType.BANDIT, Duration.ofSeconds(6), 0));
                je.command(JobEnvironment.launch(
                        43,
                        filter(),
                        start,
                        SplitType.BANDIT,
                        Metric.OPENS,
                        RewardSource.AUTO,
                        Duration.ofSeconds(15),
                        0));
                je.command(JobEnvironment.launch(
                        44,
                        filter(),
                        start,
                        SplitType.BANDIT,
                        Metric.CLICKS,
                        RewardSource.APP,
                        Duration.ofSeconds(15),
                        0));

                CampaignStats stats = new CampaignStats(je.clickHouse);
                CampaignStats.Spec spec =
                        new CampaignStats.Spec(42, List.of("A", "B"), cohort.size(), Metric.CLICKS, RewardSource.AUTO);
                // the start, the 6 s window, then the users' slowest opens and clicks
                CampaignStats.Campaign seen = settle(stats, spec, sim, start.toEpochMilli() + 16_000);
                assertThat(seen).isNotNull();
                assertThat(seen.outcomes()).isEqualTo(cohort.size());
                assertThat(seen.progress()).isEqualTo(1.0);
                for (CampaignStats.Variant v : seen.variants()) {
                    ProviderSimulator.Tally truth = sim.tally(42, v.variant());
                    assertThat(truth)
                            .as("the simulator saw variant %s", v.variant())
                            .isNotNull();
                    assertThat(v.sent()).as("sent %s", v.variant()).isEqualTo(truth.recipients.get());
                    assertThat(v.delivered()).as("delivered %s", v.variant()).isEqualTo(truth.recipients.get());
                    assertThat(v.received()).as("received %s", v.variant()).isEqualTo(truth.recipients.get());
                    assertThat(v.opened()).as("opened %s", v.variant()).isEqualTo(truth.opened.get());
                    assertThat(v.clicked()).as("clicked %s", v.variant()).isEqualTo(truth.clicked.get());
                    assertThat(v.clickedByApp())
                            .as("the app's clicks %s", v.variant())
                            .isEqualTo(truth.clicked.get());
                    assertThat(v.clickedByProvider())
                            .as("the provider's clicks %s", v.variant())
                            .isEqualTo(truth.clicked.get());
                    assertThat(v.skipped().getOrDefault("invalid_token", 0L))
                            .isGreaterThanOrEqualTo(truth.invalid.get());
                    assertThat(v.clickRate().low())
                            .isLessThanOrEqualTo(v.clickRate().rate())
                            .isLessThanOrEqualTo(v.clickRate().high());
                }
                assertThat(sim.ledger().get("duplicates")).isEqualTo(0L);
                CampaignStats.Variant a = seen.variants().get(0);
                assertThat(a.probabilityBest())
                        .as("A clicks six times as often")
                        .isGreaterThan(0.95);
                assertThat(seen.dataAgeSeconds()).isNotNull().isLessThan(60L);
                long sentTotal = seen.variants().stream()
                        .mapToLong(CampaignStats.Variant::sent)
                        .sum();
                assertThat(counter(je.jobs.get(1).getJobID(), 42, "sent"))
                        .as("the delivery job's per-campaign counter")
                        .isEqualTo(sentTotal);
                assertThat(counter(je.jobs.get(0).getJobID(), 42, "released")).isEqualTo(cohort.size());
                assertThat(stats
                                .series(42, CampaignStats.Series.CLICKS, RewardSource.AUTO, Duration.ofSeconds(1))
                                .get("A")
                                .stream()
                                .mapToDouble(CampaignStats.Point::value)
                                .sum())
                        .isEqualTo(a.clicked());

                // the same creatives, one campaign optimising opens and one clicks: each moves its traffic to its own
                // best
                CampaignStats.Campaign opens = settle(
                        stats,
                        new CampaignStats.Spec(43, List.of("A", "B"), cohort.size(), Metric.OPENS, RewardSource.AUTO),
                        sim,
                        System.currentTimeMillis());
                CampaignStats.Campaign clicks = settle(
                        stats,
                        new CampaignStats.Spec(44, List.of("A", "B"), cohort.size(), Metric.CLICKS, RewardSource.APP),
                        sim,
                        System.currentTimeMillis());
                assertThat(opens.metric()).isEqualTo(Metric.OPENS);
                assertThat(opens.variants().get(0).probabilityBest())
                        .as("A is best by opens")
                        .isGreaterThan(0.95);
                assertThat(clicks.variants().get(1).probabilityBest())
                        .as("B is best by clicks")
                        .isGreaterThan(0.95);
                assertThat(lateShare(je, 43, "A"))
                        .as("the opens campaign's last waves to A")
                        .isGreaterThan(0.8);
                assertThat(lateShare(je, 44, "B"))
                        .as("the clicks campaign's last waves to B")
                        .isGreaterThan(0.8);
            }
        }
    }

    @Test
    void with_no_app_events_the_bandit_learns_from_the_provider_s_click_counts() throws Exception {
        try (JobEnvironment je = new JobEnvironment()) {
            Instant now = Instant.now();
            List<User> cohort = je.load(22, 4_000, now).stream()
                    .filter(UserPredicate.of(FilterChain.parse(FILTER), now))
                    .toList();
            var config = new SimulatorConfig(
                            5,
                            300,
                            400,
                            300,
                            0.02,
                            0,
                            0,
                            new SimulatorConfig.Engagement(0.2, 0.02),
                            List.of(
                                    new SimulatorConfig.Rule(null, null, "A", null, 0.2, 0.03),
                                    new SimulatorConfig.Rule(null, null, "B", null, 0.4, 0.25)))
                    .withAppEvents(false);
            try (ProviderSimulator sim = new ProviderSimulator(
                    config,
                    APP,
                    KEY,
                    new InetSocketAddress("127.0.0.1", 0),
                    je.rabbit.connectionFactory(),
                    je.queues)) {
                Instant start = startJobs(je, sim);
                je.command(JobEnvironment.launch(
                        42,
                        filter(),
                        start,
                        SplitType.BANDIT,
                        Metric.CLICKS,
                        RewardSource.PROVIDER,
                        Duration.ofSeconds(20),
                        0));
                je.command(JobEnvironment.launch(
                        43,
                        filter(),
                        start,
                        SplitType.BANDIT,
                        Metric.CLICKS,
                        RewardSource.AUTO,
                        Duration.ofSeconds(20),
                        0));

                CampaignStats stats = new CampaignStats(je.clickHouse);
                for (long campaign : List.of(42L, 43L)) {
                    RewardSource source = campaign == 42 ? RewardSource.PROVIDER : RewardSource.AUTO;
                    CampaignStats.Campaign seen = settle(
                            stats,
                            new CampaignStats.Spec(campaign, List.of("A", "B"), cohort.size(), Metric.CLICKS, source),
                            sim,
                            start.toEpochMilli() + 25_000);
                    assertThat(seen.outcomes()).isEqualTo(cohort.size());
                    for (CampaignStats.Variant v : seen.variants()) {
                        ProviderSimulator.Tally truth = sim.tally(campaign, v.variant());
                        assertThat(v.clicked())
                                .as("clicked %d %s", campaign, v.variant())
                                .isEqualTo(truth.clicked.get())
                                .isPositive();
                        assertThat(v.clickedByProvider()).isEqualTo(truth.clicked.get());
                        assertThat(v.clickedByApp())
                                .as("the app reported nothing")
                                .isZero();
                        assertThat(v.opened()).isZero();
                        assertThat(v.clicksFrom()).isEqualTo(RewardSource.PROVIDER);
                    }
                    assertThat(seen.variants().get(1).probabilityBest())
                            .as("B clicks eight times as often")
                            .isGreaterThan(0.95);
                    assertThat(lateShare(je, campaign, "B"))
                            .as("campaign %d's last waves to B", campaign)
                            .isGreaterThan(0.8);
                }
                assertThat(sim.ledger().get("duplicates")).isEqualTo(0L);
                assertThat(sim.published()).isZero();
                assertThat(je.channel.messageCount(je.queues.name(Queues.PUSH_EVENTS)))
                        .isZero();
            }
        }
    }

    @Test
    void the_holdout_lift_measured_through_the_jobs_holds_the_simulated_users_true_lift() throws Exception {
        try (JobEnvironment je = new JobEnvironment()) {
            Instant now = Instant.now();
            List<User> cohort = je.load(23, 4_000, now).stream()
                    .filter(UserPredicate.of(FilterChain.parse(FILTER), now))
                    .toList();
            // the users' window of 20 s; the lift counted over 40 s from each wave, which holds the seconds from the
            // wave to a
            // device too (up to 20 s, on a loaded machine as well), so the truth is the model's for 40 s
            Duration window = Duration.ofSeconds(20);
            Duration measured = Duration.ofSeconds(40);
            double baseline = 0.3;
            var config = new SimulatorConfig(
                            7, 0, 400, 300, 0, 0, 0, new SimulatorConfig.Engagement(0.2, 0.02), List.of())
                    .withAppOpens(
                            new SimulatorConfig.AppOpens(baseline, window.toMillis(), Map.of("A", 0.3, "B", 0.3)));
            double truth = new AppOpenModel(7, config.appOpens()).trueLift("A", measured);
            ConnectionFactory rabbit = je.rabbit.connectionFactory();
            try (ProviderSimulator sim =
                    new ProviderSimulator(config, APP, KEY, new InetSocketAddress("127.0.0.1", 0), rabbit, je.queues)) {
                Instant start = startJobs(je, sim);
                // everyone in the cohort opens the app by themselves, the holdout too; a push adds its uplift
                sim.openAppsByThemselves(cohort.stream().map(User::pushToken).toList(), Duration.ofSeconds(90));
                je.command(JobEnvironment.launch(filter(), start, SplitType.AB_FIXED, Duration.ofSeconds(6), 0.3));
                HoldoutLift lift = new HoldoutLift(je.clickHouse);
                AtomicReference<HoldoutLift.Lift> measuredLift = new AtomicReference<>();
                await().atMost(Duration.ofMinutes(2))
                        .pollInterval(Duration.ofSeconds(1))
                        .untilAsserted(() -> {
                            measuredLift.set(lift.of(
                                    42,
                                    List.of("A", "B"),
                                    measured,
                                    Instant.now().minusSeconds(5))); // 5 s for the last opens to arrive
                            assertThat(measuredLift.get().complete())
                                    .as("the lift is complete: %s", measuredLift.get())
                                    .isTrue();
                            assertThat(measuredLift.get().holdout().members()
                                            + measuredLift
                                                    .get()
                                                    .pushed()
                                                    .group()
                                                    .members())
                                    .isEqualTo(cohort.size());
                        });
                HoldoutLift.Lift seen = measuredLift.get();
                assertThat(seen.holdout().members())
                        .isBetween((long) (cohort.size() * 0.2), (long) (cohort.size() * 0.4));
                System.out.printf(
                        "holdout lift through the jobs: truth %.3f, pushed %s, holdout %s%n",
                        truth, seen.pushed(), seen.holdout());
                // the 95% interval misses the truth in one run of twenty by design: the test holds the estimate to its
                // 99.9% interval
                HoldoutLift.Group pushed = seen.pushed().group();
                ProportionDifference wide = ProportionDifference.of(
                        pushed.opened(),
                        pushed.members(),
                        seen.holdout().opened(),
                        seen.holdout().members(),
                        0.999);
                assertThat(wide.difference()).isEqualTo(seen.pushed().lift().difference(), Offset.offset(1e-12));
                assertThat(truth).isBetween(wide.low(), wide.high());
                double ownOpens = 1 - Math.pow(1 - baseline, 2); // the users' own opens over 40 s
                assertThat(seen.holdout().rate()).isBetween(ownOpens - 0.1, ownOpens + 0.1);
            }
        }
    }

    static Map<String, Object> filter() {
        return FILTER;
    }

    /** The share of {@code variant} among the users of the campaign's last third of waves (ClickHouse campaign_allocations). */
    static double lateShare(JobEnvironment je, long campaign, String variant) {
        List<Map<String, Object>> rows =
                je.clickHouse.select("SELECT wave, variant, users FROM " + je.clickHouse.table("campaign_allocations")
                        + " FINAL WHERE campaign_id = " + campaign + " ORDER BY wave");
        long lastWave = rows.stream()
                .mapToLong(r -> Long.parseLong(String.valueOf(r.get("wave"))))
                .max()
                .orElse(0);
        long mine = 0;
        long all = 0;
        for (Map<String, Object> r : rows) {
            if (Long.parseLong(String.valueOf(r.get("wave"))) > lastWave * 2 / 3) {
                long users = ((Number) r.get("users")).longValue();
                all += users;
                mine += variant.equals(r.get("variant")) ? users : 0;
            }
        }
        assertThat(all).as("users in campaign %d's last waves", campaign).isPositive();
        System.out.printf(
                "campaign %d: %s got %d of %d users in its last third of %d waves%n",
                campaign, variant, mine, all, lastWave);
        return (double) mine / all;
    }

    /** A per-campaign counter, added up over the job's subtasks. */
    private static long counter(JobID job, long campaign, String name) {
        return METRICS.getMetricsByGroup().entrySet().stream()
                .filter(g -> job.toString().equals(g.getKey().getAllVariables().get("<job_id>"))
                        && Long.toString(campaign)
                                .equals(g.getKey().getAllVariables().get("<campaign>")))
                .map(g -> g.getValue().get(name))
                .filter(m -> m instanceof Counter)
                .mapToLong(m -> ((Counter) m).getCount())
                .sum();
    }

    private static void assertAgrees(CampaignStats.Campaign seen, ProviderSimulator sim) {
        boolean appEvents = (Boolean) sim.ledger().get("appEvents");
        for (CampaignStats.Variant v : seen.variants()) {
            ProviderSimulator.Tally truth = sim.tally(seen.campaignId(), v.variant());
            assertThat(truth)
                    .as("the simulator's tally of campaign %d's %s", seen.campaignId(), v.variant())
                    .isNotNull();
            // the provider's click count comes at the poller's next look, after the app's own events: both are waited
            // for
            assertThat(List.of(v.delivered(), v.clicked(), v.clickedByProvider(), v.opened()))
                    .as(
                            "campaign %d's %s delivered, clicked, clicked by the provider's count, opened, against the simulator's ledger",
                            seen.campaignId(), v.variant())
                    .isEqualTo(List.of(
                            truth.recipients.get(),
                            truth.clicked.get(),
                            truth.clicked.get(),
                            appEvents ? truth.opened.get() : 0L));
        }
    }
}
