package io.collectoffline.client.push;

import io.collectoffline.client.capture.CaptureInstaller;
import io.collectoffline.client.config.ClientConfig;
import io.collectoffline.client.transport.ServerKeyStore;
import io.collectoffline.client.outbox.OutboxService;
import io.collectoffline.client.outbox.OutboxService.Cursor;
import io.collectoffline.client.outbox.OutboxService.Delivery;
import io.collectoffline.client.outbox.OutboxService.Reissue;
import io.collectoffline.client.outbox.PushReport;
import io.collectoffline.client.outbox.PushStatus;
import io.collectoffline.client.transport.AuthRejectedException;
import io.collectoffline.client.transport.BatchRefusedException;
import io.collectoffline.client.transport.ServerClient;
import io.collectoffline.client.transport.TransientPushException;
import io.collectoffline.protocol.Batch;
import io.collectoffline.protocol.BatchResult;
import io.collectoffline.protocol.HeldQuery;
import io.collectoffline.protocol.TransactionEnvelope;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
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

/**
 * Delivers the outbox to the server: on a schedule and on demand, one push at a time, in seq order, in batches
 * bounded by count and bytes. A transaction leaves the pending state only on the server's ACCEPTED or DUPLICATE for
 * its txId, or when the server's watermark shows it already holds it (DESIGN §5, invariant 3).
 *
 * <p>Failures are classified once, here: transient ones (unreachable, timeouts, 5xx, 429) end the push and the
 * schedule retries with capped exponential backoff and jitter; refused credentials (401/403) stop scheduled pushes
 * and make the readiness check DOWN until a push succeeds again; a transaction the server rejects stays visible and
 * is not sent again unless retried.
 */
@ApplicationScoped
public class PushService {

