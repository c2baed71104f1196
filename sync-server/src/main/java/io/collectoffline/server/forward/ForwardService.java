package io.collectoffline.server.forward;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.collectoffline.protocol.Batch;
import io.collectoffline.protocol.TransactionEnvelope;
import io.collectoffline.server.config.ActiveDatabase;
import io.collectoffline.server.config.ServerConfig;
import io.collectoffline.server.ingest.IngestService;
import io.collectoffline.server.store.ForwardQueue;
import io.collectoffline.server.store.JobLock;
import io.collectoffline.shipping.Backoff;
import io.collectoffline.shipping.BatchLimit;
import io.collectoffline.shipping.Every;
import io.collectoffline.shipping.Link;
import io.collectoffline.shipping.LinkFailure;
import io.collectoffline.shipping.LinkState;
import io.collectoffline.shipping.LinkStates;
import io.collectoffline.shipping.ServerHop;
import io.collectoffline.shipping.ShipObserver;
import io.collectoffline.shipping.ShipReport;
import io.collectoffline.shipping.Shipper;
import io.collectoffline.shipping.ShippingQueue;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URI;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Forwards every stored transaction, unchanged (sealed payload, original producer and seq), to the upstream server
 * by REST, as this server's {@code server} device, through the shipping engine ({@link Shipper}): the forward queue
 * is its queue, the upstream its link. One instance forwards at a time however many share the database
 * ({@link JobLock}); the link's backoff and refused credentials are kept in {@code link_state}, so every instance
 * and every restart sees them.
 */
@ApplicationScoped
public class ForwardService {

    /** The name of the upstream link in {@code link_state}, and of the forwarding job's lock. */
    public static final String LINK = "upstream";

    private final ServerConfig config;
    private final ForwardQueue queue;
    private final ObjectMapper json;
    private volatile ServerHop upstream;
    /** When a round of passes last finished asking the upstream about every producer (due at the first pass). */
    private final Every fullCheck = new Every();

    private final IngestService ingest;
    private final JobLock jobs;
    private final LinkStates links;
    private final String credentials;
    private final MeterRegistry metrics;
    /** The batch size the upstream link takes (halved after a timeout or a 413). */
    private final BatchLimit batchLimit;

    ForwardService(
            ServerConfig config,
            ForwardQueue queue,
            ObjectMapper json,
            IngestService ingest,
            JobLock jobs,
            ActiveDatabase database,
            MeterRegistry metrics) {
        this.config = config;
        this.queue = queue;
        this.json = json;
        this.ingest = ingest;
        this.jobs = jobs;
        this.links = new LinkStates(database.dataSource());
        this.credentials = LinkStates.credentials(
                config.upstream().url().map(Object::toString).orElse(""),
                config.upstream().token().orElse(""));
        this.metrics = metrics;
        this.batchLimit = new BatchLimit(() -> config.upstream().batchSize());
    }

    /**
     * How one forwarding pass went.
     *
     * @param batches      batches the upstream answered
     * @param delivered    transactions it accepted or already had
     * @param rejected     transactions it refused (or could not take even alone)
     * @param heldUpstream transactions it held already by another route (a file), confirmed by txId
     * @param error        why the pass stopped early; absent when it went through the whole queue
     */
    public record ForwardReport(int batches, int delivered, int rejected, int heldUpstream, String error) {}

    @Scheduled(
            every = "{sync.server.upstream.interval}",
            delayed = "5s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduled() {
        if (config.upstream().url().isPresent() && state().due(Instant.now())) {
            forward();
        }
    }

    /** What this server knows of its link to the upstream. */
    public LinkState state() {
        return links.load(LINK, credentials);
    }

    /** Why forwarding stopped because the upstream refused this server's token; null when it has not. */
    public String authProblem() {
        return config.upstream().url().isEmpty() ? null : state().authProblem();
    }

