package io.pushflow.admin.users;

import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Value;
import io.pushflow.store.CampaignHealth;
import io.pushflow.store.CampaignStats;
import io.pushflow.store.ClickHouse;
import io.pushflow.store.HoldoutLift;
import io.pushflow.store.OutcomeExport;
import io.pushflow.store.UserStore;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;

@Factory
class ClickHouseFactory {

    @Singleton
    @Bean(preDestroy = "close")
    ClickHouse clickHouse(
            @Value("${pushflow.clickhouse.url}") String url,
            @Value("${pushflow.clickhouse.user}") String user,
            @Value("${pushflow.clickhouse.password:}") String password,
            @Value("${pushflow.clickhouse.database}") String database,
            @Value("${pushflow.clickhouse.max-execution-time}") Duration maxExecutionTime) {
        return new ClickHouse(new ClickHouse.Config(url, user, password, database, maxExecutionTime));
    }

    @Singleton
    UserStore userStore(ClickHouse clickHouse) {
        return new UserStore(clickHouse);
    }

    @Singleton
    CampaignStats campaignStats(ClickHouse clickHouse, CampaignHealth health) {
        return new CampaignStats(clickHouse, health);
    }

    /** One for the statistics and the guardrail watch: they share its readings of each campaign's outcomes. */
    @Singleton
    CampaignHealth campaignHealth(ClickHouse clickHouse, Clock clock) {
        return new CampaignHealth(clickHouse, clock, CampaignHealth.OUTCOMES_LIFETIME);
    }

    @Singleton
    HoldoutLift holdoutLift(ClickHouse clickHouse) {
        return new HoldoutLift(clickHouse);
    }

    @Singleton
    OutcomeExport outcomeExport(
            ClickHouse clickHouse, @Value("${pushflow.export.max-execution-time:10m}") Duration maxExecutionTime) {
        return new OutcomeExport(clickHouse, maxExecutionTime);
    }
}
