package io.collectoffline.shipping;

import io.collectoffline.protocol.TransactionEnvelope;
import io.collectoffline.protocol.TransactionResult;
import java.util.List;
import java.util.UUID;

/**
 * What a node has to send on, in producer and seq order, and the marks the next hop's answers put on it. Owned by
 * the node's store; the engine only reads pages of it and hands back answers.
 */
public interface ShippingQueue {

    /** Where a pass has got to: the last transaction handed over, by producer and seq. */
    record Position(String producer, long seq) {
        public static final Position START = new Position("", 0);

        public static Position after(TransactionEnvelope tx) {
            return new Position(tx.producer(), tx.seq());
        }
    }

    /** A pending transaction's identity and place. */
    record Pending(UUID txId, long seq) {}

    /**
     * What one answer did to the queue. {@code restart}: the answer re-ordered the queue (a laptop re-issued its
     * pending transactions on a new stream), so the pass starts again from the beginning.
     */
    record Recorded(int accepted, int duplicate, int rejected, boolean restart) {}

    /** How many transactions are waiting to be sent, for progress; 0 where the adapter shows none. */
    long pending();

    /** Producers with pending transactions, all of them (paged by the implementation, never cut). */
    List<String> producers();

    /**
     * The producers whose next hop the pass asks what it holds: by default those with pending transactions; a queue
     * may add producers it has delivered everything of, so that a hop that lost what it acknowledged is found
     * without waiting for a new transaction.
     */
    default List<String> producersToCheck() {
        return producers();
    }

    /**
     * Whether this queue marked {@code producer}'s {@code seq} delivered on the next hop's word. The default, false,
     * is for a queue that keeps nothing it delivered: the engine then never asks for anything back.
     */
    default boolean marksDelivered(String producer, long seq) {
        return false;
    }

    /** Transactions of {@code producer} marked delivered with a seq after {@code afterSeq}, in seq order. */
    default List<Pending> deliveredAfter(String producer, long afterSeq, int limit) {
        return List.of();
    }

    /**
     * Makes the delivered {@code txIds} pending again: the next hop no longer holds them. Returns how many it made
     * pending.
     */
    default int requeue(List<UUID> txIds) {
        return 0;
    }

    /** Pending transactions of {@code producer} with {@code afterSeq < seq <= upTo}, at most {@code limit}. */
    List<Pending> pendingUpTo(String producer, long afterSeq, long upTo, int limit);

    /** Marks delivered the {@code txIds} the next hop says it holds; returns how many it marked. */
    int markHeld(List<UUID> txIds);

    /** The next pending transactions after {@code after}, at most {@code maxCount} (and within the queue's bytes). */
    List<TransactionEnvelope> next(Position after, int maxCount);

    /** Records the next hop's answer to {@code batch}. */
    Recorded record(List<TransactionEnvelope> batch, List<TransactionResult> results);

    /**
     * Whether recording {@code results} could re-order the queue ({@link Recorded#restart}). When it cannot, the
     * engine records the answer on another thread while it reads and sends the next batch (the answer of a batch
     * and the reading of the next touch different transactions); recordings still happen one at a time, in order,
     * and all of them before the pass ends. The default, true, records every answer before anything else is sent.
     */
    default boolean mayRestart(List<TransactionResult> results) {
        return true;
    }

    /** Takes {@code tx} out of the queue as refused by the link itself (too large even alone), with the reason. */
    void refuse(TransactionEnvelope tx, String reason);
}
