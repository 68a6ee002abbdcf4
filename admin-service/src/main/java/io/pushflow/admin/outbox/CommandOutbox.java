package io.pushflow.admin.outbox;

import io.pushflow.core.campaign.CampaignCommand;
import io.pushflow.core.json.Json;
import jakarta.inject.Singleton;
import jakarta.transaction.Transactional;

/** Stores a command in the caller's transaction; {@link CommandRelay} publishes it after the commit. */
@Singleton
public class CommandOutbox {

    private final OutboxRepository repository;

    CommandOutbox(OutboxRepository repository) {
        this.repository = repository;
    }

    @Transactional(Transactional.TxType.MANDATORY)
    public void enqueue(CampaignCommand command) {
        repository.save(new OutboxCommand(
                null,
                command.commandId(),
                command.campaignId(),
                command.type().name(),
                Json.write(command),
                command.issuedAt(),
                null,
                0,
                null));
    }
}
