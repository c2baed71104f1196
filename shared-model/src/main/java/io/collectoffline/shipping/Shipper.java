package io.collectoffline.shipping;

import io.collectoffline.protocol.BatchResult;
import io.collectoffline.protocol.HeldQuery;
import io.collectoffline.protocol.TransactionEnvelope;
import io.collectoffline.protocol.TransactionResult;
import io.collectoffline.shipping.ShippingQueue.Pending;
import io.collectoffline.shipping.ShippingQueue.Position;
import io.collectoffline.shipping.ShippingQueue.Recorded;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The engine: one pass that moves a queue to the next hop. First it asks the next hop which pending transactions
 * it holds already (by txId, for those its watermark covers: a watermark alone never marks anything delivered),
 * and whether it still holds what it acknowledged: a hop whose watermark stops before a seq it acknowledged has
 * lost it (restored from a backup), and what it no longer holds by txId is made pending again here. It then sends
 * the rest in producer and seq order, in batches of at most {@code maxCount}, and records each answer.
 * A batch the next hop refuses as too large is halved and sent again; a single transaction too large even alone
 * is refused with the reason, so the queue goes on. A batch that timed out is halved for the next pass
 * ({@link ShipObserver#shrunk}, {@link BatchLimit}) and ends this one: on a slow link its bytes are still on their
 * way, and sending again at once would compete with them. Any other failure ends the pass with everything
 * unanswered still pending; the caller's schedule decides when to try again ({@link LinkState}). An answer that
 * cannot re-order the queue is recorded on another thread while the next batch is read and sent
 * ({@link ShippingQueue#mayRestart}): one recording at a time, in order, all of them done when the pass returns. A
 * link that takes more than one batch at a time ({@link Link#inFlight}) gets the next batch while it answers the one
 * before; answers are taken in the order the batches were sent, and a failure drops the answers of the batches sent
 * after the failed one (their transactions stay pending; the hop answers DUPLICATE for those it stored).
 */
public final class Shipper {

    /** How often one pass may start again from the beginning because an answer re-ordered the queue. */
    static final int MAX_RESTARTS = 10;

    private Shipper() {}

    /**
     * One pass over {@code queue} to {@code link}, starting at the size {@code limit} remembers and telling it when
     * a batch had to be halved, so that the next pass starts at the smaller size; a link on which a batch timed out
     * carries one batch at a time from then on ({@link BatchLimit#slow}).
     */
    public static ShipReport ship(ShippingQueue queue, Link link, BatchLimit limit, ShipObserver observer) {
        int inFlight = limit.slow() ? 1 : link.inFlight();
        return ship(queue, link, limit.current(), inFlight, new ShipObserver() {
            @Override
            public void sending(int batch, int expected, int answered) {
                observer.sending(batch, expected, answered);
            }

            @Override
            public void shrunk(int from, int to, LinkFailure why) {
                limit.shrunk(to, why.kind() == LinkFailure.Kind.TIMEOUT);
                observer.shrunk(from, to, why);
            }

            @Override
            public void recorded(ShippingQueue.Recorded recorded) {
                observer.recorded(recorded);
            }

            @Override
            public void lost(String producer, long watermark, int resent) {
                observer.lost(producer, watermark, resent);
            }
        });
    }

    /** One pass over {@code queue} to {@code link}. */
    public static ShipReport ship(ShippingQueue queue, Link link, int maxCount, ShipObserver observer) {
        return ship(queue, link, maxCount, link.inFlight(), observer);
    }

    /** One pass, with at most {@code inFlight} batches travelling at once. */
    private static ShipReport ship(ShippingQueue queue, Link link, int maxCount, int inFlight, ShipObserver observer) {
        if (maxCount < 1) {
            throw new IllegalArgumentException("a batch holds at least one transaction, got " + maxCount);
        }
        Tally tally = new Tally(observer);
        Recording recording = new Recording();
        try (Flights flights = new Flights(link, inFlight)) {
            for (String producer : queue.producersToCheck()) {
                long watermark = link.watermark(producer);
                tally.resent += resendLost(queue, link, producer, watermark, observer);
                tally.held += confirmHeld(queue, link, producer, watermark);
            }
            int limit = maxCount;
            int expected = (int) Math.ceil(queue.pending() / (double) maxCount);
            int restarts = 0;
            int sent = 0;
            Position after = Position.START;
            boolean drained = false;
            while (true) {
                while (!drained && flights.room()) {
                    List<TransactionEnvelope> batch = queue.next(after, limit);
                    if (batch.isEmpty()) {
                        drained = true;
                        break;
                    }
                    observer.sending(++sent, Math.max(expected, sent), tally.answered());
                    flights.send(after, batch);
                    after = Position.after(batch.get(batch.size() - 1));
                }
                Flight head = flights.next();
                if (head == null) {
                    break;
                }
                BatchResult result;
                try {
                    result = head.answer();
                } catch (LinkFailure failure) {
                    // the batches sent after it are let finish and forgotten: their transactions stay pending, and
                    // the ones the hop stored come back DUPLICATE when sent again
                    flights.forget();
                    recording.await(tally);
                    after = head.from();
                    drained = false;
                    List<TransactionEnvelope> batch = head.batch();
                    int half = shrink(failure, batch, observer);
                    if (half > 0) {
                        limit = half;
                        if (failure.kind() == LinkFailure.Kind.TIMEOUT) {
                            // the request's bytes may still be on their way and the next hop may store the batch
                            // anyway: end the pass; the next one (after the backoff) first asks by txId what it
                            // holds, then goes on at the smaller size (BatchLimit)
                            throw failure;
                        }
                        continue;
                    }
                    if (failure.kind() != LinkFailure.Kind.TOO_LARGE) {
                        throw failure;
                    }
                    TransactionEnvelope alone = batch.get(0);
                    queue.refuse(alone, "too large for the next hop even alone: " + failure.getMessage());
                    tally.rejected++;
                    after = Position.after(alone);
                    continue;
                }
                recording.await(tally);
                if (!queue.mayRestart(result.results())) {
                    // recorded while the next batch is read and travels; it cannot re-order the queue
                    recording.start(() -> queue.record(head.batch(), result.results()));
                    continue;
                }
                // it may re-order the queue (a laptop re-issues what is pending): the batches sent after it are
                // answered first and recorded with it, so that nothing the hop stored is re-issued; when one of
                // them failed, nothing of this is recorded and the pass ends (the next asks by txId what is held)
                List<TransactionEnvelope> batches = new ArrayList<>(head.batch());
                List<TransactionResult> results = new ArrayList<>(result.results());
                for (Flight later = flights.next(); later != null; later = flights.next()) {
                    BatchResult answer;
                    try {
                        answer = later.answer();
                    } catch (LinkFailure failure) {
                        flights.forget();
                        // as for the head: the next pass starts at half the size (and one at a time, if it timed out)
                        shrink(failure, later.batch(), observer);
                        throw failure;
                    }
                    batches.addAll(later.batch());
                    results.addAll(answer.results());
                    tally.batches++;
                }
                Recorded recorded = queue.record(batches, results);
                tally.add(recorded);
                drained = false;
                if (recorded.restart()) {
                    if (++restarts > MAX_RESTARTS) {
                        throw new IllegalStateException(
                                "the next hop's answers re-ordered the queue " + MAX_RESTARTS + " times in one pass");
                    }
                    after = Position.START;
                }
            }
            recording.await(tally);
            return tally.report(null);
        } catch (LinkFailure failure) {
            recording.await(tally);
            return tally.report(failure);
        } finally {
            recording.close();
        }
    }

    /**
     * The size to try after {@code batch} failed with {@code failure}, half of it, told to the observer (with a
     * {@link BatchLimit}, the next passes start there, one batch at a time after a timeout); 0 when a smaller batch
     * would not pass either (the failure is not about size, or the batch is one transaction).
     */
    private static int shrink(LinkFailure failure, List<TransactionEnvelope> batch, ShipObserver observer) {
        if (!failure.smallerMayPass() || batch.size() < 2) {
            return 0;
        }
        int half = (batch.size() + 1) / 2;
        observer.shrunk(batch.size(), half, failure);
        return half;
    }

    /** One batch sent: where the pass had got to before reading it, the batch, and its answer to come. */
    private record Flight(Position from, List<TransactionEnvelope> batch, Future<BatchResult> sent) {

        /** The answer, waiting for it; a {@link LinkFailure} when the hop could not answer. */
        BatchResult answer() {
            try {
                return sent.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while a batch travelled", e);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof RuntimeException runtime) {
                    throw runtime;
                }
                throw new IllegalStateException("sending a batch failed", e.getCause());
            }
        }
    }

    /**
     * The batches travelling, oldest first, at most {@code most}: with 1 each is sent on the pass's own thread and
     * answered before the next is read; with more, they are sent on threads of their own.
     */
    private static final class Flights implements AutoCloseable {
        private final Link link;
        private final int most;
        private final Deque<Flight> travelling = new ArrayDeque<>();
        private ExecutorService senders;

        Flights(Link link, int most) {
            this.link = link;
            this.most = Math.max(1, most);
        }

        boolean room() {
            return travelling.size() < most;
        }

        void send(Position from, List<TransactionEnvelope> batch) {
            Future<BatchResult> sent;
            if (most == 1) {
                try {
                    sent = CompletableFuture.completedFuture(link.send(batch));
                } catch (RuntimeException e) {
                    sent = CompletableFuture.failedFuture(e);
                }
            } else {
                if (senders == null) {
                    senders = Executors.newFixedThreadPool(most, r -> {
                        Thread t = new Thread(r, "ship-send");
                        t.setDaemon(true);
                        return t;
                    });
                }
                sent = senders.submit(() -> link.send(batch));
            }
            travelling.add(new Flight(from, batch, sent));
        }

        /** The oldest batch travelling, taken out; null when none is. */
        Flight next() {
            return travelling.poll();
        }

        /** Waits for every batch still travelling and drops its answer, whatever it is. */
        void forget() {
            for (Flight flight = next(); flight != null; flight = next()) {
                try {
                    flight.answer();
                } catch (RuntimeException e) {
                    // dropped with the answer: its transactions stay pending
                }
            }
        }

        @Override
        public void close() {
            forget();
            if (senders != null) {
                senders.shutdown();
            }
        }
    }

    /** The counts of one pass. */
    private static final class Tally {
        private final ShipObserver observer;
        private int batches;
        private int accepted;
        private int duplicate;
        private int rejected;
        private int held;
        private int resent;

        Tally(ShipObserver observer) {
            this.observer = observer;
        }

        void add(Recorded recorded) {
            observer.recorded(recorded);
            batches++;
            accepted += recorded.accepted();
            duplicate += recorded.duplicate();
            rejected += recorded.rejected();
        }

        int answered() {
            return accepted + duplicate + rejected;
        }

        ShipReport report(LinkFailure failure) {
            return new ShipReport(batches, accepted, duplicate, rejected, held, resent, failure);
        }
    }

    /**
     * The one answer being recorded on another thread, if any ({@link ShippingQueue#mayRestart}). Awaited before
     * the next answer is recorded, before anything is refused, and before the pass ends, whichever way it ends.
     */
    private static final class Recording implements AutoCloseable {
        private ExecutorService thread;
        private Future<Recorded> running;

        void start(Callable<Recorded> record) {
            if (thread == null) {
                thread = Executors.newSingleThreadExecutor(r -> {
                    Thread t = new Thread(r, "ship-record");
                    t.setDaemon(true);
                    return t;
                });
            }
            running = thread.submit(record);
        }

        void await(Tally tally) {
            if (running == null) {
                return;
            }
            Recorded recorded;
            try {
                recorded = running.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while an answer was being recorded", e);
            } catch (ExecutionException e) {
                throw e.getCause() instanceof RuntimeException runtime
                        ? runtime
                        : new IllegalStateException("recording an answer failed", e.getCause());
            } finally {
                running = null;
            }
            if (recorded.restart()) {
                throw new IllegalStateException("an answer the queue said could not re-order it did");
            }
            tally.add(recorded);
        }

        @Override
        public void close() {
            if (thread != null) {
                if (running != null) {
                    // the pass ended by an exception: its last recording still finishes, alone
                    try {
                        running.get();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    } catch (ExecutionException e) {
                        // the exception that ended the pass is the one reported
                    }
                }
                thread.shutdown();
            }
        }
    }

    private static int confirmHeld(ShippingQueue queue, Link link, String producer, long watermark) {
        int held = 0;
        long afterSeq = 0;
        while (watermark > afterSeq) {
            List<Pending> candidates = queue.pendingUpTo(producer, afterSeq, watermark, HeldQuery.MAX);
            if (candidates.isEmpty()) {
                break;
            }
            held += queue.markHeld(
                    link.held(producer, candidates.stream().map(Pending::txId).toList()));
            afterSeq = candidates.get(candidates.size() - 1).seq();
        }
        return held;
    }

    /**
     * What the next hop acknowledged and no longer holds, made pending again. Seqs are gap-free per producer, so a
     * watermark that stops before a seq this queue marked delivered means the hop lost what it had acknowledged (its
     * database restored from a backup, or another hop behind the same address). Every transaction marked delivered
     * after the watermark is asked for by txId, and those the hop does not hold go back into the queue, to be sent
     * in this pass; those it holds stay delivered. A hop that holds its watermark's next seq, or whose watermark
     * stops at a transaction still pending here (refused, say), costs one lookup.
     */
    private static int resendLost(
            ShippingQueue queue, Link link, String producer, long watermark, ShipObserver observer) {
        if (!queue.marksDelivered(producer, watermark + 1)) {
            return 0;
        }
        int resent = 0;
        long afterSeq = watermark;
        while (true) {
            List<Pending> delivered = queue.deliveredAfter(producer, afterSeq, HeldQuery.MAX);
            if (delivered.isEmpty()) {
                break;
            }
            java.util.Set<java.util.UUID> held = new java.util.HashSet<>(
                    link.held(producer, delivered.stream().map(Pending::txId).toList()));
            List<java.util.UUID> lost = delivered.stream()
                    .map(Pending::txId)
                    .filter(txId -> !held.contains(txId))
                    .toList();
            if (!lost.isEmpty()) {
                resent += queue.requeue(lost);
            }
            afterSeq = delivered.get(delivered.size() - 1).seq();
        }
        if (resent > 0) {
            observer.lost(producer, watermark, resent);
        }
        return resent;
    }
}
