package io.pushflow.admin.campaign;

import io.micronaut.scheduling.annotation.Scheduled;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Flips SCHEDULED campaigns to RUNNING when their start time comes (the jobs start them on their own clock). */
@Singleton
class CampaignStarter {

    private static final Logger LOG = LoggerFactory.getLogger(CampaignStarter.class);

    private final CampaignService service;

    CampaignStarter(CampaignService service) {
        this.service = service;
    }

    @Scheduled(fixedDelay = "${pushflow.scheduler.interval:1s}", initialDelay = "1s")
    void startDue() {
        try {
            service.startDue();
        } catch (RuntimeException e) {
            // MySQL away or the service shutting down: the next round tries again
            LOG.warn("Cannot start due campaigns: {}", e.getMessage());
        }
    }
}
