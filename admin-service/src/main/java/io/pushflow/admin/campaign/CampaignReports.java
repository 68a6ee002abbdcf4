package io.pushflow.admin.campaign;

import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.Delivery;
import io.micronaut.context.event.StartupEvent;
import io.micronaut.runtime.event.annotation.EventListener;
import io.pushflow.admin.messaging.BatchConsumer;
import io.pushflow.core.campaign.CampaignReport;
import io.pushflow.core.json.Json;
import io.pushflow.core.messaging.Queues;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/** Marks campaigns COMPLETED when the dispatch job reports on {@code campaign.reports} that their audience is out. */
@Singleton
class CampaignReports extends BatchConsumer {

    private final CampaignService campaigns;

    CampaignReports(ConnectionFactory factory, Queues queues, CampaignService campaigns) {
        super(factory, queues, Queues.CAMPAIGN_REPORTS, 100, Duration.ofMillis(100));
        this.campaigns = campaigns;
    }

    @EventListener
    void onStartup(StartupEvent event) {
        start();
    }

    @PreDestroy
    void onShutdown() throws InterruptedException {
        stop();
    }

    @Override
    protected void apply(List<Delivery> batch) throws Exception {
        for (Delivery d : batch) {
            CampaignReport report;
            try {
                report = Json.read(new String(d.getBody(), StandardCharsets.UTF_8), CampaignReport.class);
                if (report == null
                        || report.v() != CampaignReport.VERSION
                        || report.type() == null
                        || report.campaignId() <= 0) {
                    throw new IllegalArgumentException(
                            "not a v" + CampaignReport.VERSION + " report with a type and a campaign id");
                }
            } catch (IllegalArgumentException e) {
                dead(d, e.getMessage());
                continue;
            }
            if (!campaigns.completed(report)) {
                dead(d, "no campaign " + report.campaignId());
            }
        }
    }
}