    /** One forwarding pass, unless one runs already (here or on another instance sharing the database). */
    public ForwardReport forward() {
        if (config.upstream().url().isEmpty()) {
            return new ForwardReport(0, 0, 0, 0, "no upstream configured (sync.server.upstream.url)");
        }
        Optional<JobLock.Held> lock = jobs.tryLock("forward");
        if (lock.isEmpty()) {
            return new ForwardReport(
                    0, 0, 0, 0, "another forwarding pass is running (on this or another instance " + "of this server)");
        }
        try (JobLock.Held held = lock.get()) {
            long started = System.nanoTime();
            queue.requeueRefused(config.upstream().resendRejectedAfter());
            boolean roundDue = fullCheck.due(config.upstream().checkForwardedEvery());
            if (roundDue) {
                queue.startRound(); // a slice of every producer per pass, until all were asked about
            }
            ShipReport report = Shipper.ship(queue, upstreamLink(), batchLimit, new Observer());
            if (roundDue && report.failure() == null && !queue.roundRunning()) {
                fullCheck.done();
            }
            if (roundDue && report.onlyOutOfReach() && queue.producers().isEmpty()) {
                // nothing to forward: a central server out of reach for the round's question is no failure of the
                // link (a site server's link comes and goes); the round is asked again at the next check
                queue.endRound();
                fullCheck.done();
                Log.infof(
                        "Could not ask %s whether it still holds what it acknowledged (%s); asking again in %s",
                        config.upstream().url().get(),
                        report.failure().getMessage(),
                        config.upstream().checkForwardedEvery());
                return new ForwardReport(0, 0, 0, 0, report.failure().getMessage());
            }
            LinkState after = state().after(
                            report,
                            new Backoff(
                                    config.upstream().backoffInitial(),
                                    config.upstream().backoffMax()),
                            Instant.now());
            links.save(LINK, credentials, after);
            metrics.counter("collect_forward_total", "outcome", outcome(report)).increment();
            if (report.movedAnything()) {
                Log.infof(
                        "Forwarded to %s: %d batches, %d delivered, %d rejected upstream, %d held there already, "
                                + "in %d ms",
                        config.upstream().url().get(),
                        report.batches(),
                        report.accepted() + report.duplicate(),
                        report.rejected(),
                        report.held(),
                        (System.nanoTime() - started) / 1_000_000);
            }
            LinkFailure failure = report.failure();
            if (failure != null && failure.kind() == LinkFailure.Kind.AUTH_REFUSED) {
                Log.errorf(
                        "Forwarding to %s stopped until its token is fixed: the upstream refused this server's "
                                + "credentials: %s",
                        config.upstream().url().get(), failure.getMessage());
            } else if (failure != null) {
                Log.warnf(
                        "Forwarding to %s stopped (%d failures in a row, next attempt after %s): %s",
                        config.upstream().url().get(), after.failures(), after.nextAttemptAt(), failure.getMessage());
            }
            return new ForwardReport(
                    report.batches(),
                    report.accepted() + report.duplicate(),
                    report.rejected(),
                    report.held(),
                    failure == null ? null : failure.getMessage());
        }
    }

    /**
     * The upstream as the engine's link, {@code sync.server.upstream.in-flight} batches at a time; each batch carries
     * its producers' signing keys, vouched for by us.
     */
    private Link upstreamLink() {
        ServerHop known = upstream;
        if (known == null) {
            URI base =
                    config.upstream().url().orElseThrow(() -> new IllegalStateException("no sync.server.upstream.url"));
            known = new ServerHop(
                    base,
                    config.upstream().token().orElse(null),
                    config.upstream().connectTimeout(),
                    config.upstream().requestTimeout(),
                    json);
            upstream = known;
        }
        return known.link(
                batch -> new Batch(
                        UUID.randomUUID(),
                        config.nodeId(),
                        batch,
                        ingest.registrationsFor(batch.stream()
                                .map(TransactionEnvelope::producer)
                                .collect(Collectors.toSet()))),
                config.upstream().inFlight(),
                () -> {});
    }

    private static String outcome(ShipReport report) {
        if (report.failure() != null) {
            return report.failure().kind() == LinkFailure.Kind.AUTH_REFUSED ? "AUTH_FAILED" : "FAILED";
        }
        return report.movedAnything() ? "DELIVERED" : "NOTHING_TO_SEND";
    }

    /** Metrics and logs of a pass. */
    private final class Observer implements ShipObserver {
        @Override
        public void lost(String producer, long watermark, int resent) {
            Log.warnf(
                    "The upstream %s no longer holds %d transactions of %s after seq %d that it had acknowledged "
                            + "(restored from a backup?): forwarding them again",
                    config.upstream().url().orElse(null), resent, producer, watermark);
            metrics.counter("collect_forward_resent_total").increment(resent);
        }

        @Override
        public void shrunk(int from, int to, LinkFailure why) {
            Log.infof(
                    "Upstream could not take a batch of %d (%s); forwarding %d at a time", from, why.getMessage(), to);
        }

        @Override
        public void recorded(ShippingQueue.Recorded recorded) {
            metrics.counter("collect_forward_transactions_total", "result", "accepted")
                    .increment(recorded.accepted());
            metrics.counter("collect_forward_transactions_total", "result", "duplicate")
                    .increment(recorded.duplicate());
            metrics.counter("collect_forward_transactions_total", "result", "rejected")
                    .increment(recorded.rejected());
        }
    }
}
