package io.collectoffline.shipping;

import io.collectoffline.protocol.BatchResult;
import io.collectoffline.protocol.TransactionEnvelope;
import java.util.List;
import java.util.UUID;

/**
 * The next hop, as the engine sees it. Every method throws {@link LinkFailure} when the hop could not answer.
 */
public interface Link {

    /** How far the next hop holds {@code producer}'s transactions without a gap. */
    long watermark(String producer);

    /** Which of {@code txIds} of {@code producer} the next hop holds: delivery confirmed by identity. */
    List<UUID> held(String producer, List<UUID> txIds);

    /** Sends one batch and returns the next hop's answer per txId. */
    BatchResult send(List<TransactionEnvelope> batch);

    /**
     * How many batches may travel at once: with 2 the next batch is read and sent while the hop answers the one
     * before (the hop must take concurrent requests and keep each producer's order itself, as the server does).
     * 1, the default, waits for each answer before sending anything else.
     */
    default int inFlight() {
        return 1;
    }
}
