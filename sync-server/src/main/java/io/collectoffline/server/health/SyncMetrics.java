package io.collectoffline.server.health;

import io.collectoffline.protocol.ServerStatus;
import io.collectoffline.server.apply.IncomingAdminService;
import io.collectoffline.server.files.FilesOverview;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Prometheus gauges of the server ({@code /q/metrics}), read from the status every 10 s rather than on each scrape:
 * stored transactions per status (received, deferred, error, …), refusals, apply lag, forward backlog, and per
 * producer its lag (stored but not applied) and seconds since it was last heard from. Ingest and apply counters
 * (rates) are kept where the work is done.
 */
@ApplicationScoped
public class SyncMetrics {

    private final IncomingAdminService status;
    private final FilesOverview files;
    private final Map<String, AtomicLong> perStatus = new ConcurrentHashMap<>();
    private final AtomicLong rejected = new AtomicLong();
    private final AtomicLong applyLag = new AtomicLong();
    private final AtomicLong forwardBacklog = new AtomicLong();
    private final AtomicLong diverged = new AtomicLong();
    private final MultiGauge producerLag;
    private final MultiGauge producerLastSeen;
    private final MeterRegistry registry;

    SyncMetrics(IncomingAdminService status, FilesOverview files, MeterRegistry registry) {
        this.status = status;
        this.files = files;
        this.registry = registry;
        Gauge.builder("collect_rejected_transactions", rejected, AtomicLong::get)
                .description("Refused submissions recorded")
                .register(registry);
        Gauge.builder("collect_apply_lag_seconds", applyLag, AtomicLong::get)
                .description("Age of the oldest stored transaction not applied")
                .register(registry);
        Gauge.builder("collect_forward_backlog", forwardBacklog, AtomicLong::get)
                .description("Stored transactions not yet acknowledged upstream")
                .register(registry);
        Gauge.builder("collect_diverged_producers", diverged, AtomicLong::get)
                .description("Producers one of whose seqs was claimed by another transaction (restored, reinstalled "
                        + "or cloned device)")
                .register(registry);
        producerLag = MultiGauge.builder("collect_producer_lag")
                .description("Transactions of a producer stored but not applied")
                .register(registry);
        producerLastSeen = MultiGauge.builder("collect_producer_last_seen_seconds")
                .description("Seconds since a producer's last transaction arrived")
                .register(registry);
    }

    void start(@Observes StartupEvent event) {
        refresh();
    }

    @Scheduled(every = "10s", delayed = "10s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void refresh() {
        ServerStatus now = status.status(null);
        now.counts()
                .forEach((state, count) -> perStatus
                        .computeIfAbsent(state, s -> {
                            AtomicLong value = new AtomicLong();
                            Gauge.builder("collect_incoming_transactions", value, AtomicLong::get)
                                    .tag("status", s)
                                    .description("Stored transactions by status")
                                    .register(registry);
                            return value;
                        })
                        .set(count));
        rejected.set(now.rejected());
        applyLag.set(now.applyLagSeconds());
        Long backlog = files.transfer().forwardBacklog();
        forwardBacklog.set(backlog == null ? 0 : backlog);
        diverged.set(now.producers().stream().filter(p -> p.diverged() != null).count());
        List<MultiGauge.Row<?>> lag = new ArrayList<>();
        List<MultiGauge.Row<?>> seen = new ArrayList<>();
        OffsetDateTime clock = OffsetDateTime.now(ZoneOffset.UTC);
        for (ServerStatus.ProducerProgress producer : now.producers()) {
            Tags tags = Tags.of("producer", producer.producer());
            lag.add(MultiGauge.Row.of(tags, producer.maxSeq() - producer.appliedSeq()));
            if (producer.lastReceivedAt() != null) {
                seen.add(MultiGauge.Row.of(
                        tags, Duration.between(producer.lastReceivedAt(), clock).toSeconds()));
            }
        }
        producerLag.register(lag, true);
        producerLastSeen.register(seen, true);
    }
}
