package io.pushflow.admin.campaign;

import io.micronaut.scheduling.annotation.Scheduled;
import io.pushflow.admin.BackgroundRounds;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Flips SCHEDULED campaigns to RUNNING when their start time comes (the jobs start them on their own clock). */
@Singleton
class CampaignStarter {

    private static final Logger LOG = LoggerFactory.getLogger(CampaignStarter.class);

    private final CampaignService service;
    private final BackgroundRounds rounds;

    CampaignStarter(CampaignService service, BackgroundRounds rounds) {
        this.service = service;
        this.rounds = rounds;
    }

    @Scheduled(fixedDelay = "${pushflow.scheduler.interval:1s}", initialDelay = "1s")
    void startDue() {
        rounds.run(this::startDueNow);
    }

    private void startDueNow() {
        try {
            service.startDue();
        } catch (RuntimeException e) {
            // MySQL away: the next round tries again
            LOG.warn("Cannot start due campaigns: {}", e.getMessage());
        }
    }
}
