package io.collectoffline.client.health;

import io.collectoffline.client.outbox.OutboxFigures;
import io.collectoffline.client.outbox.OutboxService;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Prometheus gauges of the outbox ({@code /q/metrics}): pending depth, oldest pending age, refused and relayed
 * transactions. Read from the database every 10 s rather than on each scrape. Push counters are kept by the push.
 */
@ApplicationScoped
public class OutboxMetrics {

    private final OutboxService outbox;
    private final AtomicLong pending = new AtomicLong();
    private final AtomicLong oldestAge = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private final AtomicLong relayed = new AtomicLong();
    private final AtomicLong consumed = new AtomicLong();

    OutboxMetrics(OutboxService outbox, MeterRegistry registry) {
        this.outbox = outbox;
        Gauge.builder("collect_outbox_pending", pending, AtomicLong::get)
                .description("Transactions not yet acknowledged by the next hop")
                .register(registry);
        Gauge.builder("collect_outbox_oldest_pending_age_seconds", oldestAge, AtomicLong::get)
                .description("Age of the oldest pending transaction")
                .register(registry);
        Gauge.builder("collect_outbox_rejected", rejected, AtomicLong::get)
                .description("Pending transactions the server refused")
                .register(registry);
        Gauge.builder("collect_outbox_relayed_pending", relayed, AtomicLong::get)
                .description("Pending transactions pulled from field laptops (middleman)")
                .register(registry);
        Gauge.builder("collect_outbox_consumed_by_middleman", consumed, AtomicLong::get)
                .description("Pending transactions a middleman has stored")
                .register(registry);
    }

    void start(@Observes StartupEvent event) {
        refresh();
    }

    @Scheduled(every = "10s", delayed = "10s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void refresh() {
        OutboxFigures status = outbox.figures();
        pending.set(status.pending());
        oldestAge.set(status.oldestPendingAgeSeconds() == null ? 0 : status.oldestPendingAgeSeconds());
        rejected.set(status.rejected());
        relayed.set(status.relayedPending());
        consumed.set(status.consumedByMiddleman());
    }
}
