package io.collectoffline.shipping;

import io.collectoffline.protocol.BatchResult;
import io.collectoffline.protocol.HeldQuery;
import io.collectoffline.protocol.TransactionEnvelope;
import io.collectoffline.shipping.ShippingQueue.Pending;
import io.collectoffline.shipping.ShippingQueue.Position;
import io.collectoffline.shipping.ShippingQueue.Recorded;
import java.util.List;

/**
 * The engine: one pass that moves a queue to the next hop. First it asks the next hop which pending transactions
 * it holds already (by txId, for those its watermark covers: a watermark alone never marks anything delivered),
 * then sends the rest in producer and seq order, in batches of at most {@code maxCount}, and records each answer.
 * A batch the next hop refuses as too large is halved and sent again; a single transaction too large even alone
 * is refused with the reason, so the queue goes on. A batch that timed out is halved for the next pass
 * ({@link ShipObserver#shrunk}, {@link BatchLimit}) and ends this one: on a slow link its bytes are still on their
 * way, and sending again at once would compete with them. Any other failure ends the pass with everything
 * unanswered still pending; the caller's schedule decides when to try again ({@link LinkState}).
 */
public final class Shipper {

    /** How often one pass may start again from the beginning because an answer re-ordered the queue. */
    static final int MAX_RESTARTS = 10;

    private Shipper() {}

    /**
     * One pass over {@code queue} to {@code link}, starting at the size {@code limit} remembers and telling it when
     * a batch had to be halved, so that the next pass starts at the smaller size.
     */
    public static ShipReport ship(ShippingQueue queue, Link link, BatchLimit limit, ShipObserver observer) {
        return ship(queue, link, limit.current(), new ShipObserver() {
            @Override
            public void sending(int batch, int expected, int answered) {
                observer.sending(batch, expected, answered);
            }

            @Override
            public void shrunk(int from, int to, LinkFailure why) {
                limit.shrunk(to);
                observer.shrunk(from, to, why);
            }

            @Override
            public void recorded(ShippingQueue.Recorded recorded) {
                observer.recorded(recorded);
            }
        });
    }

    /** One pass over {@code queue} to {@code link}. */
    public static ShipReport ship(ShippingQueue queue, Link link, int maxCount, ShipObserver observer) {
        if (maxCount < 1) {
            throw new IllegalArgumentException("a batch holds at least one transaction, got " + maxCount);
        }
        int batches = 0;
        int accepted = 0;
        int duplicate = 0;
        int rejected = 0;
        int held = 0;
        try {
            for (String producer : queue.producers()) {
                held += confirmHeld(queue, link, producer);
            }
            int limit = maxCount;
            int expected = (int) Math.ceil(queue.pending() / (double) maxCount);
            int restarts = 0;
            Position after = Position.START;
            while (true) {
                List<TransactionEnvelope> batch = queue.next(after, limit);
                if (batch.isEmpty()) {
                    break;
                }
                observer.sending(batches + 1, Math.max(expected, batches + 1), accepted + duplicate + rejected);
                BatchResult result;
                try {
                    result = link.send(batch);
                } catch (LinkFailure failure) {
                    if (failure.smallerMayPass() && batch.size() > 1) {
                        limit = (batch.size() + 1) / 2;
                        observer.shrunk(batch.size(), limit, failure);
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
                    rejected++;
                    after = Position.after(alone);
                    continue;
                }
                Recorded recorded = queue.record(batch, result.results());
                observer.recorded(recorded);
                batches++;
                accepted += recorded.accepted();
                duplicate += recorded.duplicate();
                rejected += recorded.rejected();
                if (recorded.restart()) {
                    if (++restarts > MAX_RESTARTS) {
                        throw new IllegalStateException(
                                "the next hop's answers re-ordered the queue " + MAX_RESTARTS + " times in one pass");
                    }
                    after = Position.START;
                } else {
                    after = Position.after(batch.get(batch.size() - 1));
                }
            }
            return new ShipReport(batches, accepted, duplicate, rejected, held, null);
        } catch (LinkFailure failure) {
            return new ShipReport(batches, accepted, duplicate, rejected, held, failure);
        }
    }

    private static int confirmHeld(ShippingQueue queue, Link link, String producer) {
        long watermark = link.watermark(producer);
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
}
