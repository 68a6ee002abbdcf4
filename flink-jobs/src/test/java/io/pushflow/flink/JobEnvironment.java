package io.pushflow.flink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import io.pushflow.core.campaign.CampaignCommand;
import io.pushflow.core.campaign.CampaignSnapshot;
import io.pushflow.core.campaign.CampaignStatus;
import io.pushflow.core.campaign.Metric;
import io.pushflow.core.campaign.Provider;
import io.pushflow.core.campaign.RewardSource;
import io.pushflow.core.campaign.SendPace;
import io.pushflow.core.campaign.SplitType;
import io.pushflow.core.filter.FilterChain;
import io.pushflow.core.filter.UserPredicate;
import io.pushflow.core.json.Json;
import io.pushflow.core.messaging.ChannelDeclarer;
import io.pushflow.core.messaging.Queues;
import io.pushflow.core.user.User;
import io.pushflow.core.user.UserGenerator;
import io.pushflow.flink.rabbit.RabbitSettings;
import io.pushflow.store.ClickHouse;
import io.pushflow.store.ClickHouseSchema;
import io.pushflow.store.UserStore;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;
import org.apache.flink.api.common.JobID;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.awaitility.core.ConditionTimeoutException;

/** A test's own queues and ClickHouse database, the jobs it starts, and everything removed again on close. */
public final class JobEnvironment implements AutoCloseable {

    /** Always 8 characters: a committable restored from another run's savepoint names its queue with a prefix of this length (see SavepointCompatibilityTest). */
    public final String id = String.format(
                    "%8s", Long.toString(ThreadLocalRandom.current().nextLong(1L << 40), 36))
            .replace(' ', '0');

    /** The cohort filter most job tests launch with: users with any of four water sports. */
    public static final Map<String, Object> WATER_SPORTS = Map.of(
            "all",
            List.of(Map.of(
                    "field",
                    "sports",
                    "op",
                    "has_any",
                    "values",
                    List.of("kitesurfing", "surfing", "sailing", "fishing"))));

    public final Queues queues = new Queues("t" + id + ".");
    public final ClickHouse.Config chConfig =
            ClickHouse.Config.fromEnvironment().withDatabase("pushflow_t_" + id);
    public final RabbitSettings rabbit = RabbitSettings.fromEnvironment();
    public final ClickHouse clickHouse = new ClickHouse(chConfig);
    public final Connection connection;
    public final Channel channel;
    public final List<JobClient> jobs = new ArrayList<>();
    public JobClient job;

    public JobEnvironment() throws Exception {
        ClickHouseSchema.apply(clickHouse);
        connection = rabbit.connectionFactory().newConnection();
        channel = connection.createChannel();
        for (String q : Queues.ALL) {
            queues.declare(q, new ChannelDeclarer(channel));
        }
    }

    /** Checkpoints every {@code interval} into a directory of this test's own. */
    public Checkpoints checkpoints(Duration interval) throws IOException {
        Path dir = Files.createDirectories(Path.of("target", "checkpoints", id));
        return new Checkpoints(interval, dir.toAbsolutePath().toUri().toString());
    }

    /** Loads generated users and returns them with the ids the filter selects first. */
    public List<User> load(long seed, int count, Instant now) {
        List<User> users = new UserGenerator(seed, now).users(1, count).toList();
        new UserStore(clickHouse).insert(users);
        return users;
    }

    /** Loads generated users and returns the ids the filter selects. */
    public Set<Long> loadCohort(long seed, int count, Map<String, Object> filter, Instant now) {
        return load(seed, count, now).stream()
                .filter(UserPredicate.of(FilterChain.parse(filter), now))
                .map(User::userId)
                .collect(Collectors.toSet());
    }

    /** The next message on a queue, waiting up to {@code timeout}; null when none came. */
    public GetResponse next(String queue, Duration timeout) {
        try {
            return await().atMost(timeout)
                    .pollInSameThread()
                    .pollDelay(Duration.ZERO)
                    .pollInterval(Duration.ofMillis(50))
                    .until(() -> channel.basicGet(queue, true), Objects::nonNull);
        } catch (ConditionTimeoutException none) {
            return null;
        }
    }

    public static void publish(Channel channel, String queue, String correlationId, String body) throws Exception {
        channel.basicPublish(
                "",
                queue,
                new AMQP.BasicProperties.Builder()
                        .correlationId(correlationId)
                        .deliveryMode(2)
                        .build(),
                body.getBytes(StandardCharsets.UTF_8));
    }

