package io.collectoffline.client.health;

import io.collectoffline.client.outbox.OutboxFigures;
import io.collectoffline.client.outbox.OutboxService;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.function.ToDoubleFunction;

/**
 * Prometheus gauges of the outbox ({@code /q/metrics}): pending depth, oldest pending age, refused and relayed
 * transactions. Read from the database every 10 s rather than on each scrape, the first time on the scheduler's
 * thread as the app starts (not on the start's own path: the query engine's first use costs a few hundred
 * milliseconds, issue 18); until then the gauges read NaN, "not known yet". Push counters are kept by the push.
 */
@ApplicationScoped
public class OutboxMetrics {

    private final OutboxService outbox;
    private volatile OutboxFigures last;

    OutboxMetrics(OutboxService outbox, MeterRegistry registry) {
        this.outbox = outbox;
        gauge(
                registry,
                "collect_outbox_pending",
                "Transactions not yet acknowledged by the next hop",
                f -> f.pending());
        gauge(
                registry,
                "collect_outbox_oldest_pending_age_seconds",
                "Age of the oldest pending transaction",
                f -> f.oldestPendingAgeSeconds() == null ? 0 : f.oldestPendingAgeSeconds());
        gauge(registry, "collect_outbox_rejected", "Pending transactions the server refused", f -> f.rejected());
        gauge(
                registry,
                "collect_outbox_relayed_pending",
                "Pending transactions pulled from field laptops (middleman)",
                f -> f.relayedPending());
        gauge(
                registry,
                "collect_outbox_consumed_by_middleman",
                "Pending transactions a middleman has stored",
                f -> f.consumedByMiddleman());
    }

    private void gauge(MeterRegistry registry, String name, String description, ToDoubleFunction<OutboxFigures> of) {
        Gauge.builder(name, this, m -> m.last == null ? Double.NaN : of.applyAsDouble(m.last))
                .description(description)
                .register(registry);
    }

    /** Not while the app starts or stops: a start that fails (a missing setting) shuts the database down under it. */
    @Scheduled(
            every = "10s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void refresh() {
        last = outbox.figures();
    }
}
