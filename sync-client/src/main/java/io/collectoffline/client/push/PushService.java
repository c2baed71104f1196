package io.collectoffline.client.push;

import io.agroal.api.AgroalDataSource;
import io.collectoffline.client.config.ClientConfig;
import io.collectoffline.client.identity.NodeIdentity;
import io.collectoffline.client.keys.ServerKeyStore;
import io.collectoffline.client.outbox.OutboxService;
import io.collectoffline.client.outbox.OutboxService.Delivery;
import io.collectoffline.client.outbox.OutboxService.Reissue;
import io.collectoffline.client.transport.ServerClient;
import io.collectoffline.protocol.Batch;
import io.collectoffline.protocol.TransactionEnvelope;
import io.collectoffline.protocol.TransactionResult;
import io.collectoffline.shipping.Backoff;
import io.collectoffline.shipping.BatchLimit;
import io.collectoffline.shipping.Every;
import io.collectoffline.shipping.Link;
import io.collectoffline.shipping.LinkFailure;
import io.collectoffline.shipping.LinkState;
import io.collectoffline.shipping.LinkStates;
import io.collectoffline.shipping.ShipObserver;
import io.collectoffline.shipping.ShipReport;
import io.collectoffline.shipping.Shipper;
import io.collectoffline.shipping.ShippingQueue;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

/**
 * Delivers the outbox to the server through the shipping engine ({@link Shipper}): on a schedule and on demand, one
 * push at a time. This class is the push's adapter: the outbox as the engine's queue, the server as its link, and
 * what only a laptop does around a pass (re-sending refused transactions after a while, following a rotated server
 * key, re-issuing on a new stream when the server holds a seq with another transaction).
 *
 * <p>The link's state ({@link LinkState}) is kept in the database: transient failures back off exponentially with
 * jitter, refused credentials (401/403) stop scheduled pushes and make the readiness check DOWN until a push
 * succeeds again, and a restart keeps both.
 */
@ApplicationScoped
public class PushService {

    /** The name of this laptop's link to its server in {@code link_state}. */
    static final String LINK = "server";

