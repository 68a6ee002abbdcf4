package io.pushflow.flink;

import com.rabbitmq.client.ConnectionFactory;
import io.pushflow.core.campaign.SplitType;
import io.pushflow.core.filter.FilterChain;
import io.pushflow.core.filter.UserPredicate;
import io.pushflow.core.user.User;
import io.pushflow.flink.delivery.DeliveryJob;
import io.pushflow.flink.delivery.ProviderFactory;
import io.pushflow.flink.dispatch.ClickHouseAudience;
import io.pushflow.flink.dispatch.DispatchJob;
import io.pushflow.flink.status.StatusJob;
import io.pushflow.simulator.provider.ProviderSimulator;
import io.pushflow.simulator.provider.SimulatorConfig;
import io.pushflow.store.CampaignStats;
import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whole loop on one MiniCluster against the real RabbitMQ and ClickHouse: dispatch → delivery → the
 * provider simulator (its users open and click) → status → the campaign's statistics, which must equal the
 * simulator's ledger.
 */
class PipelineTest {

    static final InMemoryReporter METRICS = InMemoryReporter.createWithRetainedMetrics();

    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder().setConfiguration(METRICS.addToConfiguration(new Configuration()))
                    .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(8).build());

    static final String APP = "pipeline-app";
    static final String KEY = "pipeline-key";

    @Test
    void the_statistics_of_a_campaign_equal_what_the_simulated_provider_and_its_users_did() throws Exception {
        try (JobEnvironment je = new JobEnvironment()) {
            Instant now = Instant.now();
            Map<String, Object> filter = Map.of("all", List.of(Map.of("field", "sports", "op", "has_any",
                    "values", List.of("kitesurfing", "surfing", "sailing", "fishing"))));
            List<User> cohort = je.load(21, 3_000, now).stream().filter(UserPredicate.of(FilterChain.parse(filter), now)).toList();
            var config = new SimulatorConfig(3, 300, 400, 300, 0.02, 0, 0, new SimulatorConfig.Engagement(0.2, 0.02),
                    List.of(new SimulatorConfig.Rule(null, 42L, "A", null, 0.5, 0.3), new SimulatorConfig.Rule(null, 42L, "B", null, 0.3, 0.05)));
            ConnectionFactory rabbit = je.rabbit.connectionFactory();
            try (ProviderSimulator sim = new ProviderSimulator(config, APP, KEY, new InetSocketAddress("127.0.0.1", 0), rabbit, je.queues)) {
                var provider = new ProviderFactory.OneSignal(sim.baseUrl().toString(), APP, KEY, Duration.ofSeconds(5), 8);

                StreamExecutionEnvironment dispatch = StreamExecutionEnvironment.getExecutionEnvironment();
                dispatch.setParallelism(2);
                DispatchJob.build(dispatch, new DispatchJob.Settings(je.queues, je.rabbit, je.chConfig, Duration.ofMillis(250), 100_000, 200,
                        je.checkpoints(Duration.ofMillis(300)), 1_000), new ClickHouseAudience(je.chConfig));
                je.jobs.add(dispatch.executeAsync("dispatch"));
                StreamExecutionEnvironment delivery = StreamExecutionEnvironment.getExecutionEnvironment();
                delivery.setParallelism(2);
                DeliveryJob.build(delivery, new DeliveryJob.Settings(je.queues, je.rabbit, je.chConfig, provider, 4, 16, Duration.ofMinutes(2),
                        je.checkpoints(Duration.ofMillis(300)), 200));
                je.jobs.add(delivery.executeAsync("delivery"));
                StreamExecutionEnvironment status = StreamExecutionEnvironment.getExecutionEnvironment();
                status.setParallelism(2);
                StatusJob.build(status, new StatusJob.Settings(je.queues, je.rabbit, je.chConfig, provider, Duration.ofMillis(500),
                        Duration.ofSeconds(2), Duration.ofHours(1), Duration.ofMillis(500), Duration.ofSeconds(1), je.checkpoints(Duration.ofMillis(300)),
                        5_000));
                je.jobs.add(status.executeAsync("status"));

                je.command(JobEnvironment.launch(filter, now, SplitType.BANDIT, Duration.ofSeconds(6), 0));

                CampaignStats stats = new CampaignStats(je.clickHouse);
                CampaignStats.Spec spec = new CampaignStats.Spec(42, List.of("A", "B"), null, cohort.size());
                CampaignStats.Campaign seen = null;
                long settled = System.currentTimeMillis() + 16_000; // the 6 s window, then the users' slowest opens and clicks
                long deadline = System.currentTimeMillis() + 90_000;
                while (System.currentTimeMillis() < deadline) {
                    Thread.sleep(500);
                    seen = stats.of(spec, Instant.now());
                    if (System.currentTimeMillis() > settled && seen.outcomes() == cohort.size() && matches(seen, sim)) {
                        break;
                    }
                }
                assertThat(seen).isNotNull();
                assertThat(seen.outcomes()).isEqualTo(cohort.size());
                assertThat(seen.progress()).isEqualTo(1.0);
                for (CampaignStats.Variant v : seen.variants()) {
                    ProviderSimulator.Tally truth = sim.tally(42, v.variant());
                    assertThat(truth).as("the simulator saw variant %s", v.variant()).isNotNull();
                    assertThat(v.sent()).as("sent %s", v.variant()).isEqualTo(truth.recipients.get());
                    assertThat(v.delivered()).as("delivered %s", v.variant()).isEqualTo(truth.recipients.get());
                    assertThat(v.opened()).as("opened %s", v.variant()).isEqualTo(truth.opened.get());
                    assertThat(v.clicked()).as("clicked %s", v.variant()).isEqualTo(truth.clicked.get());
                    assertThat(v.skipped().getOrDefault("invalid_token", 0L)).isGreaterThanOrEqualTo(truth.invalid.get());
                    assertThat(v.clickRate().low()).isLessThanOrEqualTo(v.clickRate().rate()).isLessThanOrEqualTo(v.clickRate().high());
                }
                assertThat(sim.ledger().get("duplicates")).isEqualTo(0L);
                CampaignStats.Variant a = seen.variants().get(0);
                assertThat(a.probabilityBest()).as("A clicks six times as often").isGreaterThan(0.95);
                assertThat(seen.dataAgeSeconds()).isNotNull().isLessThan(60L);
                long sentTotal = seen.variants().stream().mapToLong(CampaignStats.Variant::sent).sum();
                assertThat(counter(je.jobs.get(1).getJobID(), "sent")).as("the delivery job's per-campaign counter").isEqualTo(sentTotal);
                assertThat(counter(je.jobs.get(0).getJobID(), "released")).isEqualTo(cohort.size());
                assertThat(stats.series(42, CampaignStats.Metric.CLICKS, Duration.ofSeconds(1)).get("A").stream()
                        .mapToDouble(CampaignStats.Point::value).sum()).isGreaterThanOrEqualTo(a.clicked());
            }
        }
    }

    /** A per-campaign counter of campaign 42, added up over the job's subtasks. */
    private static long counter(JobID job, String name) {
        return METRICS.getMetricsByGroup().entrySet().stream()
                .filter(g -> job.toString().equals(g.getKey().getAllVariables().get("<job_id>")) && "42".equals(g.getKey().getAllVariables().get("<campaign>")))
                .map(g -> g.getValue().get(name)).filter(m -> m instanceof Counter)
                .mapToLong(m -> ((Counter) m).getCount()).sum();
    }

    private static boolean matches(CampaignStats.Campaign seen, ProviderSimulator sim) {
        for (CampaignStats.Variant v : seen.variants()) {
            ProviderSimulator.Tally truth = sim.tally(42, v.variant());
            if (truth == null || v.delivered() != truth.recipients.get() || v.clicked() != truth.clicked.get() || v.opened() != truth.opened.get()) {
                return false;
            }
        }
        return true;
    }
}
