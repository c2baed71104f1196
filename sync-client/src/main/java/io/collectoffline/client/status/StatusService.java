package io.collectoffline.client.status;

import io.collectoffline.client.config.ClientConfig;
import io.collectoffline.client.downsync.DownSyncService;
import io.collectoffline.client.identity.NodeIdentity;
import io.collectoffline.client.outbox.OutboxFigures;
import io.collectoffline.client.outbox.OutboxService;
import io.collectoffline.client.push.PushService;
import io.collectoffline.offline.OfflineModelRegistry;
import jakarta.enterprise.context.ApplicationScoped;

/** The laptop's status put together: who it is, its capture, its outbox and its push. */
@ApplicationScoped
public class StatusService {

    private final ClientConfig config;
    private final NodeIdentity identity;
    private final OutboxService outbox;
    private final PushService push;
    private final OfflineModelRegistry registry;
    private final DownSyncService downsync;
    private final io.collectoffline.client.people.LaptopAccounts accounts;

    StatusService(
            ClientConfig config,
            NodeIdentity identity,
            OutboxService outbox,
            PushService push,
            OfflineModelRegistry registry,
            DownSyncService downsync,
            io.collectoffline.client.people.LaptopAccounts accounts) {
        this.accounts = accounts;
        this.downsync = downsync;
        this.config = config;
        this.identity = identity;
        this.outbox = outbox;
        this.push = push;
        this.registry = registry;
    }

    public LaptopStatus status() {
        OutboxFigures figures = outbox.figures();
        return new LaptopStatus(
                figures.producer(),
                config.role().name(),
                config.capture().enabled(),
                config.payload().codec(),
                figures.pending(),
                figures.oldestPendingCapturedAt(),
                figures.oldestPendingAgeSeconds(),
                figures.lastSeq(),
                figures.rejected(),
                figures.consumedByMiddleman(),
                figures.relayedPending(),
                registry.models().size(),
                push.status(),
                identity.device(),
                identity.divergence(),
                downsync.status(),
                accounts.summary());
    }
}