    private final ClientConfig config;
    private final OutboxService outbox;
    private final ServerClient server;
    private final ServerKeyStore keys;
    private final CaptureInstaller capture;
    private final ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
        Thread thread = new Thread(r, "push");
        thread.setDaemon(true);
        return thread;
    });

    private final Object lock = new Object();
    private CompletableFuture<PushReport> current;
    private volatile Progress progress;
    private volatile PushReport lastPush;
    private volatile int consecutiveFailures;
    private volatile OffsetDateTime nextAttemptAt;
    private volatile String authProblem;

    private final MeterRegistry metrics;

    PushService(ClientConfig config, OutboxService outbox, ServerClient server, ServerKeyStore keys,
            CaptureInstaller capture, MeterRegistry metrics) {
        this.config = config;
        this.outbox = outbox;
        this.server = server;
        this.keys = keys;
        this.capture = capture;
        this.metrics = metrics;
    }

    private record Progress(long startedNanos, int batch, int batches, int sent) {
    }

    void stop(@Observes ShutdownEvent event) {
        executor.shutdownNow();
    }

    /** The schedule: pushes when a server is configured, not in backoff, credentials not refused, work pending. */
    @Scheduled(every = "{sync.client.push.interval}", delayed = "5s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduled() {
        if (server.server().isEmpty() || authProblem != null) {
            return;
        }
        OffsetDateTime next = nextAttemptAt;
        if (next != null && OffsetDateTime.now(ZoneOffset.UTC).isBefore(next)) {
            return;
        }
        if (outbox.sendable() == 0 && next == null
                && outbox.requeueRejected(config.push().resendRejectedAfter()) == 0) {
            return;
        }
        start();
    }

    /** Starts a push unless one is running; either way returns the push in progress. */
    public CompletableFuture<PushReport> start() {
        synchronized (lock) {
            if (current == null || current.isDone()) {
                current = CompletableFuture.supplyAsync(this::push, executor);
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
        return new PushStatus(server.server().map(Object::toString).orElse(null), config.push().interval(),
                p != null, p == null ? null : p.batch(), p == null ? null : p.batches(), p == null ? null : p.sent(),
                rate, lastPush, consecutiveFailures, nextAttemptAt, authProblem);
    }

    /** Why pushing has stopped because the server refused this laptop's credentials; null when it has not. */
    public String authProblem() {
        return authProblem;
    }

    private PushReport push() {
        OffsetDateTime started = OffsetDateTime.now(ZoneOffset.UTC);
        long startedNanos = System.nanoTime();
        if (server.server().isEmpty()) {
            return finish(new PushReport("NO_SERVER", started, now(), 0, 0, 0, 0, 0,
                    "no server configured (sync.client.server.url)"));
        }
        String sender = capture.device(); // the authenticated device, whatever stream it captures on
        int batches = 0;
        int accepted = 0;
        int duplicate = 0;
        int rejected = 0;
        int byWatermark = 0;
        int reissued = 0;
        int restarts = 0;
        String divergence = null;
        try {
            int requeued = outbox.requeueRejected(config.push().resendRejectedAfter());
            if (requeued > 0) {
                Log.infof("Sending %d refused transactions again (refused more than %s ago)", requeued,
                        config.push().resendRejectedAfter());
            }
            for (String sending : outbox.sendingProducers()) {
                byWatermark += confirmHeld(sending, server.watermark(sending).seq());
            }
            String inUse = capture.serverKeyId();
            if (inUse != null) {
                keys.rotated(inUse).ifPresent(capture::useServerKey);
            }
            long sendable = outbox.sendable();
            int maxCount = config.push().maxTransactions();
            int expected = (int) Math.ceil(sendable / (double) maxCount);
            progress = new Progress(startedNanos, 0, expected, 0);
            Cursor after = Cursor.START;
            while (true) {
                List<TransactionEnvelope> batch = outbox.nextBatch(after, maxCount, config.push().maxBytes());
                if (batch.isEmpty()) {
                    break;
                }
                progress = new Progress(startedNanos, batches + 1, Math.max(expected, batches + 1),
                        accepted + duplicate + rejected);
                BatchResult result;
                try {
                    result = server.send(new Batch(UUID.randomUUID(), sender, batch, outbox.registrations()));
                } catch (BatchRefusedException e) {
                    if (!e.tooLarge()) {
                        throw e;
                    }
                    if (batch.size() > 1) {
                        maxCount = (batch.size() + 1) / 2;
                        Log.infof("Server refused a batch of %d as too large; sending %d at a time", batch.size(),
                                maxCount);
                        continue;
                    }
                    TransactionEnvelope alone = batch.get(0);
                    outbox.reject(alone.txId(), "too large for the server even alone: " + e.getMessage());
                    rejected++;
                    after = Cursor.after(alone);
                    continue;
                }
                if (config.push().faultHaltAfterSend()) {
                    Log.warn("Fault injection: halting after the server answered, before saving the answer");
                    Runtime.getRuntime().halt(137);
                }
                Delivery delivery = outbox.record(batch, result.results());
                if (!delivery.seqTaken().isEmpty()) {
                    for (Reissue reissue : outbox.recover(delivery.seqTaken())) {
                        reissued += reissue.reissued();
                        divergence = "The server already holds seq " + reissue.fromSeq() + " of " + reissue.from()
                                + " with another transaction: this laptop's data diverged from what the server "
                                + "holds (restored from a backup, reinstalled with the same device id, or a copy "
                                + "of another laptop). Nothing is lost: " + reissue.reissued()
                                + " pending changes were re-issued on the new stream " + reissue.stream()
                                + ", where new changes go too. Tell the data manager.";
                    }
                    // the re-issued transactions are sent from the start of the queue, on their new stream
                    after = Cursor.START;
                    if (++restarts > 10) {
                        throw new IllegalStateException("the server refused this laptop's seqs as taken 10 times "
                                + "in one push");
                    }
                }
                metrics.counter("collect_push_transactions_total", "result", "accepted")
                        .increment(delivery.accepted());
                metrics.counter("collect_push_transactions_total", "result", "duplicate")
                        .increment(delivery.duplicate());
                metrics.counter("collect_push_transactions_total", "result", "rejected")
                        .increment(delivery.rejected());
                batches++;
                accepted += delivery.accepted();
                duplicate += delivery.duplicate();
                rejected += delivery.rejected();
                if (delivery.seqTaken().isEmpty()) {
                    after = Cursor.after(batch.get(batch.size() - 1));
                }
            }
            consecutiveFailures = 0;
            nextAttemptAt = null;
            authProblem = null;
            String outcome = batches == 0 && rejected == 0 ? "NOTHING_TO_SEND" : "DELIVERED";
            PushReport report = new PushReport(outcome, started, now(), batches, accepted, duplicate, rejected,
                    byWatermark, null, reissued == 0 ? null : reissued, divergence);
            Log.infof("Push to %s: %d batches, %d accepted, %d duplicate, %d rejected, %d held by the server "
                    + "already, in %d ms", server.server().get(), batches, accepted, duplicate, rejected, byWatermark,
                    (System.nanoTime() - startedNanos) / 1_000_000);
            return finish(report);
        } catch (AuthRejectedException e) {
            authProblem = "the server refused this laptop's credentials: " + e.getMessage();
            Log.errorf("Push stopped: %s", authProblem);
            return finish(new PushReport("AUTH_FAILED", started, now(), batches, accepted, duplicate, rejected,
                    byWatermark, e.getMessage()));
        } catch (TransientPushException | BatchRefusedException e) {
            return failed(started, batches, accepted, duplicate, rejected, byWatermark, e.getMessage());
        } catch (RuntimeException e) {
            Log.errorf(e, "Push failed");
            return failed(started, batches, accepted, duplicate, rejected, byWatermark,
                    e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    /**
     * Marks delivered what the server holds of {@code producer} among the pending transactions its watermark
     * covers, asking by txId: the watermark alone never marks anything delivered (README, Guarantees 8).
     */
    private int confirmHeld(String producer, long watermark) {
        int held = 0;
        long afterSeq = 0;
        while (watermark > afterSeq) {
            List<OutboxService.Pending> candidates = outbox.pendingUpTo(producer, afterSeq, watermark, HeldQuery.MAX);
            if (candidates.isEmpty()) {
                break;
            }
            held += outbox.deliveredHeld(server.held(producer,
                    candidates.stream().map(OutboxService.Pending::txId).toList()).held());
            afterSeq = candidates.get(candidates.size() - 1).seq();
        }
        return held;
    }

    private PushReport failed(OffsetDateTime started, int batches, int accepted, int duplicate, int rejected,
            int byWatermark, String error) {
        int failures = ++consecutiveFailures;
        Duration wait = backoff(failures);
        nextAttemptAt = now().plus(wait);
        Log.warnf("Push failed (%d in a row), next attempt in %d s: %s", failures, wait.toSeconds(), error);
        return finish(new PushReport("FAILED", started, now(), batches, accepted, duplicate, rejected, byWatermark,
                error));
    }

    /** Capped exponential backoff with full jitter in [half, whole] of the step, so laptops do not stampede. */
    Duration backoff(int failures) {
        long initial = config.push().backoffInitial().toMillis();
        long max = config.push().backoffMax().toMillis();
        long step = failures >= 31 ? max : Math.min(max, initial * (1L << Math.max(0, failures - 1)));
        long jittered = step / 2 + ThreadLocalRandom.current().nextLong(step / 2 + 1);
        return Duration.ofMillis(jittered);
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
}
