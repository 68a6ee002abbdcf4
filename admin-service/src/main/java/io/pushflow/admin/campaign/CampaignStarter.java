package io.pushflow.admin.campaign;

import io.micronaut.scheduling.annotation.Scheduled;
import jakarta.inject.Singleton;

/** Flips SCHEDULED campaigns to RUNNING when their start time comes (the jobs start them on their own clock). */
@Singleton
class CampaignStarter {

    private final CampaignService service;

    CampaignStarter(CampaignService service) {
        this.service = service;
    }

    @Scheduled(fixedDelay = "${pushflow.scheduler.interval:1s}", initialDelay = "1s")
    void startDue() {
        service.startDue();
    }
}