    private final ClientConfig config;
    private final OutboxService outbox;
    private final ServerClient server;
    private final ServerKeyStore keys;
    private final NodeIdentity identity;
    private final LinkStates links;
    private final String credentials;
    private final MeterRegistry metrics;
    private final ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
        Thread thread = new Thread(r, "push");
        thread.setDaemon(true);
        return thread;
    });

    private final Object lock = new Object();
    private CompletableFuture<PushReport> current;
    private volatile Progress progress;
    private volatile PushReport lastPush;
    private volatile LinkState link;
    /**
     * When a push last asked the server what it holds of every producer of this outbox, relayed ones too (due at the
     * first push after start); this laptop's own streams are asked about at every push.
     */
    private final Every fullCheck = new Every();
    /** The batch size the server link takes (halved after a timeout or a 413; a slow field link). */
    private final BatchLimit batchLimit;

    PushService(
            ClientConfig config,
            OutboxService outbox,
            ServerClient server,
            ServerKeyStore keys,
            NodeIdentity identity,
            MeterRegistry metrics,
            AgroalDataSource dataSource) {
        this.config = config;
        this.outbox = outbox;
        this.server = server;
        this.keys = keys;
        this.identity = identity;
        this.metrics = metrics;
        this.batchLimit = new BatchLimit(() -> config.push().maxTransactions());
        this.links = new LinkStates(dataSource);
        this.credentials = LinkStates.credentials(
                config.server().url().map(Object::toString).orElse(""),
                config.server().token().orElse(""));
    }

    private record Progress(long startedNanos, int batch, int batches, int sent) {}

    void stop(@Observes ShutdownEvent event) {
        executor.shutdownNow();
    }

    /**
     * The schedule: pushes when a server is configured, the link is due (no backoff, credentials not refused) and
     * there is something to send, or it is time to ask the server whether it still holds what it confirmed.
     */
    @Scheduled(
            every = "{sync.client.push.interval}",
            delayed = "5s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduled() {
        if (server.server().isEmpty() || !link().due(Instant.now())) {
            return;
        }
        boolean nothingToSend = outbox.sendable() == 0
                && link().failures() == 0
                && outbox.requeueRejected(config.push().resendRejectedAfter()) == 0;
        if (nothingToSend && !checkDue()) {
            return;
        }
        start(nothingToSend);
    }

    /** Whether it is time to ask the server about every producer of this outbox ({@link #fullCheck}). */
    private boolean checkDue() {
        return fullCheck.due(config.push().checkDeliveredEvery());
    }

    /** Starts a push unless one is running; either way returns the push in progress. */
    public CompletableFuture<PushReport> start() {
        return start(false);
    }

    /**
     * Starts a push unless one is running. {@code onlyToCheck}: the schedule's hourly question, with nothing to send,
     * whether the server still holds what it confirmed; a server out of reach then is no failure of the link (a field
     * laptop is offline most of the time, and nothing waits to be sent): it is asked again at the next check.
     */
    CompletableFuture<PushReport> start(boolean onlyToCheck) {
        synchronized (lock) {
            if (current == null || current.isDone()) {
                current = CompletableFuture.supplyAsync(() -> push(onlyToCheck), executor);
            }
            return current;
        }
    }

    /** Starts a push (unless one runs) and waits for it to end, at most {@code timeout}. */
    public PushReport pushAndWait(Duration timeout) throws TimeoutException, InterruptedException {
        try {
            return start().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("push failed unexpectedly", e.getCause());
        }
    }

    public PushStatus status() {
        Progress p = progress;
        Double rate = null;
        if (p != null) {
            double seconds = (System.nanoTime() - p.startedNanos()) / 1e9;
            rate = seconds > 0 ? Math.round(p.sent() / seconds * 10) / 10.0 : 0.0;
        }
        LinkState state = link();
        return new PushStatus(
                server.server().map(Object::toString).orElse(null),
                config.push().interval(),
                p != null,
                p == null ? null : p.batch(),
                p == null ? null : p.batches(),
                p == null ? null : p.sent(),
                rate,
                batchLimit.current(),
                lastPush,
                state.failures(),
                state.nextAttemptAt() == null ? null : state.nextAttemptAt().atOffset(ZoneOffset.UTC),
                state.authProblem() == null
                        ? null
                        : "the server refused this laptop's credentials: " + state.authProblem());
    }

    /** Why pushing has stopped because the server refused this laptop's credentials; null when it has not. */
    public String authProblem() {
        String problem = link().authProblem();
        return problem == null ? null : "the server refused this laptop's credentials: " + problem;
    }

    private LinkState link() {
        LinkState known = link;
        if (known == null) {
            known = links.load(LINK, credentials);
            link = known;
        }
        return known;
    }

    private PushReport push(boolean onlyToCheck) {
        OffsetDateTime started = now();
        long startedNanos = System.nanoTime();
        if (server.server().isEmpty()) {
            return finish(new PushReport(
                    "NO_SERVER", started, now(), 0, 0, 0, 0, 0, "no server configured (sync.client.server.url)"));
        }
        // every producer this outbox holds, relayed ones too, once per check-delivered-every; otherwise those with
        // something to send and this laptop's own streams
        OutboxQueue queue = new OutboxQueue(onlyToCheck || checkDue());
        try {
            outbox.requeueRejected(config.push().resendRejectedAfter());
            ShipReport shipped;
            try {
                // a key rotated on the server is followed first: what is sealed from now on uses it
                keys.followRotation();
                shipped = Shipper.ship(queue, serverLink(), batchLimit, new ShipObserver() {
                    @Override
                    public void sending(int batch, int expected, int answered) {
                        progress = new Progress(startedNanos, batch, expected, answered);
                    }

                    @Override
                    public void shrunk(int from, int to, LinkFailure why) {
                        Log.infof(
                                "Server could not take a batch of %d (%s); sending %d at a time",
                                from, why.getMessage(), to);
                    }

                    @Override
                    public void lost(String producer, long watermark, int resent) {
                        queue.serverLost = "The server no longer holds " + resent + " changes of " + producer
                                + " after seq " + watermark + " that it had confirmed (restored from a backup, or "
                                + "another server at its address). Nothing is lost: this laptop kept them and sent "
                                + "them again.";
                        Log.warn(queue.serverLost);
                        count("resent", resent);
                    }

                    @Override
                    public void recorded(ShippingQueue.Recorded recorded) {
                        count("accepted", recorded.accepted());
                        count("duplicate", recorded.duplicate());
                        count("rejected", recorded.rejected());
                    }
                });
            } catch (LinkFailure failure) {
                shipped = ShipReport.failed(failure);
            }
            LinkFailure failure = shipped.failure();
            if (onlyToCheck && shipped.onlyOutOfReach() && outbox.sendable() == 0) {
                fullCheck.done();
                progress = null;
                Log.infof(
                        "Could not ask the server whether it still holds what it confirmed (%s); asking again in %s",
                        failure.getMessage(), config.push().checkDeliveredEvery());
                return report("FAILED", started, shipped, failure.getMessage(), queue); // not the last push
            }
            saveLink(link().after(shipped, backoffPolicy(), Instant.now()));
            if (failure == null) {
                if (queue.everyProducer) {
                    fullCheck.done();
                }
                String outcome = shipped.batches() == 0 && shipped.rejected() == 0 ? "NOTHING_TO_SEND" : "DELIVERED";
                Log.infof(
                        "Push to %s: %d batches, %d accepted, %d duplicate, %d rejected, %d held by the server "
                                + "already, in %d ms",
                        server.server().get(),
                        shipped.batches(),
                        shipped.accepted(),
                        shipped.duplicate(),
                        shipped.rejected(),
                        shipped.held(),
                        (System.nanoTime() - startedNanos) / 1_000_000);
                return finish(report(outcome, started, shipped, null, queue));
            }
            if (failure.kind() == LinkFailure.Kind.AUTH_REFUSED) {
                Log.errorf("Push stopped: %s", authProblem());
                return finish(report("AUTH_FAILED", started, shipped, failure.getMessage(), queue));
            }
            LinkState state = link();
            Log.warnf(
                    "Push failed (%d in a row), next attempt after %s: %s",
                    state.failures(), state.nextAttemptAt(), failure.getMessage());
            return finish(report("FAILED", started, shipped, failure.getMessage(), queue));
        } catch (RuntimeException e) {
            Log.errorf(e, "Push failed");
            String error = e.getClass().getSimpleName() + ": " + e.getMessage();
            ShipReport none = ShipReport.failed(new LinkFailure(LinkFailure.Kind.UNAVAILABLE, error));
            saveLink(link().after(none, backoffPolicy(), Instant.now()));
            return finish(report("FAILED", started, none, error, queue));
        }
    }

    /** The server as the engine's link, sending as this laptop's device whatever stream it captures on. */
    private Link serverLink() {
        String sender = identity.device();
        return server.hop()
                .link(
                        batch -> new Batch(
                                UUID.randomUUID(),
                                sender,
                                batch,
                                outbox.registrationsFor(batch.stream()
                                        .map(TransactionEnvelope::producer)
                                        .collect(Collectors.toSet()))),
                        config.push().inFlight(),
                        () -> {
                            if (config.push().faultHaltAfterSend()) {
                                Log.warn(
                                        "Fault injection: halting after the server answered, before saving the answer");
                                Runtime.getRuntime().halt(137);
                            }
                        });
    }

    private synchronized void saveLink(LinkState state) {
        if (state.equals(link())) {
            return; // unchanged (a fresh link staying fresh): no write on every pass
        }
        links.save(LINK, credentials, state);
        link = state;
    }

    /** Whether the link to the server is due now: no backoff running, credentials not refused (both directions). */
    public boolean linkDue() {
        return link().due(Instant.now());
    }

    /**
     * Records how a down-sync over the same link to the server ended: a failure backs the link off for both directions
     * (refused credentials stop it until someone fixes them), a success clears it — one link state, one policy.
     */
    public synchronized void downSyncEnded(LinkFailure failure) {
        saveLink(link().after(ShipReport.failed(failure), backoffPolicy(), Instant.now()));
    }

    private static PushReport report(
            String outcome, OffsetDateTime started, ShipReport shipped, String error, OutboxQueue queue) {
        return new PushReport(
                outcome,
                started,
                now(),
                shipped.batches(),
                shipped.accepted(),
                shipped.duplicate(),
                shipped.rejected(),
                shipped.held(),
                error,
                queue.reissued == 0 ? null : queue.reissued,
                queue.divergence,
                shipped.resent() == 0 ? null : shipped.resent(),
                queue.serverLost);
    }

    private void count(String result, int transactions) {
        metrics.counter("collect_push_transactions_total", "result", result).increment(transactions);
    }

    private Backoff backoffPolicy() {
        return new Backoff(config.push().backoffInitial(), config.push().backoffMax());
    }

    /** The wait after {@code failures} failed pushes in a row (the engine's capped exponential backoff). */
    Duration backoff(int failures) {
        return backoffPolicy()
                .after(failures, bound -> ThreadLocalRandom.current().nextLong(bound));
    }

    private PushReport finish(PushReport report) {
        metrics.counter("collect_push_total", "outcome", report.outcome()).increment();
        progress = null;
        lastPush = report;
        return report;
    }

    private static OffsetDateTime now() {
        return OffsetDateTime.now(ZoneOffset.UTC);
    }

    /**
     * The outbox as the engine's queue, for one push. An answer saying the server holds one of this laptop's seqs
     * with another transaction (a restored, reinstalled or cloned laptop) re-issues the pending transactions on a
     * new stream and makes the engine start again from the beginning of the queue.
     */
    private final class OutboxQueue implements ShippingQueue {

        private final boolean everyProducer;
        private int reissued;
        private String divergence;
        private String serverLost;

        OutboxQueue(boolean everyProducer) {
            this.everyProducer = everyProducer;
        }

        @Override
        public long pending() {
            return outbox.sendable();
        }

        @Override
        public List<String> producers() {
            return outbox.sendingProducers();
        }

        @Override
        public List<String> producersToCheck() {
            return outbox.producersToCheck(everyProducer);
        }

        @Override
        public boolean marksDelivered(String producer, long seq) {
            return outbox.isDelivered(producer, seq);
        }

        @Override
        public List<Pending> deliveredAfter(String producer, long afterSeq, int limit) {
            return outbox.deliveredAfter(producer, afterSeq, limit);
        }

        @Override
        public int requeue(List<UUID> txIds) {
            return outbox.undeliver(txIds);
        }

        @Override
        public List<Pending> pendingUpTo(String producer, long afterSeq, long upTo, int limit) {
            return outbox.pendingUpTo(producer, afterSeq, upTo, limit);
        }

        @Override
        public int markHeld(List<UUID> txIds) {
            return outbox.deliveredHeld(txIds);
        }

        @Override
        public List<TransactionEnvelope> next(Position after, int maxCount) {
            return outbox.nextBatch(after, maxCount, config.push().maxBytes());
        }

        @Override
        public Recorded record(List<TransactionEnvelope> batch, List<TransactionResult> results) {
            Delivery delivery = outbox.record(batch, results);
            for (Reissue reissue : outbox.recover(delivery.seqTaken())) {
                reissued += reissue.reissued();
                divergence = "The server already holds seq " + reissue.fromSeq() + " of " + reissue.from()
                        + " with another transaction: this laptop's data diverged from what the server holds "
                        + "(restored from a backup, reinstalled with the same device id, or a copy of another "
                        + "laptop). Nothing is lost: " + reissue.reissued() + " pending changes were re-issued on "
                        + "the new stream " + reissue.stream() + ", where new changes go too. Tell the data manager.";
            }
            return new Recorded(
                    delivery.accepted(),
                    delivery.duplicate(),
                    delivery.rejected(),
                    !delivery.seqTaken().isEmpty());
        }

        /** Only an answer saying the server holds a seq with another transaction re-issues (see {@link #record}). */
        @Override
        public boolean mayRestart(List<TransactionResult> results) {
            return results.stream().anyMatch(r -> TransactionResult.SEQ_TAKEN.equals(r.type()));
        }

        @Override
        public void refuse(TransactionEnvelope tx, String reason) {
            outbox.reject(tx.txId(), reason);
        }
    }
}