    /** Waits until every one of these queues has a consumer: the jobs' sources are up and reading. */
    public void awaitConsumers(Duration timeout, String... queueNames) {
        await().atMost(timeout)
                .pollInSameThread()
                .pollDelay(Duration.ZERO)
                .pollInterval(Duration.ofMillis(100))
                .untilAsserted(() -> {
                    List<String> unread = new ArrayList<>();
                    for (String q : queueNames) {
                        if (channel.consumerCount(queues.name(q)) == 0) {
                            unread.add(queues.name(q));
                        }
                    }
                    assertThat(unread).as("queues nothing consumes").isEmpty();
                });
    }

    /** A command for every job, through the fanout exchange the admin service publishes to. */
    public void command(CampaignCommand command) throws Exception {
        channel.basicPublish(
                queues.name(Queues.CAMPAIGN_COMMANDS_EXCHANGE),
                "",
                new AMQP.BasicProperties.Builder()
                        .correlationId(command.commandId())
                        .deliveryMode(2)
                        .build(),
                Json.write(command).getBytes(StandardCharsets.UTF_8));
    }

    /** A LAUNCH of campaign 42 with variants A and B (English texts) starting now, optimising clicks from both sources. */
    public static CampaignCommand launch(
            Map<String, Object> filter, Instant now, SplitType split, Duration window, double holdout) {
        return launch(42, filter, now, split, Metric.CLICKS, RewardSource.AUTO, window, holdout);
    }

    /** A LAUNCH of a campaign with variants A and B (English texts) starting now. */
    public static CampaignCommand launch(
            long campaignId,
            Map<String, Object> filter,
            Instant now,
            SplitType split,
            Metric metric,
            RewardSource rewards,
            Duration window,
            double holdout) {
        return launch(campaignId, filter, now, split, metric, rewards, window, holdout, null, SendPace.EVEN);
    }

    /** As above, with a send rate limit (users per second, null for none) and a pace. */
    public static CampaignCommand launch(
            long campaignId,
            Map<String, Object> filter,
            Instant now,
            SplitType split,
            Metric metric,
            RewardSource rewards,
            Duration window,
            double holdout,
            Integer sendRateLimit,
            SendPace pace) {
        return launch(
                campaignId,
                filter,
                now,
                split,
                metric,
                rewards,
                window,
                holdout,
                sendRateLimit,
                pace,
                Provider.ONESIGNAL);
    }

    /** As above, sent through {@code provider} (OneSignal, or APNs and FCM directly). */
    public static CampaignCommand launch(
            long campaignId,
            Map<String, Object> filter,
            Instant now,
            SplitType split,
            Metric metric,
            RewardSource rewards,
            Duration window,
            double holdout,
            Integer sendRateLimit,
            SendPace pace,
            Provider provider) {
        var content = new CampaignSnapshot.PushContent(
                "en",
                Map.of(
                        "en",
                        new CampaignSnapshot.LocalizedText("t", "b"),
                        "pt",
                        new CampaignSnapshot.LocalizedText("tp", "bp")),
                null,
                null,
                null);
        var snapshot = new CampaignSnapshot(
                campaignId,
                "kiters",
                "windy-ios",
                CampaignStatus.RUNNING,
                new CampaignSnapshot.Cohort(1, "kiters", Json.MAPPER.valueToTree(filter)),
                List.of(
                        new CampaignSnapshot.Variant("A", 1, "a", 1, content),
                        new CampaignSnapshot.Variant("B", 2, "b", 1, content)),
                new CampaignSnapshot.Split(
                        split,
                        metric,
                        null,
                        null,
                        split == SplitType.BANDIT ? 0.05 : null,
                        split == SplitType.BANDIT ? 20 : null,
                        rewards),
                holdout,
                now,
                window,
                sendRateLimit,
                null,
                null,
                provider.name(),
                pace);
        return new CampaignCommand(
                1, "launch-" + campaignId, CampaignCommand.Type.LAUNCH, campaignId, 1, now, "test", snapshot);
    }

    /** A job's exception history from Flink's REST API: task failures, region failovers included (numRestarts counts neither). */
    @SuppressWarnings("unchecked")
    public static List<Object> exceptionHistory(MiniCluster cluster, JobID job) throws Exception {
        URI rest = URI.create(cluster.getRestAddress().get() + "/jobs/" + job + "/exceptions");
        var client =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        var answer = client.send(
                HttpRequest.newBuilder(rest).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        Map<String, Object> body = Json.read(answer.body(), Map.class);
        return (List<Object>) ((Map<String, Object>) body.get("exceptionHistory")).get("entries");
    }

    @Override
    public void close() throws Exception {
        if (job != null) {
            jobs.add(job);
        }
        for (JobClient j : jobs) {
            j.cancel().get();
        }
        clickHouse.dropDatabase();
        clickHouse.close();
        new ChannelDeclarer(channel).removeAll(queues);
        connection.close();
    }
}
