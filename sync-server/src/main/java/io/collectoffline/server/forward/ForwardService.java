package io.collectoffline.server.forward;

import io.collectoffline.protocol.Batch;
import io.collectoffline.protocol.BatchResult;
import io.collectoffline.protocol.HeldQuery;
import io.collectoffline.protocol.TransactionEnvelope;
import io.collectoffline.server.config.ServerConfig;
import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.UUID;

/**
 * Forwards every stored transaction, unchanged (sealed payload, original producer and seq), to the upstream server
 * by REST, as this server's {@code server} device. Asks the upstream's watermark per producer first, so that what
 * arrived there by another route (a file) is not sent again. Failures end the pass; the schedule tries again.
 */
@ApplicationScoped
public class ForwardService {

    private final ServerConfig config;
    private final ForwardQueue queue;
    private final UpstreamClient upstream;
    private final io.collectoffline.server.ingest.IngestService ingest;

    ForwardService(ServerConfig config, ForwardQueue queue, UpstreamClient upstream,
            io.collectoffline.server.ingest.IngestService ingest) {
        this.ingest = ingest;
        this.config = config;
        this.queue = queue;
        this.upstream = upstream;
    }

    /** How one forwarding pass went. */
    public record ForwardReport(int batches, int delivered, int rejected, int heldUpstream, String error) {
    }

    @Scheduled(every = "{sync.server.upstream.interval}", delayed = "5s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduled() {
        if (config.upstream().url().isPresent()) {
            forward();
        }
    }

    /** One forwarding pass; synchronized so that the schedule and an admin's request never overlap. */
    public synchronized ForwardReport forward() {
        if (config.upstream().url().isEmpty()) {
            return new ForwardReport(0, 0, 0, 0, "no upstream configured (sync.server.upstream.url)");
        }
        long started = System.nanoTime();
        int batches = 0;
        int delivered = 0;
        int rejected = 0;
        int held = 0;
        try {
            for (String producer : queue.producers()) {
                long watermark = upstream.watermark(producer).seq();
                long afterSeq = 0;
                while (watermark > afterSeq) {
                    List<TransactionEnvelope> candidates = queue.unforwardedUpTo(producer, afterSeq, watermark,
                            HeldQuery.MAX);
                    if (candidates.isEmpty()) {
                        break;
                    }
                    held += queue.forwardedHeld(upstream.held(producer,
                            candidates.stream().map(TransactionEnvelope::txId).toList()).held());
                    afterSeq = candidates.get(candidates.size() - 1).seq();
                }
            }
            ForwardQueue.Cursor after = ForwardQueue.Cursor.START;
            while (true) {
                List<TransactionEnvelope> batch = queue.next(after, config.upstream().batchSize(), false);
                if (batch.isEmpty()) {
                    break;
                }
                // the batch's producers' signing keys, vouched for by this server (the upstream never enrolled them)
                BatchResult result = upstream.send(new Batch(UUID.randomUUID(), config.nodeId(), batch,
                        ingest.registrationsFor(batch.stream().map(TransactionEnvelope::producer)
                                .collect(java.util.stream.Collectors.toSet()))));
                int[] counts = queue.record(result.results());
                delivered += counts[0];
                rejected += counts[1];
                batches++;
                TransactionEnvelope last = batch.get(batch.size() - 1);
                after = new ForwardQueue.Cursor(last.producer(), last.seq());
            }
            if (batches > 0 || held > 0) {
                Log.infof("Forwarded to %s: %d batches, %d delivered, %d rejected upstream, %d held there already, "
                        + "in %d ms", config.upstream().url().get(), batches, delivered, rejected, held,
                        (System.nanoTime() - started) / 1_000_000);
            }
            return new ForwardReport(batches, delivered, rejected, held, null);
        } catch (UpstreamClient.UpstreamUnavailableException e) {
            Log.warnf("Forwarding to %s stopped: %s", config.upstream().url().get(), e.getMessage());
            return new ForwardReport(batches, delivered, rejected, held, e.getMessage());
        }
    }
}
